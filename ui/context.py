"""What every workspace shares: the open store, the working date and a signal for changes."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from models.settings import as_of_date
from models.store import Store


class AppContext(QObject):
    """Handed to every page. ``ledgerChanged`` tells the other pages to re-read the store;
    ``undo_stack`` holds every undoable edit of the session (one QUndoCommand per edit);
    ``openTask`` asks the main window to show a task (by id) in 任务清单."""

    ledgerChanged = Signal()
    openTask = Signal(int)

    def __init__(self, store: Store, as_of_override: date | None = None) -> None:
        super().__init__()
        self.store = store
        self.as_of_override = as_of_override
        self.undo_stack = QUndoStack(self)

    def as_of(self) -> date:
        with self.store.session() as session:
            return as_of_date(session, self.as_of_override)
