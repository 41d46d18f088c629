"""Table models of the 汇总 workspace: the trust list and the returns received."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from exchange.consolidate import COUNTED, Receipt, ReceiptState

SORT_ROLE = Qt.ItemDataRole.UserRole


class TrustTableModel(QAbstractTableModel):
    COUNTY, FINGERPRINT, VALID_UNTIL, SUBJECT = range(4)
    HEADERS = ("县（市、区）", "证书指纹", "有效期至", "证书主题")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.HEADERS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, SORT_ROLE, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self.rows[index.row()]
        key = ("county", "fingerprint", "not_after", "subject")[index.column()]
        value = row[key]
        if key == "fingerprint" and role == Qt.ItemDataRole.DisplayRole:
            return value[:16] + "…"
        return value


class ReceiptTableModel(QAbstractTableModel):
    COUNTY, STATE, FILE, SIGNED_AT, PERIOD, VERSION, PROBLEMS = range(7)
    HEADERS = ("县（市、区）", "状态", "文件", "签发时间", "期次", "版本", "说明")
    _COLOURS = {ReceiptState.VALID: "#1E8449", ReceiptState.LATE: "#B9770E"}

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Receipt] = []

    def set_rows(self, rows: list[Receipt]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.HEADERS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        receipt = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATE:
            return QColor(self._COLOURS.get(receipt.state, "#C0392B"))
        if role == SORT_ROLE:
            if column == self.STATE:
                return list(ReceiptState).index(receipt.state)
            if column == self.SIGNED_AT:
                return receipt.signed_at.isoformat() if receipt.signed_at else ""
            if column == self.VERSION:
                return receipt.version
        if role not in (Qt.ItemDataRole.DisplayRole, SORT_ROLE, Qt.ItemDataRole.ToolTipRole):
            return None
        return (receipt.county or self.tr("（不明）"), receipt.state.label, receipt.path.name if receipt.path else "",
                receipt.signed_at.strftime("%Y-%m-%d %H:%M") if receipt.signed_at else "", receipt.period_id,
                receipt.version or "", "；".join(receipt.problems))[column]

    def counted(self) -> int:
        return sum(1 for r in self.rows if r.state in COUNTED)
