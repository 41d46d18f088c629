"""Writing cells of every workbook the program makes: nothing written is ever a formula.

openpyxl turns any string starting with ``=`` into a formula, and Excel, WPS and LibreOffice
evaluate text starting with ``+``, ``-`` or ``@`` once a person edits the cell. Text from the
ledger (a task title, a unit's name, a note) is typed by people or comes from workbooks others
made, so it is always written as a text cell, with Excel's quote prefix when it looks like a
formula; control characters XML cannot hold are dropped, and a number that is not finite
(which the file format cannot hold) is written as text.

``put`` writes one cell of an ordinary worksheet; ``append`` adds a row to an ordinary or a
``write_only`` worksheet, ``row_cells`` makes such a row's cells to style before appending them
(a write-only sheet cannot be styled afterwards). Every writer uses them instead of
``ws.cell(…, value)`` and ``ws.append``.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def cell_value(value: Any) -> Any:
    """``value`` as a cell may hold it: None, bool, a finite number, a date or time, else text."""
    if value is None or isinstance(value, (bool, date, datetime, time, timedelta)):
        return value
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        # Excel, WPS and LibreOffice hold 15 significant digits: a value written with more (a sum
        # such as 0.1 + 0.2) would come back from their save as another number than was signed.
        return float(f"{value:.15g}") if math.isfinite(value) else str(value)
    if isinstance(value, int):
        return value
    return _ILLEGAL.sub("", value if isinstance(value, str) else str(value))


def _mark_text(cell: Any) -> Any:
    """A string cell stays a string cell; formula-like text gets Excel's quote prefix."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_START):
            cell.quotePrefix = True
    return cell


def put(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write one value at (row, column) of an ordinary worksheet; returns the cell for styling."""
    cell = ws.cell(row, column)
    cell.value = cell_value(value)
    return _mark_text(cell)


def row_cells(ws: Any, values: Iterable[Any]) -> list[Any]:
    """The cells of a row of ``values`` for ``ws.append``, to style first where needed."""
    from openpyxl.cell.cell import Cell  # openpyxl is imported by writers only, never at start-up

    # Cells with their column set (a write-only sheet formats a cell it cannot take as a value).
    return [_mark_text(Cell(ws, column=column, value=cell_value(v))) for column, v in enumerate(values, 1)]


def append(ws: Any, values: Iterable[Any]) -> None:
    """Add a row below the last one, like ``ws.append``, on an ordinary or write-only worksheet."""
    ws.append(row_cells(ws, values))
