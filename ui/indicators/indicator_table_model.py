"""The 指标填报 grid: one row per indicator, fixed columns, then the year's periods.

Period columns of every period type in use stand side by side (双周, then 月度, 季度, 年度); a cell
is editable only where the period is of the indicator's own type, has started, and its value is
not one a signed return contains. The proxy filters rows and period columns by type and by a search text.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from models.enums import Direction, IndicatorStatus, PeriodType
from models.indicator_values import CellEdit, IndicatorRow, StoredValue
from models.ledger import Period
from models.periods import parse_period_id
from models.quantities import format_number, format_percent, format_value
from ui.palette import INDICATOR_STATUS_COLOURS
from ui.table_model import Index, RawRole, RowsTableModel

PeriodTypeRole = Qt.ItemDataRole.UserRole + 2

DIRECTION_MARKS = {Direction.HIGHER: "↑ 越高", Direction.LOWER: "↓ 越低", Direction.BAND: "↕ 区间"}
LOCKED_BACKGROUND = QColor("#e6e8eb")
NOT_APPLICABLE_BACKGROUND = QColor("#f5f6f8")
OUTLIER_BACKGROUND = QColor("#ffe9c7")
MISSING_NOTE_BACKGROUND = QColor("#fff7d6")

EditHandler = Callable[[list[CellEdit]], bool]


class IndicatorTableModel(RowsTableModel):
    COL_AREA, COL_TASK, COL_NAME, COL_UNIT, COL_DIRECTION, COL_TARGET, COL_COUNTY_TARGET, COL_LATEST, \
        COL_COMPLETION, COL_STATUS = range(10)
    FIXED_COLUMNS = 10
    HEADERS = ["领域", "任务", "指标", "单位", "方向", "年度目标", "县级目标", "最新值", "完成率", "状态"]

    rows: list[IndicatorRow]

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.periods: list[Period] = []
        self.locked: set[tuple[int, str]] = set()  # (indicator id, period id) a signed return contains
        self._signed: set[str] = set()  # periods with such a value
        self.as_of = date.today()
        # Set by the page: writes a list of cell edits as one undoable step; False if refused.
        self.edit_handler: EditHandler | None = None

    def set_grid(self, rows: list[IndicatorRow], periods: list[Period], locked: set[tuple[int, str]],
                 as_of: date) -> None:
        self.periods, self.locked, self.as_of = periods, locked, as_of
        self._signed = {period_id for _indicator, period_id in locked}
        self.set_rows(rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.FIXED_COLUMNS + len(self.periods)

    def period_at(self, column: int) -> Period | None:
        return self.periods[column - self.FIXED_COLUMNS] if column >= self.FIXED_COLUMNS else None

    def column_of(self, period_id: str) -> int:
        return next(i for i, p in enumerate(self.periods) if p.id == period_id) + self.FIXED_COLUMNS

    def row_of(self, indicator_id: int) -> int:
        return next(i for i, r in enumerate(self.rows) if r.indicator.id == indicator_id)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        period = self.period_at(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if period is None:
                return self.tr(self.HEADERS[section])
            return parse_period_id(period.id).short_label
        if role == Qt.ItemDataRole.ToolTipRole and period is not None:
            locked = self.tr("（已签发的数值只读）") if period.id in self._signed else ""
            return f"{period.label}{locked}"
        if role == PeriodTypeRole:
            return period.type if period else None
        return None

    def cell_state(self, row: IndicatorRow, period: Period) -> str:
        """'locked', 'other' (not this indicator's period type), 'future', or 'open'."""
        if period.type is not row.indicator.period_type:
            return "other"
        if (row.indicator.id, period.id) in self.locked:
            return "locked"
        if period.start > self.as_of:
            return "future"
        return "open"

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        period = self.period_at(index.column())
        if period is not None and self.cell_state(self.rows[index.row()], period) == "open":
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        period = self.period_at(index.column())
        if period is not None:
            return self._period_data(row, period, role)
        return self._fixed_data(row, index.column(), role)

    def _fixed_data(self, row: IndicatorRow, column: int, role: int):
        i, ev = row.indicator, row.evaluation
        if role in (Qt.ItemDataRole.DisplayRole, RawRole):
            raw = role == RawRole
            match column:
                case self.COL_AREA:
                    return row.area
                case self.COL_TASK:  # the number only: the column is narrow; the tooltip names the task
                    return i.task.number if i.task else ("" if not raw else 0)
                case self.COL_NAME:
                    return i.name if raw else f"{i.name}{self.tr('（县）') if i.origin.value == 'county' else ''}"
                case self.COL_UNIT:
                    return i.unit
                case self.COL_DIRECTION:
                    return i.direction.label if raw else DIRECTION_MARKS[i.direction]
                case self.COL_TARGET:
                    return i.target if raw else row.target_text()
                case self.COL_COUNTY_TARGET:
                    return i.county_target if raw else format_value(i.county_target, i.unit, i.decimals)
                case self.COL_LATEST:
                    value = row.latest.value if row.latest else None
                    return value if raw else format_value(value, i.unit, i.decimals)
                case self.COL_COMPLETION:
                    if raw:
                        return ev.completion if ev.completion is not None else -1.0
                    return format_percent(ev.completion)
                case self.COL_STATUS:
                    return list(IndicatorStatus).index(ev.status) if raw else ev.status.label
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.COL_NAME:
                return f"{i.code} {i.name}\n{i.kind.label}，按{i.period_type.label}填报\n{i.source_text}"
            if column in (self.COL_COMPLETION, self.COL_STATUS):
                return self.tr("完成率 %s，序时进度 %s") % (
                    format_percent(ev.completion), format_percent(ev.time_progress))
            if column == self.COL_TASK:
                return row.task
            if column == self.COL_DIRECTION:
                return i.direction.label
        if column in (self.COL_COMPLETION, self.COL_STATUS):
            background, foreground = INDICATOR_STATUS_COLOURS[ev.status]
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(background))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(foreground))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
                self.COL_TARGET, self.COL_COUNTY_TARGET, self.COL_LATEST, self.COL_COMPLETION):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.COL_UNIT, self.COL_STATUS, self.COL_DIRECTION):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _period_data(self, row: IndicatorRow, period: Period, role: int):
        value: StoredValue | None = row.values.get(period.id)
        i = row.indicator
        state = self.cell_state(row, period)
        if role == Qt.ItemDataRole.DisplayRole:
            if state == "other":
                return ""
            if value is not None and value.value is None and value.note:
                return self.tr("（缺，有说明）")
            return format_value(value.value, i.unit, i.decimals) if value else ""
        if role == Qt.ItemDataRole.EditRole:
            if value is None or value.value is None:
                return ""
            return format_number(value.value, i.decimals).replace(",", "")
        if role == RawRole:
            return value.value if value is not None and value.value is not None else None
        if role == Qt.ItemDataRole.BackgroundRole:
            if state == "other":
                return QBrush(NOT_APPLICABLE_BACKGROUND)
            if state == "locked":
                return QBrush(LOCKED_BACKGROUND)
            if value is not None and value.outlier_confirmed:
                return QBrush(OUTLIER_BACKGROUND)
            if value is not None and value.value is None:
                return QBrush(MISSING_NOTE_BACKGROUND)
            return None
        if role == Qt.ItemDataRole.ForegroundRole and state == "locked":
            return QBrush(QColor("#6b7280"))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and state != "other":
            lines = [period.label]
            if state == "locked":
                lines.append(self.tr("该期报表已签发，只读"))
            if value is not None:
                if value.outlier_confirmed:
                    lines.append(self.tr("异常值（远离历史数据，已确认）"))
                if value.note:
                    lines.append(self.tr("备注：%s") % value.note)
                if value.source:
                    lines.append(self.tr("来源：%s") % value.source)
            return "\n".join(lines)
        return None

    def cell_edit(self, index: Index, text: str, where: str = "") -> CellEdit | None:
        """The edit that writing ``text`` into this cell means, or None for a fixed column."""
        period = self.period_at(index.column())
        if period is None:
            return None
        return CellEdit(self.rows[index.row()].indicator.id, period.id, text, where=where)

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        edit = self.cell_edit(index, str(value if value is not None else ""))
        if edit is None or self.edit_handler is None:
            return False
        if str(self.data(index, Qt.ItemDataRole.EditRole)) == edit.text.strip():
            return False  # unchanged: no undo step, no audit entry
        return self.edit_handler([edit])

    def update_values(self, rows: list[IndicatorRow]) -> None:
        """New figures for the same indicators and periods: repaint without a reset, so the
        selection and scroll position stay."""
        if [r.indicator.id for r in rows] != [r.indicator.id for r in self.rows]:
            self.set_rows(rows)
            return
        self.rows = rows
        self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, self.columnCount() - 1))


class IndicatorFilterProxyModel(QSortFilterProxyModel):
    """Rows and period columns of one period type (or all); rows matching a search text."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.period_type: PeriodType | None = None
        self.text = ""
        self.setSortRole(RawRole)

    # beginFilterChange + invalidate…Filter: endFilterChange is Qt 6.10+, and PySide6 stays on 6.9
    # (the last with wheels for glibc 2.28 desktops).
    def set_period_type(self, period_type: PeriodType | str | None) -> None:
        self.beginFilterChange()
        # A combo box hands its item data back as a plain str: turn it into the enum again.
        self.period_type = PeriodType(period_type) if period_type else None
        self.invalidateFilter()

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.text = text.strip().lower()
        self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        row = self.sourceModel().rows[source_row]
        if self.period_type is not None and row.indicator.period_type is not self.period_type:
            return False
        if self.text:
            haystack = f"{row.indicator.code} {row.indicator.name} {row.area} {row.task}".lower()
            return self.text in haystack
        return True

    def filterAcceptsColumn(self, source_column: int, source_parent: Index) -> bool:
        period = self.sourceModel().period_at(source_column)
        return period is None or self.period_type is None or period.type is self.period_type
