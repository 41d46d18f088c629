"""Item models of the 报表报送 workspace: the gaps of a period and the history of its returns."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush

from models.beijing_time import format_moment
from models.office import Return
from models.returns import GapItem, explain_gap_item
from models.store import Store
from ui.palette import BEHIND
from ui.table_model import Index, RowsTableModel
from ui.undo import LedgerCommand, Notify


class GapTableModel(RowsTableModel):
    """缺报事项 of the period; the reason column is edited in place (one undoable command each)."""

    KIND, SUBJECT, REASON = range(3)
    HEADERS = ("类别", "事项", "原因说明（签发前必填）")
    reasonEdited = Signal(int, str)  # row, new reason: the page pushes an ExplainGapCommand
    rows: list[GapItem]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        gap = self.rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole):
            return (gap.kind, gap.subject, gap.reason)[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == self.REASON and not gap.reason:
            return QBrush(BEHIND)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsEditable if index.column() == self.REASON else flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != self.REASON:
            return False
        text = str(value).strip()
        if text != self.rows[index.row()].reason:
            self.reasonEdited.emit(index.row(), text)
        return True


class ExplainGapCommand(LedgerCommand):
    """Write (or take back) the reason of one gap; the reason goes into the return."""

    def __init__(self, store: Store, gap: GapItem, reason: str, on_change: Notify | None = None) -> None:
        super().__init__(f"缺报说明：{gap.subject}", on_change)
        self.store, self.gap, self.old, self.new = store, gap, gap.reason, reason

    def first(self) -> None:
        explain_gap_item(self.store, self.gap, self.new)

    def back(self) -> None:
        explain_gap_item(self.store, self.gap, self.old)


class ReturnHistoryTableModel(RowsTableModel):
    """Every version of the period's return, newest first, with its files."""

    # The files beside the version, so they stay in sight in the narrow pane (1024 px); the reason
    # for a withdrawal, which may be long, last and wrapped.
    VERSION, STATE, FILES, REVIEWED, SIGNED, SUBMITTED, NOTE = range(7)
    HEADERS = ("版本", "状态", "文件", "审核", "签发", "报送", "撤回原因")
    rows: list[Return]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        ret = self.rows[index.row()]
        if role == self.RawRole:  # the Return itself: the page opens its files
            return ret
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == self.FILES:
            return "\n".join(p for p in (ret.xlsx_path, ret.pdf_path) if p)  # the full paths
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        # Name and time on two lines, file names without their folder: the files stay in sight at 1024 px.
        match index.column():
            case self.VERSION:
                return self.tr("第 %1 版").replace("%1", str(ret.version))
            case self.STATE:
                return ret.state.label
            case self.REVIEWED:
                return f"{ret.reviewed_by}\n{format_moment(ret.reviewed_at)}".strip()
            case self.SIGNED:
                return f"{ret.signed_by}\n{format_moment(ret.signed_at)}".strip()
            case self.SUBMITTED:
                return format_moment(ret.submitted_at)
            case self.NOTE:
                return ret.withdraw_reason
            case self.FILES:
                return "\n".join(Path(p).name for p in (ret.xlsx_path, ret.pdf_path) if p)
        return None
