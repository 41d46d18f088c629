"""Long work off the UI thread: a worker in a QThread, a progress dialog that appears only when
the work takes longer than a moment, cancel, and the result or the error handed back to the UI
thread as a message — never a frozen window, never a crash.

    run_in_background(parent, "正在导出报表…", lambda progress: export(..., progress=progress),
                      on_done=show_files)

The function runs in a worker thread: it must not touch any widget, and it opens its own
database session (SQLAlchemy sessions are not shared across threads).

A page's own store reads (its rows on open, after an edit, after a switch of year) run through
``PageReads`` instead: no dialog, the page keeps what it shows until the rows arrive, and only
the newest request's rows are handed over.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject, QThread, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from models.errors import LedgerError
from models.logs import log_exception
from models.progress import Cancelled, Progress

# Quick work never flickers a dialog (as Anki's progress manager does).
SHOW_AFTER_MS = 600


class Worker(QObject):
    """Runs ``fn(progress)`` once in its thread; reports through signals only."""

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, fn: Callable[[Progress], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.cancel_requested = threading.Event()

    def _progress(self, done: int, total: int, text: str = "") -> None:
        if self.cancel_requested.is_set():
            raise Cancelled()
        self.progressed.emit(done, total, text)

    @Slot()
    def run(self) -> None:
        try:
            result = self.fn(self._progress)
        except Cancelled:
            self.cancelled.emit()
        except Exception as error:
            self.failed.emit(error_message(error))
        else:
            self.succeeded.emit(result)


def error_message(error: Exception) -> str:
    """What the user is told of an error in background work: a LedgerError's own words; anything
    unforeseen logged in full and summarised."""
    if isinstance(error, LedgerError):
        return str(error)
    path = log_exception("后台任务", error)
    return f"程序内部错误：{error}\n详细信息已写入 {path}。"


class BackgroundTask(QObject):
    """One run of a Worker in its own QThread, with its progress dialog. Parented to ``parent``
    while it runs and deleted once it has handed back its result: keep no reference to it; pass
    callbacks instead."""

    finished = Signal()

    def __init__(self, parent: QWidget, title: str, fn: Callable[[Progress], Any],
                 on_done: Callable[[Any], None] | None = None,
                 on_error: Callable[[str], None] | None = None, cancellable: bool = True) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.on_done = on_done
        self.on_error = on_error
        self.error: str | None = None
        self.result: Any = None
        self.dialog = QProgressDialog(title, self.tr("取消") if cancellable else None, 0, 0, parent)
        self.dialog.setWindowTitle(self.tr("请稍候"))
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(SHOW_AFTER_MS)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.thread = QThread(self)  # deleted with this task, after it has finished
        self.worker = Worker(fn)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.progressed.connect(self._on_progress)
        self.worker.succeeded.connect(self._on_succeeded)
        self.worker.failed.connect(self._on_failed)
        self.worker.cancelled.connect(self._on_cancelled)
        self.dialog.canceled.connect(self.worker.cancel_requested.set)
        self.thread.finished.connect(self.worker.deleteLater)
        self.thread.finished.connect(self._cleanup)

    def start(self) -> "BackgroundTask":
        self.dialog.setValue(0)
        self.thread.start()
        return self

    def _on_progress(self, done: int, total: int, text: str) -> None:
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total) if total else 0)
        if text:
            self.dialog.setLabelText(text)

    def _on_succeeded(self, result: Any) -> None:
        self.result = result
        self.thread.quit()

    def _on_failed(self, message: str) -> None:
        self.error = message
        self.thread.quit()

    def _on_cancelled(self) -> None:
        self.error = str(Cancelled())
        self.thread.quit()

    def _cleanup(self) -> None:
        self.thread.wait()  # `finished` is emitted just before the thread really ends
        self.dialog.close()
        self.dialog.deleteLater()
        if self.error is None:
            if self.on_done is not None:
                self.on_done(self.result)
        elif self.on_error is not None:
            self.on_error(self.error)
        else:
            QMessageBox.warning(self.parent_widget, self.tr("未完成"), self.error)
        self.finished.emit()
        self.deleteLater()


def run_in_background(parent: QWidget, title: str, fn: Callable[[Progress], Any],
                      on_done: Callable[[Any], None] | None = None,
                      on_error: Callable[[str], None] | None = None,
                      cancellable: bool = True) -> BackgroundTask:
    """Start ``fn`` off the UI thread; ``on_done(result)`` or ``on_error(message)`` run on the UI
    thread afterwards (without ``on_error`` the message is shown in a warning box)."""
    return BackgroundTask(parent, title, fn, on_done, on_error, cancellable).start()


# Every page's reads wait their turn in one thread (as Anki's task manager does): they never race
# one another for the store, and a read superseded while it waited is skipped before it begins.
_READ_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-reads")


class _Delivery(QObject):
    """Lives in the UI thread: a read's outcome, emitted from the read thread, is queued to it."""

    arrived = Signal(object, int, object, object)  # the PageReads, request number, result, error

    def __init__(self) -> None:
        super().__init__()
        self.arrived.connect(self._deliver)

    @Slot(object, int, object, object)
    def _deliver(self, reads: "PageReads", number: int, result: Any, error: str | None) -> None:
        if shiboken6.isValid(reads):  # its page may have been closed meanwhile
            reads.arrive(number, result, error)


_delivery: _Delivery | None = None


class PageReads(QObject):
    """A page's store reads, off the UI thread and without a dialog. ``start(fn, on_done)`` runs
    ``fn()`` (which opens its own session) in the read thread; ``on_done(result)`` then runs on the
    UI thread, and ``loaded`` is emitted — unless a newer request was made meanwhile: only the
    newest request's result is handed over, so rows asked for before a switch never replace those
    asked for after it. An error is shown in a warning box (or handed to ``on_error``)."""

    loaded = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        global _delivery
        if _delivery is None:
            _delivery = _Delivery()
        self.parent_widget = parent
        self._newest = 0
        self._awaited: tuple[Callable[[Any], None], Callable[[str], None] | None] | None = None

    def reading(self) -> bool:
        """Whether rows asked for have not arrived yet."""
        return self._awaited is not None

    def start(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
              on_error: Callable[[str], None] | None = None) -> None:
        self._newest += 1
        self._awaited = (on_done, on_error)
        _READ_THREAD.submit(self._read, self._newest, fn)

    def _read(self, number: int, fn: Callable[[], Any]) -> None:  # in the read thread
        if number != self._newest:
            return  # superseded before it began
        try:
            result, error = fn(), None
        except Exception as failure:
            result, error = None, error_message(failure)
        assert _delivery is not None
        _delivery.arrived.emit(self, number, result, error)

    def arrive(self, number: int, result: Any, error: str | None) -> None:
        if number != self._newest or self._awaited is None:
            return  # a newer request is under way: its rows are the ones to show
        on_done, on_error = self._awaited
        self._awaited = None
        if error is None:
            on_done(result)
        elif on_error is not None:
            on_error(error)
        else:
            QMessageBox.warning(self.parent_widget, self.tr("未能读取"), error)
        if self._awaited is None:  # on_done may have asked for more (a partial re-read finding more changed)
            self.loaded.emit()


def wait_for_reads() -> None:
    """Block until the reads already asked for have run (their results are then queued to the UI
    thread): before the store they read is closed."""
    _READ_THREAD.submit(lambda: None).result()
