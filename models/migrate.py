"""Alembic, driven from code: bring a store to the newest schema, backing up an older one first.

Alembic itself is imported only when a store is not at HEAD: a store that is up to date (every
start but the first after an update) opens without paying for it.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from models.errors import LedgerError

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest revision; tests/test_store.py checks it against the migration scripts.
HEAD = "0002"


def alembic_config(connection: Connection | None = None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The head as the migration scripts say (slow: loads them all)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    try:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except OperationalError:  # no such table: a new, empty file or not ours
        return None


def backup_copy(db_path: Path, tag: str) -> Path:
    """A consistent copy beside the file, named with the date and why it was made."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = db_path.with_name(f"{db_path.stem}.backup-{stamp}-{tag}{db_path.suffix}")
    source = sqlite3.connect(db_path)
    try:
        dest = sqlite3.connect(target)
        with dest:
            source.backup(dest)
        dest.close()
    finally:
        source.close()
    return target


def refuse_unknown_schema(db_path: Path, current: str | None, has_tables: bool) -> None:
    """Refuse a file that is not a ledger, or a ledger of a newer program, before any write."""
    if current is None and has_tables:
        raise LedgerError(f"{db_path} 不是改革台账的数据文件（其中已有别的表），未作任何改动。")
    if current is None or current == HEAD:
        return
    from alembic.script import ScriptDirectory

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
    from alembic import command

    backup = backup_copy(db_path, f"rev{current}") if current is not None else None
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), target)
    return backup
