"""Alembic, driven from code: bring a store to the newest schema, backing up an older one first.

Alembic itself is imported only when a store is not at HEAD: a store that is up to date (every
start but the first after an update) opens without paying for it.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from models.backups import backup_copy
from models.errors import LedgerError

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest revision; tests/test_store.py checks it against the migration scripts.
HEAD = "0013"  # chained after 0015 (already on main)


def alembic_config(connection: Connection | None = None):
    from alembic.config import Config  # alembic is slow to import: only when a store needs it

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The head as the migration scripts say (slow: loads them all)."""
    from alembic.script import ScriptDirectory  # alembic is slow to import: only when a store needs it

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    try:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except OperationalError:  # no such table: a new, empty file or not ours
        return None


def refuse_unknown_schema(db_path: Path, current: str | None, has_tables: bool) -> None:
    """Refuse a file that is not a ledger, or a ledger of a newer program, before any write."""
    if current is None and has_tables:
        raise LedgerError(f"{db_path} 不是改革台账的数据文件（其中已有别的表），未作任何改动。")
    if current is None or current == HEAD:
        return
    from alembic.script import ScriptDirectory  # alembic is slow to import: only for a store not up to date

    known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if current not in known:
        raise LedgerError(f"{db_path} 由较新版本的改革台账创建（数据结构 {current}），请先升级程序再打开。未作任何改动。")


def upgrade_store(engine: Engine, db_path: Path, target: str = "head") -> Path | None:
    """Migrate to ``target`` in one transaction (the engine's BEGIN makes DDL transactional: a kill
    leaves the old schema or the new one); return the backup made of an older store (else None)."""
    with engine.connect() as connection:
        current = current_revision(connection)
        if current == (HEAD if target == "head" else target):
            return None
        has_tables = bool(inspect(connection).get_table_names())
    refuse_unknown_schema(db_path, current, has_tables)
    from alembic import command  # alembic is slow to import: only for a store that is not up to date

    backup = backup_copy(db_path, f"rev{current}") if current is not None else None
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), target)
    return backup
