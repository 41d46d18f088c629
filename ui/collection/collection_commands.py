"""Accepting received answers as one step of 编辑 → 撤销: undo puts back everything they replaced.
A LedgerCommand (ui.undo): a refused acceptance is never pushed, a refused undo or redo (the
period signed meanwhile) leaves the store and the stack as they were."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from models.collection import AcceptResult, AnswersUndo, ReceivedForm, apply_answers, undo_answers
from models.store import Store
from ui.undo import LedgerCommand


class AcceptAnswersCommand(LedgerCommand):
    """Pushing writes the accepted answers (LedgerError propagates, nothing is pushed; ``result``
    says what was written); redo after an undo writes them again, checked anew against the ledger."""

    def __init__(self, store: Store, received: list[ReceivedForm], as_of: date, accepted: set[tuple[str, str]],
                 confirm_outliers: bool, on_change: Callable[[], None]) -> None:
        super().__init__(f"接受填报内容（{len(accepted)} 项）", on_change)
        self.store, self.received, self.as_of = store, received, as_of
        self.accepted, self.confirm_outliers = accepted, confirm_outliers
        self.undo_state: AnswersUndo | None = None
        self.result: AcceptResult | None = None

    def first(self) -> None:
        self.result = apply_answers(self.store, self.received, self.as_of, self.accepted,
                                    confirm_outliers=self.confirm_outliers)
        self.undo_state = self.result.undo

    def back(self) -> None:
        undo_answers(self.store, self.undo_state)
