"""Alembic, driven from code: bring a store to the newest schema, backing up an older one first."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine

from models.errors import LedgerError

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade_store(engine: Engine, db_path: Path, target: str = "head") -> Path | None:
    """Migrate to ``target``; return the backup made of an older, non-empty store (else None)."""
    from models.store import backup_copy

    with engine.connect() as connection:
        current = current_revision(connection)
        has_tables = bool(inspect(connection).get_table_names())
    wanted = head_revision() if target == "head" else target
    if current == wanted:
        return None
    if current is None and has_tables:
        raise LedgerError(f"{db_path} 不是改革台账的数据文件（其中已有别的表），未作任何改动。")
    backup = backup_copy(db_path, f"rev{current}") if current is not None else None
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), target)
    return backup
