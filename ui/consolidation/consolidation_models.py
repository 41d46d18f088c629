"""Table models of the 汇总 workspace: the trust list and the returns received."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from exchange.consolidation.consolidation_data import COUNTED, Receipt, ReceiptState
from ui.palette import BEHIND, DONE, LATE
from ui.table_model import Index, RawRole, RowsTableModel


class TrustTableModel(RowsTableModel):
    COUNTY, FINGERPRINT, VALID_UNTIL, SUBJECT = range(4)
    HEADERS = ("县（市、区）", "证书指纹", "有效期至", "证书主题")
    rows: list[dict[str, Any]]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, RawRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self.rows[index.row()]
        key = ("county", "fingerprint", "not_after", "subject")[index.column()]
        value = row[key]
        if key == "fingerprint" and role == Qt.ItemDataRole.DisplayRole:
            return value[:16] + "…"
        return value


class ReceiptTableModel(RowsTableModel):
    COUNTY, STATE, FILE, SIGNED_AT, PERIOD, VERSION, PROBLEMS = range(7)
    HEADERS = ("县（市、区）", "状态", "文件", "签发时间", "期次", "版本", "说明")
    _COLOURS = {ReceiptState.VALID: DONE, ReceiptState.LATE: LATE}
    rows: list[Receipt]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        receipt = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATE:
            return self._COLOURS.get(receipt.state, BEHIND)
        if role == RawRole:
            if column == self.STATE:
                return list(ReceiptState).index(receipt.state)
            if column == self.SIGNED_AT:
                return receipt.signed_at.isoformat() if receipt.signed_at else ""
            if column == self.VERSION:
                return receipt.version
        if role not in (Qt.ItemDataRole.DisplayRole, RawRole, Qt.ItemDataRole.ToolTipRole):
            return None
        return (receipt.county or self.tr("（不明）"), receipt.state.label, receipt.path.name if receipt.path else "",
                receipt.signed_at.strftime("%Y-%m-%d %H:%M") if receipt.signed_at else "", receipt.period_id,
                receipt.version or "", "；".join(receipt.problems))[column]

    def counted(self) -> int:
        return sum(1 for r in self.rows if r.state in COUNTED)
