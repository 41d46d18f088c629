"""Accepting received answers as one step of 编辑 → 撤销: undo puts back everything they replaced."""
from __future__ import annotations

from datetime import date
from typing import Callable

from PySide6.QtGui import QUndoCommand

from models.errors import LedgerError
from models.collection import AcceptResult, AnswersUndo, ReceivedForm, apply_answers, undo_answers
from models.store import Store


class AcceptAnswersCommand(QUndoCommand):
    """``execute()`` writes the accepted answers (LedgerError propagates, nothing is pushed);
    redo after an undo writes them again, checked anew against the ledger."""

    def __init__(self, store: Store, received: list[ReceivedForm], as_of: date, accepted: set[tuple[str, str]],
                 confirm_outliers: bool, on_change: Callable[[], None], on_error: Callable[[str], None]) -> None:
        super().__init__(f"接受填报内容（{len(accepted)} 项）")
        self.store, self.received, self.as_of = store, received, as_of
        self.accepted, self.confirm_outliers = accepted, confirm_outliers
        self.on_change, self.on_error = on_change, on_error
        self.undo_state: AnswersUndo | None = None
        self._skip_redo = True  # pushed after execute()

    def execute(self) -> AcceptResult:
        result = apply_answers(self.store, self.received, self.as_of, self.accepted,
                               confirm_outliers=self.confirm_outliers)
        self.undo_state = result.undo
        return result

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self._run(self.execute)

    def undo(self) -> None:
        self._run(lambda: undo_answers(self.store, self.undo_state))

    def _run(self, step: Callable[[], object]) -> None:
        """A refused undo or redo (the period signed meanwhile) is reported and leaves the stack."""
        try:
            step()
        except LedgerError as error:
            self.setObsolete(True)
            self.on_error(str(error))
        self.on_change()
