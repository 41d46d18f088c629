"""The store: one SQLite file, opened with safe pragmas, guarded by a lock against a second
instance, backed up and migrated to the newest schema before anything else touches it."""
from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import platformdirs
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from models.audit import set_actor
from models.errors import LedgerError
from models.migrate import upgrade_store

APP_NAME = "ReformLedger"
DB_ENV = "LEDGER_DB"


def default_db_path() -> Path:
    """``--db`` wins, then ``LEDGER_DB``, then the user data folder."""
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV]).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "ledger.db"


class StoreLockedError(LedgerError):
    pass


class StoreLock:
    """An OS file lock beside the database; released by the OS even if the process dies."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self._file = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")
        try:
            # Each platform's own lock call; neither module exists on the other platform.
            if sys.platform == "win32":
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            owner = handle.read().strip() or "未知"
            handle.close()
            raise StoreLockedError(
                f"数据文件 {self.path.with_suffix('')} 正被另一个改革台账程序使用（进程 {owner}）。"
                "请先关闭那个窗口或命令，再重新打开。"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _set_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: every committed edit survives a power cut; edits are human-paced, so the cost is nil.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(db_path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{db_path}")
    event.listen(engine, "connect", _set_pragmas)
    return engine


class Store:
    """An open ledger file. Use as a context manager, or call open() and close()."""

    def __init__(self, db_path: Path | str) -> None:
        self.path = Path(db_path).expanduser().resolve()
        # The plan year the window (or a --year command) shows; None: the newest. Every session
        # carries it, so models.plan_loader.current_plan answers with that year's plan.
        self.view_year: int | None = None
        self.lock = StoreLock(self.path)
        self.engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self.backup_path: Path | None = None

    @property
    def folder(self) -> Path:
        """Where evidence files and exports made from this store live."""
        return self.path.parent

    @property
    def evidence_folder(self) -> Path:
        return self.folder / f"{self.path.stem}.files" / "evidence"

    def open(self) -> "Store":
        self.lock.acquire()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.engine = make_engine(self.path)
            self.backup_path = upgrade_store(self.engine, self.path)
            self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        except DatabaseError as error:
            self.close()
            raise LedgerError(f"{self.path} 不是有效的台账数据文件，或文件已损坏（{error.orig}）。未作任何改动。") from None
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None
        self.lock.release()

    def __enter__(self) -> "Store":
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def session(self) -> Session:
        assert self._sessions is not None, "store is not open"
        session = self._sessions()
        session.info["view_year"] = self.view_year
        return session

    @contextmanager
    def transaction(self, who: str | None = None) -> Iterator[Session]:
        """One unit of work: committed as a whole, or rolled back as a whole on any error."""
        with self.session() as session, session.begin():
            set_actor(session, who)
            yield session

