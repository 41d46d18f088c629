"""The store: one SQLite file, opened with safe pragmas, guarded by a lock against a second
instance, backed up and migrated to the newest schema before anything else touches it.

Nothing is written to a file before it is known to be a ledger: the file is locked, its header
and tables are read over a read-only connection, and only then opened for writing (WAL). A new
store is built whole under a temporary name and linked into place, so a kill at any moment leaves
no store or a whole one; only ``open(create=True)`` (``init``, the window after asking) makes one.
"""
from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from models.audit import set_actor
from models.errors import LedgerError
from models.migrate import HEAD, refuse_unknown_schema, upgrade_store
from models.store_path import store_file_exists

SQLITE_HEADER = b"SQLite format 3\x00"
# The lock byte lies in the page SQLite never uses (the one holding its own lock bytes at 1 GiB),
# past them: on Windows, where locks are mandatory, it blocks neither SQLite's locks nor its reads.
LOCK_OFFSET = 0x40000000 + 0x800
CREATING = ".creating-"


class StoreLockedError(LedgerError):
    pass


def lock_file(handle: BinaryIO) -> bool:
    """An exclusive OS lock on the open file itself (its inode, whatever name opened it), released
    by the OS when the process dies; False when another holder has it."""
    try:
        # Each platform's own lock call; neither module exists on the other platform.
        if sys.platform == "win32":
            import msvcrt

            handle.seek(LOCK_OFFSET)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            # flock, not fcntl/lockf: SQLite's own POSIX locks on the same file are independent of it.
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _set_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # SQLAlchemy, not the sqlite3 module, opens transactions (see _begin): DDL is then transactional.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: every committed edit survives a power cut; edits are human-paced, so the cost is nil.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _begin(connection: Connection) -> None:
    # The sqlite3 module would BEGIN only before INSERT/UPDATE/DELETE, leaving CREATE TABLE in
    # autocommit: a migration killed half-way would stay half-done.
    connection.exec_driver_sql("BEGIN")


def make_engine(db_path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{db_path}")
    event.listen(engine, "connect", _set_pragmas)
    event.listen(engine, "begin", _begin)
    return engine


def fsync_folder(folder: Path) -> None:
    """Make the renames in ``folder`` durable (Windows cannot open a folder for that)."""
    if sys.platform != "win32":
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove_abandoned_builds(db_path: Path) -> None:
    """Temporary stores left by a killed ``init`` (maybe already linked as the store: then only
    that name goes); one still being built, or linked and open elsewhere, is locked."""
    for temp in db_path.parent.glob(f".{db_path.name}{CREATING}*"):
        if temp.name.endswith(("-wal", "-shm", "-journal")):
            continue
        with open(temp, "r+b") as handle:
            if not lock_file(handle):
                continue
            for extra in ("", "-wal", "-shm", "-journal"):
                Path(f"{temp}{extra}").unlink(missing_ok=True)


def _build_new_store(db_path: Path) -> None:
    """The schema at head in a temporary file, then linked into place: all there or not at all."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    temp = db_path.with_name(f".{db_path.name}{CREATING}{os.getpid()}")
    with open(temp, "w+b") as handle:
        lock_file(handle)
        engine = make_engine(temp)
        try:
            upgrade_store(engine, temp)
        finally:
            engine.dispose()  # checkpoints the WAL into the file and removes -wal/-shm
        os.fsync(handle.fileno())
        try:
            os.link(temp, db_path)  # fails, unlike a rename, if another program created it meanwhile
        except FileExistsError:
            pass
        finally:
            temp.unlink()
    fsync_folder(db_path.parent)


def _read_only_state(db_path: Path) -> tuple[str | None, bool]:
    """(schema revision, whether it holds any table), read without writing a byte."""
    connection = sqlite3.connect(f"file:{quote(str(db_path))}?mode=ro", uri=True)
    try:
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        current = (connection.execute("SELECT version_num FROM alembic_version").fetchone() or [None])[0] \
            if "alembic_version" in names else None
    finally:
        connection.close()
    return current, bool(names)


class Store:
    """An open ledger file. Use as a context manager, or call open() and close().

    ``create``: make a new store when the file is missing (or empty); without it such a path is
    refused, so a mistyped ``--db`` never becomes a new, empty ledger."""

    def __init__(self, db_path: Path | str, create: bool = True) -> None:
        self.path = Path(db_path).expanduser().resolve()
        # The plan year the window (or a --year command) shows; None: the newest. Every session
        # carries it, so models.plan_loader.current_plan answers with that year's plan.
        self.view_year: int | None = None
        self.create = create
        self.engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._handle: BinaryIO | None = None
        self.backup_path: Path | None = None

    @property
    def folder(self) -> Path:
        """Where evidence files and exports made from this store live."""
        return self.path.parent

    @property
    def evidence_folder(self) -> Path:
        return self.folder / f"{self.path.stem}.files" / "evidence"

    def _refuse_missing(self) -> None:
        empty = self.path.exists()
        if empty and not self.create:
            raise LedgerError(f"数据文件 {self.path} 是空文件（0 字节），不是台账。新建台账请运行 init；"
                              "如路径写错，请改正 --db。未作任何改动。")
        if not self.create:
            raise LedgerError(f"数据文件 {self.path} 不存在。新建台账请运行 init；如路径写错，请改正 --db。")
        if empty:  # an empty file holds nothing to lose
            self.path.unlink()
        _build_new_store(self.path)

    def _lock(self) -> None:
        try:
            handle = open(self.path, "r+b")
        except OSError as error:
            raise LedgerError(f"无法打开数据文件 {self.path}：{error.strerror}") from None
        if not lock_file(handle):
            handle.close()
            raise StoreLockedError(f"数据文件 {self.path} 正被另一个改革台账程序使用。"
                                   "请先关闭那个窗口或命令，再重新打开。")
        self._handle = handle

    def _check_is_ledger(self) -> str | None:
        """The schema revision of a file that is a ledger; anything else refused before any write."""
        assert self._handle is not None
        self._handle.seek(0)
        if self._handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise LedgerError(f"{self.path} 不是有效的台账数据文件（不是 SQLite 数据库），未作任何改动。")
        try:
            current, has_tables = _read_only_state(self.path)
        except sqlite3.DatabaseError as error:
            raise LedgerError(f"{self.path} 不是有效的台账数据文件，或文件已损坏（{error}）。未作任何改动。") from None
        if current is None and not has_tables and not self.create:
            raise LedgerError(f"{self.path} 是一个没有任何数据表的 SQLite 文件，不是台账。新建台账请运行 init。")
        refuse_unknown_schema(self.path, current, has_tables)
        return current

    def open(self) -> "Store":
        if self.path.parent.is_dir():
            _remove_abandoned_builds(self.path)
        if not store_file_exists(self.path):
            self._refuse_missing()
        self._lock()
        try:
            current = self._check_is_ledger()
            self.engine = make_engine(self.path)
            if current != HEAD:
                self.backup_path = upgrade_store(self.engine, self.path)
            self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        except DatabaseError as error:
            self.close()
            raise LedgerError(f"{self.path} 不是有效的台账数据文件，或文件已损坏（{error.orig}）。") from None
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None
        if self._handle is not None:  # after the engine: closing it releases the lock
            self._handle.close()
            self._handle = None

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
