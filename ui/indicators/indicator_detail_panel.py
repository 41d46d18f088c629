"""The side panel of 指标填报: the selected indicator's definition, a chart of its values against
the target and 序时进度, its history with notes and sources, and the note of the current cell."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time

from PySide6.QtCharts import QCategoryAxis, QChart, QChartView, QDateTimeAxis, QLineSeries, QScatterSeries
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSizePolicy, QTableView,
    QVBoxLayout, QWidget,
)

from models.enums import ValueKind
from models.indicator_rules import effective_target, period_change
from models.indicator_values import IndicatorRow, StoredValue
from models.ledger import Period
from models.periods import parse_period_id
from models.quantities import format_percent, format_value, nice_ticks
from ui.table_model import Index, RowsTableModel


class IndicatorHistoryTableModel(RowsTableModel):
    """Its texts are made once per indicator shown, not at every paint."""

    COL_PERIOD, COL_VALUE, COL_CHANGE, COL_NOTE, COL_SOURCE = range(5)
    HEADERS = ["期次", "数值", "环比", "备注", "来源"]
    rows: list[tuple[str, str, str, str, str]]  # the texts of each column, newest period first

    def set_history(self, history: list[tuple[Period, StoredValue]], unit: str, decimals: int) -> None:
        rows, previous, year = [], None, None
        for period, value in history:
            if period.year != year:  # 环比 within a year: cumulative values restart in January
                previous, year = None, period.year
            change = period_change(previous, value.value)
            if value.value is not None:
                previous = value.value
            span = parse_period_id(period.id)
            shown = format_value(value.value, unit, decimals) if value.value is not None else self.tr("（缺）")
            delta = "" if change is None else ("+" if change.delta > 0 else "") + format_value(change.delta, unit, decimals)
            rows.append((f"{span.year}年{span.short_label}", shown, delta, value.note, value.source))
        self.set_rows(rows[::-1])  # newest first

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole or (
                role == Qt.ItemDataRole.ToolTipRole and index.column() in (self.COL_NOTE, self.COL_SOURCE)):
            return self.rows[index.row()][index.column()]
        return None


def _moment(day: date) -> float:
    return QDateTime(datetime.combine(day, time(12))).toMSecsSinceEpoch()


class IndicatorChartView(QChartView):
    """Values of the year against the target line and, for a cumulative indicator, the
    序时进度 line (the target spread evenly over the year)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(170)

    def show_row(self, row: IndicatorRow | None, periods: dict[str, Period], year: int) -> None:
        chart = QChart()
        chart.setMargins(chart.margins().__class__(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.setChart(chart)
        if row is None:
            return
        indicator = row.indicator
        start, end = date(year, 1, 1), date(year, 12, 31)
        actual = QLineSeries(name=self.tr("实际值"))
        points = QScatterSeries(name="")
        points.setMarkerSize(6)
        values = sorted(((periods[pid].end, v.value) for pid, v in row.values.items()
                         if v.value is not None and pid in periods), key=lambda item: item[0])
        for day, value in values:
            actual.append(_moment(day), value)
            points.append(_moment(day), value)
        target = effective_target(indicator)
        series = [actual, points]
        if target is not None:
            target_line = QLineSeries(name=self.tr("目标"))
            target_line.append(_moment(start), target)
            target_line.append(_moment(end), target)
            target_line.setPen(QPen(QColor("#1e7b3a"), 1.5, Qt.PenStyle.DashLine))
            series.append(target_line)
            if indicator.kind is ValueKind.CUMULATIVE:
                pace = QLineSeries(name=self.tr("序时进度"))
                pace.append(_moment(start), 0)
                pace.append(_moment(end), target)
                pace.setPen(QPen(QColor("#b45309"), 1.5, Qt.PenStyle.DotLine))
                series.append(pace)
        x_axis = QDateTimeAxis()
        x_axis.setFormat("M月")
        x_axis.setTickCount(5)
        x_axis.setRange(QDateTime(datetime.combine(start, time())), QDateTime(datetime.combine(end, time(23))))
        figures = [v for _, v in values] + ([target] if target is not None else []) + [0.0]
        ticks = nice_ticks(min(figures), max(figures) * 1.05 or 1)
        y_axis = QCategoryAxis()  # labels from models.quantities: 500万, not 5e+06
        y_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        y_axis.setRange(ticks[0], ticks[-1])
        y_axis.setStartValue(ticks[0])
        for tick in ticks:
            y_axis.append(format_value(tick, "", None), tick)
        y_axis.setTitleText(indicator.unit)
        for axis in (x_axis, y_axis):
            axis.setTruncateLabels(False)
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        for s in series:
            chart.addSeries(s)
            s.attachAxis(x_axis)
            s.attachAxis(y_axis)
        chart.legend().markers(points)[0].setVisible(False)
        actual.setColor(QColor("#1d4f8f"))
        points.setColor(QColor("#1d4f8f"))


class IndicatorDetailPanel(QWidget):
    """Shows one indicator; its cell form writes the current cell's value, note and source."""

    def __init__(self, save_cell: Callable[[str, str, str], None], parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("indicatorDetail")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        self.title = QLabel(objectName="sectionTitle")
        self.title.setWordWrap(True)
        self.definition = QLabel(objectName="hint")
        self.definition.setWordWrap(True)
        self.definition.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (self.title, self.definition):  # long names wrap instead of widening the panel
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.title)
        layout.addWidget(self.definition)
        self.chart = IndicatorChartView()
        layout.addWidget(self.chart, 2)

        self.cell_title = QLabel(objectName="hint")
        self.cell_title.setWordWrap(True)
        self.cell_title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        form = QFormLayout()
        self.value_edit = QLineEdit()
        self.note_edit = QLineEdit(placeholderText=self.tr("未填报或累计值下降时请说明原因"))
        self.source_edit = QLineEdit(placeholderText=self.tr("数据来源单位或文件"))
        form.addRow(self.tr("数值"), self.value_edit)
        form.addRow(self.tr("备注"), self.note_edit)
        form.addRow(self.tr("来源"), self.source_edit)
        self.save_button = QPushButton(self.tr("保存本格"))
        self.save_button.clicked.connect(
            lambda: save_cell(self.value_edit.text(), self.note_edit.text(), self.source_edit.text()))
        save_row = QHBoxLayout()
        save_row.addWidget(self.cell_title, 1)
        save_row.addWidget(self.save_button)
        layout.addLayout(save_row)
        layout.addLayout(form)

        self.history_model = IndicatorHistoryTableModel(self)
        self.history = QTableView()
        self.history.setModel(self.history_model)
        self.history.verticalHeader().hide()
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Fitted to its first rows once per indicator shown: years of history measured cell by cell
        # at every layout pass (ResizeToContents) cost more than the rest of the panel.
        self.history.horizontalHeader().setResizeContentsPrecision(20)
        self.history.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(QLabel(self.tr("历史数据"), objectName="sectionTitle"))
        layout.addWidget(self.history, 2)

    def show_indicator(self, row: IndicatorRow | None, periods: dict[str, Period], year: int,
                       history: list[tuple[Period, StoredValue]]) -> None:
        self.chart.show_row(row, periods, year)
        if row is None:
            self.title.setText(self.tr("请选择一个指标"))
            self.definition.setText("")
            self.history_model.set_history([], "", 0)
            self.history.resizeColumnsToContents()
            return
        i, ev = row.indicator, row.evaluation
        self.title.setText(f"{i.code}　{i.name}")
        county = format_value(i.county_target, i.unit, i.decimals) if i.county_target is not None else self.tr("未设")
        limits = "—".join(format_value(v, i.unit, i.decimals) if v is not None else "" for v in (i.range_min, i.range_max))
        lines = [
            self.tr("%s · %s · %s · 按%s填报") % (i.origin.label, i.direction.label, i.kind.label, i.period_type.label),
            self.tr("年度目标 %s（%s）　县级目标 %s") % (row.target_text(), i.target_text or "—", county),
            self.tr("允许范围 %s　小数 %d 位　数据来源 %s") % (limits or "—", i.decimals, i.source_unit or "—"),
            self.tr("完成率 %s　序时进度 %s　状态 %s") % (format_percent(ev.completion), format_percent(ev.time_progress),
                                                     ev.status.label),
        ]
        if i.source_text:
            lines.append(self.tr("方案原文：%s") % i.source_text)
        self.definition.setText("\n".join(lines))
        self.history_model.set_history(history, i.unit, i.decimals)
        self.history.resizeColumnsToContents()

    def show_cell(self, label: str, value: StoredValue | None, text: str, editable: bool) -> None:
        self.cell_title.setText(label)
        self.value_edit.setText(text)
        self.note_edit.setText(value.note if value else "")
        self.source_edit.setText(value.source if value else "")
        for widget in (self.value_edit, self.note_edit, self.source_edit, self.save_button):
            widget.setEnabled(editable)
