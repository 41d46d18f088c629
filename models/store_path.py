"""Where the store is and whether there is one: the program's name for the user folders, the
store's default path, and whether a file holds anything to open. No SQLAlchemy and no Qt, so the
window can ask (and show its frame) before the ORM loads."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "ReformLedger"
DB_ENV = "LEDGER_DB"


def default_db_path() -> Path:
    """``--db`` wins, then ``LEDGER_DB``, then the user data folder."""
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV]).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "ledger.db"


def store_file_exists(db_path: Path) -> bool:
    """Whether there is a file to open (an empty one counts as none: it holds no ledger)."""
    path = Path(db_path).expanduser()
    return path.exists() and path.stat().st_size > 0
