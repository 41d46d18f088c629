"""The 指标填报 grid: one row per indicator, fixed columns, then the year's periods.

Period columns of every period type in use stand side by side (双周, then 月度, 季度, 年度); a cell
is editable only where the period is of the indicator's own type, has started, and its value is
not one a signed return contains. The proxy filters rows and period columns by type and by a search text.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QModelIndex, QModelRoleDataSpan, QSortFilterProxyModel, Qt
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


Display, ToolTip, Alignment, Background, Foreground = (
    int(role) for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.TextAlignmentRole,
                           Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole))
RAW, EDIT = int(RawRole), int(Qt.ItemDataRole.EditRole)
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
CENTRE = int(Qt.AlignmentFlag.AlignCenter)
LOCKED_FOREGROUND = QColor("#6b7280")
READ_ONLY = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
EDITABLE = READ_ONLY | Qt.ItemFlag.ItemIsEditable


class IndicatorTableModel(RowsTableModel):
    """Answers ``data()`` from prepared rows: a row's texts, colours, tooltips and flags are worked
    out once, the first time the view asks for the row after a refresh, and then only looked up
    (a view asks for seven roles of every visible cell at every paint)."""

    COL_AREA, COL_TASK, COL_NAME, COL_UNIT, COL_DIRECTION, COL_TARGET, COL_COUNTY_TARGET, COL_LATEST, \
        COL_COMPLETION, COL_STATUS = range(10)
    FIXED_COLUMNS = 10
    HEADERS = ["领域", "任务", "指标", "单位", "方向", "年度目标", "县级目标", "最新值", "完成率", "状态"]

    rows: list[IndicatorRow]

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.periods: list[Period] = []
        self.locked: set[tuple[int, str]] = set()  # (indicator id, period id) a signed return contains
        self.as_of = date.today()
        # Set by the page: writes a list of cell edits as one undoable step; False if refused.
        self.edit_handler: EditHandler | None = None
        self._prepared: list[dict[int, list] | None] = []  # by row: role → the value of each column
        self._flags: list[list[Qt.ItemFlag] | None] = []
        self._headers: dict[int, list] = {}
        self._status_brushes = {status: (QBrush(QColor(background)), QBrush(QColor(foreground)))
                                for status, (background, foreground) in INDICATOR_STATUS_COLOURS.items()}
        self._period_brushes = {"other": QBrush(NOT_APPLICABLE_BACKGROUND), "locked": QBrush(LOCKED_BACKGROUND),
                                "outlier": QBrush(OUTLIER_BACKGROUND), "missing": QBrush(MISSING_NOTE_BACKGROUND)}
        self._locked_foreground = QBrush(LOCKED_FOREGROUND)
        self._period_facts: list[tuple[str, PeriodType, bool, str]] = []
        self._texts = {"missing": self.tr("（缺，有说明）"), "locked": self.tr("该期报表已签发，只读"),
                       "outlier": self.tr("异常值（远离历史数据，已确认）"), "note": self.tr("备注：%s"),
                       "source": self.tr("来源：%s")}

    def set_grid(self, rows: list[IndicatorRow], periods: list[Period], locked: set[tuple[int, str]],
                 as_of: date) -> None:
        self.periods, self.locked, self.as_of = periods, locked, as_of
        self._prepare_headers()
        self.set_rows(rows)

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self._forget_prepared()
        self.endResetModel()

    def _forget_prepared(self) -> None:
        self._prepared = [None] * len(self.rows)
        self._flags = [None] * len(self.rows)
        self._row_of = {r.indicator.id: n for n, r in enumerate(self.rows)}

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.FIXED_COLUMNS + len(self.periods)

    def period_at(self, column: int) -> Period | None:
        return self.periods[column - self.FIXED_COLUMNS] if column >= self.FIXED_COLUMNS else None

    def column_of(self, period_id: str) -> int:
        return next(i for i, p in enumerate(self.periods) if p.id == period_id) + self.FIXED_COLUMNS

    def _prepare_headers(self) -> None:
        # What _prepare reads of each period, as plain values (ORM attributes cost a call each).
        self._period_facts = [(p.id, p.type, p.start <= self.as_of, p.label) for p in self.periods]
        signed = {period_id for _indicator, period_id in self.locked}
        self._headers = {
            Display: [self.tr(h) for h in self.HEADERS] + [parse_period_id(p.id).short_label for p in self.periods],
            ToolTip: [None] * self.FIXED_COLUMNS + [
                f"{p.label}{self.tr('（已签发的数值只读）') if p.id in signed else ''}" for p in self.periods],
            int(PeriodTypeRole): [None] * self.FIXED_COLUMNS + [p.type for p in self.periods],
        }

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        sections = self._headers.get(role)
        return sections[section] if sections is not None and section < len(sections) else None

    def cell_state(self, row: IndicatorRow, period: Period) -> str:
        """'locked', 'other' (not this indicator's period type), 'future', or 'open'."""
        i = row.indicator
        return self._state(i.id, i.period_type, period.id, period.type, period.start <= self.as_of)

    def _state(self, indicator_id: int, own_type: PeriodType, period_id: str, period_type: PeriodType,
               started: bool) -> str:
        if period_type is not own_type:
            return "other"
        if (indicator_id, period_id) in self.locked:
            return "locked"
        return "open" if started else "future"

    def flags(self, index: Index) -> Qt.ItemFlag:
        row = index.row()
        if self._flags[row] is None:
            self._prepared[row] = self._prepare(row)
        return self._flags[row][index.column()]

    def _roles(self, index: Index) -> dict[int, list] | None:
        """The prepared roles of the index's row, prepared at its first ask; None off the grid."""
        row = index.row()
        prepared = self._prepared[row] if 0 <= row < len(self._prepared) else None
        if prepared is None and index.isValid():
            prepared = self._prepared[row] = self._prepare(row)
        return prepared

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        prepared = self._roles(index)
        if prepared is None:
            return None
        row = index.row()
        columns = prepared.get(role)
        if columns is not None:
            return columns[index.column()]
        if role == RawRole:  # sort keys: read only when sorting, so not prepared
            return self._raw(self.rows[row], index.column())
        if role == Qt.ItemDataRole.EditRole:  # what an editor starts from, or a copy takes
            return self._edit_text(self.rows[row], index.column())
        return None

    def multiData(self, index: Index, span: QModelRoleDataSpan) -> None:
        """The roles the delegate paints a cell with, in one call rather than one per role."""
        prepared = self._roles(index)
        if prepared is None:
            return
        column = index.column()
        for role_data in span:
            role = role_data.role()
            columns = prepared.get(role)
            if columns is not None:
                value = columns[column]
            else:  # the delegate asks for fonts, icons and check boxes too: none here
                value = self.data(index, role) if role in (RAW, EDIT) else None
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    def _prepare(self, number: int) -> dict[int, list]:
        """Every painted role of every column of row ``number``; its flags too."""
        row = self.rows[number]
        i, ev = row.indicator, row.evaluation
        status_background, status_foreground = self._status_brushes[ev.status]
        progress = self.tr("完成率 %s，序时进度 %s") % (format_percent(ev.completion), format_percent(ev.time_progress))
        display = [row.area, i.task.number if i.task else "", f"{i.name}{self.tr('（县）') if i.origin.value == 'county' else ''}",
                   i.unit, DIRECTION_MARKS[i.direction], row.target_text(),
                   format_value(i.county_target, i.unit, i.decimals),
                   format_value(row.latest.value if row.latest else None, i.unit, i.decimals),
                   format_percent(ev.completion), ev.status.label]
        tooltip = [None, row.task, f"{i.code} {i.name}\n{i.kind.label}，按{i.period_type.label}填报\n{i.source_text}",
                   None, i.direction.label, None, None, None, progress, progress]
        background = [None] * (self.FIXED_COLUMNS - 2) + [status_background, status_background]
        foreground = [None] * (self.FIXED_COLUMNS - 2) + [status_foreground, status_foreground]
        alignment = [None, None, None, CENTRE, CENTRE, RIGHT, RIGHT, RIGHT, RIGHT, CENTRE]
        flags = self._flags[number] = [READ_ONLY] * self.FIXED_COLUMNS
        # Plain values for the loop over the periods: each ORM attribute read costs a call.
        brushes, texts, unit, decimals, cells = self._period_brushes, self._texts, i.unit, i.decimals, row.values
        indicator_id, own_type = i.id, i.period_type
        for period_id, period_type, started, label in self._period_facts:
            state = self._state(indicator_id, own_type, period_id, period_type, started)
            flags.append(EDITABLE if state == "open" else READ_ONLY)
            alignment.append(RIGHT)
            foreground.append(self._locked_foreground if state == "locked" else None)
            if state == "other":
                display.append("")
                background.append(brushes["other"])
                tooltip.append(None)
                continue
            value: StoredValue | None = cells.get(period_id)
            if value is None:
                display.append("")
            elif value.value is None and value.note:
                display.append(texts["missing"])
            else:
                display.append(format_value(value.value, unit, decimals))
            if state == "locked":
                background.append(brushes["locked"])
            elif value is not None and value.outlier_confirmed:
                background.append(brushes["outlier"])
            elif value is not None and value.value is None:
                background.append(brushes["missing"])
            else:
                background.append(None)
            lines = [label]
            if state == "locked":
                lines.append(texts["locked"])
            if value is not None:
                if value.outlier_confirmed:
                    lines.append(texts["outlier"])
                if value.note:
                    lines.append(texts["note"] % value.note)
                if value.source:
                    lines.append(texts["source"] % value.source)
            tooltip.append("\n".join(lines))
        return {Display: display, ToolTip: tooltip, Background: background, Foreground: foreground,
                Alignment: alignment}

    def _raw(self, row: IndicatorRow, column: int):
        period = self.period_at(column)
        if period is not None:
            value = row.values.get(period.id)
            return value.value if value is not None and value.value is not None else None
        i, ev = row.indicator, row.evaluation
        match column:
            case self.COL_AREA:
                return row.area
            case self.COL_TASK:
                return i.task.number if i.task else 0
            case self.COL_NAME:
                return i.name
            case self.COL_UNIT:
                return i.unit
            case self.COL_DIRECTION:
                return i.direction.label
            case self.COL_TARGET:
                return i.target
            case self.COL_COUNTY_TARGET:
                return i.county_target
            case self.COL_LATEST:
                return row.latest.value if row.latest else None
            case self.COL_COMPLETION:
                return ev.completion if ev.completion is not None else -1.0
            case _:
                return list(IndicatorStatus).index(ev.status)

    def _edit_text(self, row: IndicatorRow, column: int) -> str | None:
        period = self.period_at(column)
        if period is None:
            return None
        value = row.values.get(period.id)
        if value is None or value.value is None:
            return ""
        return format_number(value.value, row.indicator.decimals).replace(",", "")

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
        self._forget_prepared()
        self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, self.columnCount() - 1))

    def replace_rows(self, rows: list[IndicatorRow], locked: set[tuple[int, str]]) -> bool:
        """New figures and locks for some of the indicators shown (those whose values were just
        written): only their rows are prepared again and repainted. False if one is not shown."""
        if any(r.indicator.id not in self._row_of for r in rows):
            return False
        ids = {r.indicator.id for r in rows}
        self.locked = {cell for cell in self.locked if cell[0] not in ids} | locked
        self._prepare_headers()
        changed = [self._row_of[row.indicator.id] for row in rows]
        for number, row in zip(changed, rows):
            self.rows[number] = row
            self._prepared[number] = self._flags[number] = None
        if changed:  # one signal for the span: the rows between repaint from what is prepared
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), self.columnCount() - 1))
        return True


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

    def multiData(self, index: Index, span: QModelRoleDataSpan) -> None:
        # QSortFilterProxyModel asks the source for each role in turn: handed on in one call.
        self.sourceModel().multiData(self.mapToSource(index), span)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if self.period_type is None and not self.text:  # unfiltered: asked for every row at each reset
            return True
        row = self.sourceModel().rows[source_row]
        if self.period_type is not None and row.indicator.period_type is not self.period_type:
            return False
        if self.text:
            haystack = f"{row.indicator.code} {row.indicator.name} {row.area} {row.task}".lower()
            return self.text in haystack
        return True

    def filterAcceptsColumn(self, source_column: int, source_parent: Index) -> bool:
        if self.period_type is None:
            return True
        period = self.sourceModel().period_at(source_column)
        return period is None or self.period_type is None or period.type is self.period_type
