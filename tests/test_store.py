"""The store on a real SQLite file: pragmas, constraints, the lock, migrations and backups."""
from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from models.tables import (
    Area, AuditEntry, IndicatorValue, Milestone, Office, Period, Plan, ProgressReport, Task,
)
from models.errors import LedgerError
from models.migrate import HEAD, head_revision, upgrade_store
from models.store import Store, StoreLockedError, make_engine


def test_pragmas_are_safe(store):
    with store.session() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_second_instance_is_refused_with_a_clear_message(db_path):
    with Store(db_path):
        with pytest.raises(StoreLockedError) as info:
            Store(db_path).open()
        assert "正被另一个改革台账程序使用" in str(info.value)
    with Store(db_path):  # released on close
        pass


def test_second_instance_in_another_process_is_refused(db_path, tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    with Store(db_path):
        result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db_path), "summary"],
                                capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert "正被另一个改革台账程序使用" in result.stderr
    assert "Traceback" not in result.stderr


def test_foreign_keys_and_uniques_are_enforced(plan_store):
    with pytest.raises(IntegrityError):
        with plan_store.transaction() as session:
            session.add(ProgressReport(task_id=1, period_id="2099-B01", progress="x"))
    with pytest.raises(IntegrityError):
        with plan_store.transaction() as session:
            task = session.scalar(select(Task).where(Task.number == 1))
            session.add(Task(plan_id=task.plan_id, area_id=task.area_id, number=1, title="重复编号"))
    with pytest.raises(IntegrityError):
        with plan_store.transaction() as session:
            session.add(IndicatorValue(indicator_id=1, period_id="2023-M01", value=1))
            session.add(IndicatorValue(indicator_id=1, period_id="2023-M01", value=2))
    with pytest.raises(IntegrityError):
        with plan_store.transaction() as session:  # the CHECK on stored enum values
            session.execute(text("UPDATE task SET origin = 'nowhere' WHERE number = 1"))


def test_a_failed_transaction_leaves_nothing_behind(plan_store):
    with pytest.raises(RuntimeError):
        with plan_store.transaction() as session:
            session.scalar(select(Task).where(Task.number == 1)).leader = "张三"
            session.flush()
            raise RuntimeError("boom")
    with plan_store.session() as session:
        assert session.scalar(select(Task).where(Task.number == 1)).leader == ""
        assert session.scalar(select(AuditEntry).where(AuditEntry.new == "张三")) is None


def test_audit_records_who_when_old_and_new(plan_store):
    with plan_store.transaction(who="方宇") as session:
        session.scalar(select(Task).where(Task.number == 3)).leader = "王建华"
    with plan_store.transaction(who="方宇") as session:
        session.scalar(select(Task).where(Task.number == 3)).leader = "李晓东"
    with plan_store.session() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.field == "leader").order_by(AuditEntry.id)).all()
    assert [(r.who, r.entity, r.action, r.old, r.new) for r in rows] == [
        ("方宇", "task", "update", "", "王建华"), ("方宇", "task", "update", "王建华", "李晓东")]


def test_head_constant_matches_the_migration_scripts():
    assert HEAD == head_revision()


def test_upgrade_from_empty_reaches_head(db_path):
    engine = make_engine(db_path)
    assert upgrade_store(engine, db_path) is None  # nothing to back up in a new file
    with engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    assert version == head_revision()


def test_upgrade_from_first_revision_keeps_data_and_makes_a_backup(db_path):
    engine = make_engine(db_path)
    upgrade_store(engine, db_path, target="0001")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO plan (id, code, name, year, issuer, progress_cycle, source, created_at, updated_at) "
            "VALUES (1, 'P', '旧方案', 2023, '', 'biweekly', '', '2023-01-01', '2023-01-01')"))
        connection.execute(text("INSERT INTO area (id, plan_id, code, seq, name, title, lead_unit) "
                                "VALUES (1, 1, 'GOV', 1, '政务环境', '', '市政管办')"))
    engine.dispose()
    with Store(db_path) as reopened:
        with reopened.session() as session:
            assert session.scalar(select(Plan.name)) == "旧方案"
            assert session.scalar(select(Area.lead_unit)) == "市政管办"
        if head_revision() != "0001":
            assert reopened.backup_path is not None and reopened.backup_path.exists()
            copy = sqlite3.connect(reopened.backup_path)
            assert copy.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
            copy.close()


def test_a_foreign_database_is_left_alone(db_path):
    connection = sqlite3.connect(db_path)
    connection.execute("CREATE TABLE customers (id INTEGER)")
    connection.commit()
    connection.close()
    with pytest.raises(LedgerError) as info:
        Store(db_path).open()
    assert "不是改革台账的数据文件" in str(info.value)
    connection = sqlite3.connect(db_path)
    assert connection.execute("SELECT name FROM sqlite_master").fetchall() == [("customers",)]
    connection.close()


def test_a_store_from_a_newer_program_is_refused(db_path):
    with Store(db_path):
        pass
    connection = sqlite3.connect(db_path)
    connection.execute("UPDATE alembic_version SET version_num = 'future'")
    connection.commit()
    connection.close()
    with pytest.raises(LedgerError) as info:
        Store(db_path).open()
    assert "较新版本" in str(info.value)


def test_milestone_and_office_rows_round_trip(plan_store):
    with plan_store.transaction() as session:
        task = session.scalar(select(Task).where(Task.number == 1))
        session.add(Milestone(task=task, seq=9, title="额外节点", due_date=date(2023, 11, 30),
                              original_due=date(2023, 11, 30)))
        session.add(Office(county="婺城区", office_name="婺城区改革办"))
    with plan_store.session() as session:
        milestone = session.scalar(select(Milestone).where(Milestone.seq == 9))
        assert milestone.due_date == date(2023, 11, 30) and milestone.task.number == 1
        assert session.scalar(select(Office.county)) == "婺城区"
        assert session.get(Period, "2023-B22").label == "2023年第22期（10月22日—11月4日）"


def test_migrations_build_exactly_the_schema_the_models_declare(db_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import models.tables  # noqa: F401  (every model registered on Base.metadata)
    from models.base import Base

    engine = make_engine(db_path)
    upgrade_store(engine, db_path)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def _foreign_database(path) -> bytes:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE customers (id INTEGER, name TEXT)")
    connection.execute("INSERT INTO customers VALUES (1, '张三')")
    connection.commit()
    connection.close()
    return path.read_bytes()


def test_a_foreign_sqlite_file_stays_byte_for_byte(db_path):
    before = _foreign_database(db_path)
    with pytest.raises(LedgerError) as info:
        Store(db_path).open()
    assert "不是改革台账的数据文件" in str(info.value) and "未作任何改动" in str(info.value)
    assert db_path.read_bytes() == before  # not even converted to WAL
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["ledger.db"]


def test_a_foreign_sqlite_file_is_unchanged_by_every_command(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    path = tmp_path / "other.db"
    before = _foreign_database(path)
    for command in (["summary"], ["init"], ["tasks"]):
        result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(path), *command],
                                capture_output=True, text=True, cwd=ROOT)
        assert result.returncode == 2 and "不是改革台账的数据文件" in result.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize("empty", [False, True])
def test_only_init_makes_a_store_from_a_missing_or_empty_path(tmp_path, empty):
    import subprocess
    import sys

    from tests.conftest import ROOT

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(path), *args],
                              capture_output=True, text=True, cwd=ROOT)

    path = tmp_path / "ledgr.db"  # the mistyped name
    if empty:
        path.write_bytes(b"")
    for command in (["summary"], ["tasks"], ["identity", "show"], ["returns", "history"]):
        result = run(*command)
        assert result.returncode == 2, result
        assert str(path) in result.stderr and ("空文件" if empty else "不存在") in result.stderr
        assert "init" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == (["ledgr.db"] if empty else [])
    assert path.exists() == empty and (not empty or path.stat().st_size == 0)
    assert run("init").returncode == 0
    assert run("summary").returncode == 0


def test_a_new_store_is_built_whole_under_a_temporary_name(db_path, monkeypatch):
    import models.store

    seen = []

    def failing_upgrade(engine, path, target="head"):
        seen.append(path)
        raise RuntimeError("killed while writing the schema")

    monkeypatch.setattr(models.store, "upgrade_store", failing_upgrade)
    with pytest.raises(RuntimeError):
        Store(db_path).open()
    assert seen and seen[0] != db_path and seen[0].parent == db_path.parent
    assert not db_path.exists()  # no half store under the real name


def test_hard_linked_names_of_one_store_share_its_lock(db_path, tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    with Store(db_path):
        pass
    other = tmp_path / "alias.db"
    os.link(db_path, other)
    with Store(db_path):
        with pytest.raises(StoreLockedError):
            Store(other).open()
        result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(other), "summary"],
                                capture_output=True, text=True, cwd=ROOT)
        assert result.returncode == 2 and "正被另一个改革台账程序使用" in result.stderr
    with Store(other):  # released with the first name's handle
        pass
    assert not list(tmp_path.glob("*.lock"))


def test_schema_changes_are_transactional(db_path):
    """What makes a migration atomic: DDL inside the engine's transaction rolls back with it."""
    engine = make_engine(db_path)
    upgrade_store(engine, db_path, target="0001")
    with pytest.raises(RuntimeError):
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE half_done (x INTEGER)")
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0002'")
            raise RuntimeError("killed in the middle of a migration")
    with engine.connect() as connection:
        assert "half_done" not in {r[0] for r in connection.exec_driver_sql("SELECT name FROM sqlite_master")}
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"
    engine.dispose()
