"""What every workspace shares: the open store, the working date and a signal for changes."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QObject, Signal

from models.settings import working_date
from models.store import Store
from ui.undo import LedgerUndoStack


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
        self.undo_stack = LedgerUndoStack(self)

    def as_of(self) -> date:
        return working_date(self.store, self.as_of_override)

    def notify_others(self, own: Callable[[], None]) -> None:
        """Emit ``ledgerChanged`` to every page but the one whose handler is ``own``: a page that
        re-reads what it wrote itself is not sent back to read it all again."""
        self.ledgerChanged.disconnect(own)
        try:
            self.ledgerChanged.emit()
        finally:
            self.ledgerChanged.connect(own)

    def set_year(self, year: int | None) -> None:
        """Show the plan year ``year`` (None: the newest) in every workspace."""
        self.store.view_year = year
        self.ledgerChanged.emit()
