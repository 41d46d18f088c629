"""Undoable indicator edits: one LedgerCommand (ui.undo) per kind, each calling the actions of
models.indicator_values, which check what they write: a refused edit is never pushed, and a
refused undo or redo (a period locked meanwhile) leaves the store and the stack as they were.
"""
from __future__ import annotations

from models.indicator_values import (
    BlockPreview, CellEdit, ValueState, add_county_indicator, apply_block, edit_indicator, remove_county_indicator,
    restore_values,
)
from models.store import Store
from ui.undo import LedgerCommand, Notify


class SetIndicatorValuesCommand(LedgerCommand):
    """Write a block of cells (a typed cell, a paste, a clear) as one step. ``checked``: the
    preview of these edits the user accepted, written as it is while the store is as it was
    checked against (a redo after the undo, too), else the edits are checked again."""

    def __init__(self, store: Store, edits: list[CellEdit], text: str, confirm_outliers: bool = False,
                 on_change: Notify | None = None, checked: BlockPreview | None = None) -> None:
        super().__init__(text, on_change)
        self.store, self.edits, self.confirm_outliers, self.checked = store, edits, confirm_outliers, checked
        self.before: list[ValueState] = []

    def first(self) -> None:
        _preview, self.before = apply_block(self.store, self.edits, confirm_outliers=self.confirm_outliers,
                                            checked=self.checked)

    def back(self) -> None:
        restore_values(self.store, self.before)


class EditIndicatorCommand(LedgerCommand):
    """Change an indicator's definition (county target, range, decimals); undo puts back ``old``."""

    def __init__(self, store: Store, indicator_id: int, new: dict, old: dict, text: str,
                 on_change: Notify | None = None) -> None:
        super().__init__(text, on_change)
        self.store, self.indicator_id, self.new, self.old = store, indicator_id, new, old

    def first(self) -> None:
        edit_indicator(self.store, self.indicator_id, **self.new)

    def back(self) -> None:
        edit_indicator(self.store, self.indicator_id, **self.old)


class AddCountyIndicatorCommand(LedgerCommand):
    """Add a county indicator (新增县级指标); ``fields`` are add_county_indicator's keywords.

    Undo removes it again, but only while nothing has been entered for it. Values typed in the
    grid are later steps on the same stack and are undone first, so normally there is nothing;
    values that came in another way (the ``value`` command, an Excel import) are refused rather
    than dropped, and rather than archived: an archived indicator would keep its code taken and
    its figures hidden, which a clerk who pressed 撤销 would not expect. The message says what
    to clear first. Redo re-creates it under the same id, so the later steps still find it."""

    def __init__(self, store: Store, fields: dict, text: str, on_change: Notify | None = None) -> None:
        super().__init__(text, on_change)
        self.store, self.fields = store, fields
        self.indicator_id: int | None = None

    def first(self) -> None:
        self.indicator_id = add_county_indicator(self.store, indicator_id=self.indicator_id, **self.fields)

    def back(self) -> None:
        remove_county_indicator(self.store, self.indicator_id)
