"""Undoable indicator edits: one QUndoCommand per kind, each calling the domain functions.

A command is pushed only after its edit was checked (the page previews first), so redo
rarely fails; when it does (another window locked the period meanwhile) the message goes to
``on_error`` and the command makes itself obsolete instead of leaving a half-done step.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from models.errors import LedgerError
from models.indicator_values import (
    CellEdit, ValueState, add_county_indicator, apply_block, edit_indicator, remove_county_indicator, restore_values,
)
from models.plan import Plan
from models.store import Store

Notify = Callable[[], None]
Report = Callable[[str], None]


class IndicatorCommand(QUndoCommand):
    """What every indicator edit shares: a refused step reports its message and makes itself
    obsolete; every step, done or refused, tells the page to re-read."""

    def __init__(self, text: str, on_change: Notify | None, on_error: Report | None) -> None:
        super().__init__(text)
        self.on_change, self.on_error = on_change, on_error
        self.error = ""

    def _run(self, step: Callable[[], object]) -> None:
        try:
            step()
        except LedgerError as error:
            self.error = str(error)
            self.setObsolete(True)
            if self.on_error:
                self.on_error(self.error)
        if self.on_change:
            self.on_change()


class SetIndicatorValuesCommand(IndicatorCommand):
    """Write a block of cells (a typed cell, a paste, a clear) as one step."""

    def __init__(self, store: Store, edits: list[CellEdit], text: str, confirm_outliers: bool = False,
                 on_change: Notify | None = None, on_error: Report | None = None) -> None:
        super().__init__(text, on_change, on_error)
        self.store, self.edits, self.confirm_outliers = store, edits, confirm_outliers
        self.before: list[ValueState] = []

    def redo(self) -> None:
        def write() -> None:
            _preview, self.before = apply_block(self.store, self.edits, confirm_outliers=self.confirm_outliers)
        self._run(write)

    def undo(self) -> None:
        self._run(lambda: restore_values(self.store, self.before))


class EditIndicatorCommand(IndicatorCommand):
    """Change an indicator's definition (county target, range, decimals); undo puts back ``old``."""

    def __init__(self, store: Store, indicator_id: int, new: dict, old: dict, text: str,
                 on_change: Notify | None = None, on_error: Report | None = None) -> None:
        super().__init__(text, on_change, on_error)
        self.store, self.indicator_id, self.new, self.old = store, indicator_id, new, old

    def redo(self) -> None:
        self._run(lambda: edit_indicator(self.store, self.indicator_id, **self.new))

    def undo(self) -> None:
        self._run(lambda: edit_indicator(self.store, self.indicator_id, **self.old))


class AddCountyIndicatorCommand(IndicatorCommand):
    """Add a county indicator (新增县级指标); ``fields`` are add_county_indicator's keywords.

    Undo removes it again, but only while nothing has been entered for it. Values typed in the
    grid are later steps on the same stack and are undone first, so normally there is nothing;
    values that came in another way (the ``value`` command, an Excel import) are refused rather
    than dropped, and rather than archived: an archived indicator would keep its code taken and
    its figures hidden, which a clerk who pressed 撤销 would not expect. The message says what
    to clear first. Redo re-creates it under the same id, so the later steps still find it."""

    def __init__(self, store: Store, plan_id: int, fields: dict, text: str,
                 on_change: Notify | None = None, on_error: Report | None = None) -> None:
        super().__init__(text, on_change, on_error)
        self.store, self.plan_id, self.fields = store, plan_id, fields
        self.indicator_id: int | None = None

    def redo(self) -> None:
        def add() -> None:
            with self.store.session() as session:
                plan = session.get(Plan, self.plan_id)
            self.indicator_id = add_county_indicator(self.store, plan, indicator_id=self.indicator_id, **self.fields)
        self._run(add)

    def undo(self) -> None:
        self._run(lambda: remove_county_indicator(self.store, self.indicator_id))
