"""Table models of the 涉企问题 workspace: the problems (coloured by 督办 state) and one problem's steps."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from models.problems.loop import StepView
from models.problems.supervision import IssueRow
from ui.table_model import Index, RowsTableModel

# The 督办 colours as backgrounds light enough to read black text on.
COLOURS = {"red": QColor("#f8cbad"), "blue": QColor("#bdd7ee"), "yellow": QColor("#ffe699")}


class IssueTableModel(RowsTableModel):
    NUMBER, COLOUR, RECEIVED, ENTERPRISE, CHANNEL, CONTACT, UNIT, DUE, LEFT, STATE = range(10)
    HEADERS = ["编号", "督办", "受理日期", "企业", "来源", "联系人", "主办单位", "办结期限", "剩余工作日", "状态"]
    rows: list[IssueRow]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, self.RawRole):
            raw = role == self.RawRole
            match column:
                case self.NUMBER:
                    return row.number
                case self.RECEIVED:
                    return row.received.isoformat()
                case self.CHANNEL:
                    return row.channel
                case self.ENTERPRISE:
                    return row.enterprise
                case self.CONTACT:
                    return row.contact
                case self.UNIT:
                    return row.lead_handler
                case self.DUE:
                    return row.due.isoformat() if row.due else ""
                case self.LEFT:
                    if raw:
                        return row.days_left if row.days_left is not None else 10**6
                    if row.days_left is None:
                        return ""
                    return self.tr("逾期 %d") % -row.days_left if row.days_left < 0 else str(row.days_left)
                case self.STATE:
                    return row.state_label + (self.tr("（重办 %d）") % row.reopen_count if row.reopen_count else "")
                case self.COLOUR:
                    return row.colour_label.split("（")[0] if not raw else "rby".find(row.colour[:1] or "-")
        if role == Qt.ItemDataRole.BackgroundRole and column == self.COLOUR and row.colour:
            return COLOURS[row.colour]
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.colour_label if column == self.COLOUR else f"{row.enterprise}\n{row.description}"
        return None


class StepTableModel(RowsTableModel):
    # The unit and who recorded the step share a column (two lines), so 内容 has the room to wrap
    # in the narrow detail pane (1024 px).
    DAY, KIND, UNIT, TEXT = range(4)
    HEADERS = ["日期", "环节", "单位 / 记录人", "内容"]
    rows: list[StepView]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        step = self.rows[index.row()]
        if index.column() == self.UNIT:  # when it was recorded: in the tooltip
            shown = "\n".join(part for part in (step.unit, step.who) if part)
            return shown if role == Qt.ItemDataRole.DisplayRole else f"{shown}\n记录于 {step.at:%Y-%m-%d %H:%M:%S}"
        text = step.text
        if step.satisfaction:
            text = f"{step.satisfaction}　{text}".strip()
        if step.due:
            text = f"{text}（办结期限 {step.due.isoformat()}）".strip()
        return [step.day.isoformat(), step.kind, "", text][index.column()]
