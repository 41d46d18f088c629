"""Accepting received answers as one step of 编辑 → 撤销 (the window's one undo protocol, ui.undo):
undo puts back everything they replaced; redo writes them again, checked anew against the ledger."""
from __future__ import annotations

from datetime import date

from models.collection import AcceptResult, AnswersUndo, ReceivedForm, apply_answers, undo_answers
from models.store import Store
from ui.undo import LedgerCommand, Notify


class AcceptAnswersCommand(LedgerCommand):
    def __init__(self, store: Store, received: list[ReceivedForm], as_of: date, accepted: set[tuple[str, str]],
                 confirm_outliers: bool, on_change: Notify | None = None) -> None:
        super().__init__(f"接受填报内容（{len(accepted)} 项）", on_change)
        self.store, self.received, self.as_of = store, received, as_of
        self.accepted, self.confirm_outliers = accepted, confirm_outliers
        self.result: AcceptResult | None = None

    def first(self) -> None:
        self.result = apply_answers(self.store, self.received, self.as_of, self.accepted,
                                    confirm_outliers=self.confirm_outliers)

    def back(self) -> None:
        undo: AnswersUndo = self.result.undo
        undo_answers(self.store, undo)
