"""Table models of the task detail pane: the task's milestones and its evidence files."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from models.enums import TaskStatus
from models.plan import Milestone
from models.task_list import EvidenceEntry
from ui.table_model import Index, RowsTableModel
from ui.palette import BEHIND, TASK_STATUS_COLOURS


class MilestoneTableModel(RowsTableModel):
    COL_SEQ, COL_TITLE, COL_DUE, COL_ORIGINAL, COL_MOVES, COL_DONE = range(6)
    HEADERS = ["序", "节点举措", "完成时限", "原定时限", "延期", "完成日期"]
    rows: list[Milestone]

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.as_of = date.today()  # a milestone due before it and not done is shown overdue

    def set_milestones(self, milestones: list[Milestone], as_of: date) -> None:
        self.as_of = as_of
        self.set_rows(milestones)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        m = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            match column:
                case self.COL_SEQ: return m.seq
                case self.COL_TITLE: return m.title
                case self.COL_DUE: return m.due_date.isoformat()
                case self.COL_ORIGINAL: return m.original_due.isoformat() if m.original_due != m.due_date else ""
                case self.COL_MOVES: return self.tr("%d 次") % m.postpone_count if m.postpone_count else ""
                case self.COL_DONE: return m.done_date.isoformat() if m.done_date else self.tr("未完成")
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = m.title + (f"\n{self.tr('备注')}：{m.note}" if m.note else "")
            if m.postpone_count:
                tip += f"\n{self.tr('延期原因')}：{m.postpone_reason}"
            return tip
        if role == Qt.ItemDataRole.ForegroundRole and column in (self.COL_DUE, self.COL_DONE):
            if m.done_date is not None:
                return TASK_STATUS_COLOURS[TaskStatus.DONE]
            if m.due_date < self.as_of:
                return BEHIND
        return None


class EvidenceTableModel(RowsTableModel):
    COL_NAME, COL_OWNER, COL_SIZE, COL_ADDED = range(4)
    HEADERS = ["文件", "所属", "大小", "添加时间"]
    rows: list[EvidenceEntry]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        e = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            match index.column():
                case self.COL_NAME: return e.file_name
                case self.COL_OWNER: return e.owner
                case self.COL_SIZE: return f"{e.size / 1024:.0f} KB" if e.size >= 1024 else f"{e.size} B"
                case self.COL_ADDED: return e.added_at.strftime("%Y-%m-%d %H:%M")
        return None
