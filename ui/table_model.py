"""The base of the workspaces' table models: a list of rows shown under fixed, translated headers.

A subclass names its columns as constants, sets HEADERS and writes ``data()``; filling
(``set_rows``), the row and column counts and the horizontal header come from here. ``RawRole``
is the sort key a QSortFilterProxyModel reads (numbers as numbers, dates as ISO text).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
RawRole = Qt.ItemDataRole.UserRole + 1


class HeadersMixin:
    """``headerData`` for models whose columns are the fixed list HEADERS (tables and trees)."""

    HEADERS: Sequence[str] = ()

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.HEADERS[section])  # type: ignore[attr-defined]
        return None


class RowsTableModel(HeadersMixin, QAbstractTableModel):
    """A flat table: one row per item of ``rows``, one column per header."""

    RawRole = RawRole

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)
