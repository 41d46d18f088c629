"""Long work off the UI thread: a worker in a QThread, a progress dialog that appears only when
the work takes longer than a moment, cancel, and the result or the error handed back to the UI
thread as a message — never a frozen window, never a crash.

    run_in_background(parent, "正在导出报表…", lambda progress: export(..., progress=progress),
                      on_done=show_files)

The function runs in a worker thread: it must not touch any widget, and it opens its own
database session (SQLAlchemy sessions are not shared across threads).
"""
from __future__ import annotations

import threading
from typing import Any, Callable

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
        except LedgerError as error:
            self.failed.emit(str(error))
        except Exception as error:  # unforeseen: logged in full, summarised to the user
            path = log_exception("后台任务", error)
            self.failed.emit(f"程序内部错误：{error}\n详细信息已写入 {path}。")
        else:
            self.succeeded.emit(result)


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
