"""首页: the state of the ledger at a glance — tasks by status and area, what lags, what falls due
in the next 14 days, which tasks still lack this period's report — and the 挂图作战 chart.
Every entry opens its task in 任务清单 (AppContext.openTask)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFileDialog, QGridLayout, QHBoxLayout, QLabel, QMessageBox, QPushButton,
    QScrollArea, QTableView, QTabWidget, QVBoxLayout, QWidget,
)

from exchange.signing.identity_files import has_certificate
from models.enums import TaskStatus
from models.errors import LedgerError
from models.overview import (
    DUE_SOON_DAYS, home_overview, lagging_tasks, milestones_due_within, status_by_area, status_counts,
    tasks_without_report,
)
from models.plan_loader import year_state
from models.problems.supervision import attention
from models.task_list import TaskRow
from ui.context import AppContext
from ui.tasks.gantt_chart import GanttChart, GanttHeader
from ui.palette import BEHIND, DUE_SOON, TASK_STATUS_COLOURS
from ui.table_model import Index, RowsTableModel
from ui.widgets import Card, page_layout, table_view

TaskIdRole = Qt.ItemDataRole.UserRole + 1


class AttentionTableModel(RowsTableModel):
    """One of the dashboard's lists; every row belongs to a task (TaskIdRole) and opens it."""

    rows: list[tuple[int, list[str], QColor | None]]  # task id, cells, colour of the last cell

    def __init__(self, headers: list[str], parent=None) -> None:
        super().__init__(parent)
        self.HEADERS = headers  # each list has its own columns

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        task_id, cells, colour = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return cells[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == len(cells) - 1:
            return colour
        if role == TaskIdRole:
            return task_id
        return None


class AreaStatusTableModel(RowsTableModel):
    """Tasks per area and status."""

    COL_AREA, COL_TOTAL = 0, 1
    HEADERS = ["领域", "任务"] + [s.label for s in TaskStatus]
    rows: list[tuple[str, dict[TaskStatus, int]]]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        area, counts = self.rows[index.row()]
        column = index.column()
        status = list(TaskStatus)[column - 2] if column >= 2 else None
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COL_AREA:
                return area
            return sum(counts.values()) if column == self.COL_TOTAL else counts.get(status, 0)
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.ForegroundRole and status is not None and counts.get(status):
            return TASK_STATUS_COLOURS[status]
        return None


class HomePage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._dirty = True
        layout, self.header = page_layout(self, self.tr("首页"))
        # Said once, plainly, when the working date lies outside the year shown (models.settings.year_notice).
        self.year_notice = QLabel(objectName="yearNotice", wordWrap=True)
        self.year_notice.setStyleSheet("background: #fff4e0; border: 1px solid #f0b45a; padding: 6px;")
        self.year_notice.hide()
        layout.addWidget(self.year_notice)

        cards = QGridLayout()
        self.period_card = Card(self.tr("当前期次"))
        cards.addWidget(self.period_card, 0, 0)
        self.status_cards: dict[TaskStatus, Card] = {}
        for column, status in enumerate(TaskStatus, start=1):
            card = Card(self.tr(status.label))
            card.figure.setStyleSheet(f"color: {TASK_STATUS_COLOURS[status].name()};")
            self.status_cards[status] = card
            cards.addWidget(card, 0, column)
        self.missing_card = Card(self.tr("本期未报进展"))
        cards.addWidget(self.missing_card, 0, 5)
        self.problems_card = Card(self.tr("涉企问题在办"))  # 营商台账: the 督办 colours at a glance
        cards.addWidget(self.problems_card, 0, 6)
        cards.setColumnStretch(0, 2)
        layout.addLayout(cards)
        self.certificate_warning = QLabel(objectName="certificateWarning")
        self.certificate_warning.setStyleSheet("color: #c0392b; font-weight: bold;")
        self.certificate_warning.setWordWrap(True)
        self.certificate_warning.hide()
        layout.addWidget(self.certificate_warning)

        self.tabs = QTabWidget(objectName="homeTabs")
        self.tabs.addTab(self._build_attention_tab(), self.tr("工作提醒"))
        self.tabs.addTab(self._build_chart_tab(), self.tr("挂图作战"))
        layout.addWidget(self.tabs, 1)
        ctx.ledgerChanged.connect(self._ledger_changed)

    def _build_attention_tab(self) -> QWidget:
        tab = QWidget()
        grid = QGridLayout(tab)
        self.lagging_model = AttentionTableModel(["序号", "滞后任务", "责任单位", "滞后原因"], self)
        self.due_model = AttentionTableModel(["到期日", "节点举措", "任务", "剩余"], self)
        self.missing_model = AttentionTableModel(["序号", "任务", "责任单位", "联系人"], self)
        self.area_model = AreaStatusTableModel(self)
        # Two text columns share the width, so neither is cut to a few characters at the smallest window.
        self.lagging_view = self._attention(grid, 0, 0, self.tr("滞后任务"), self.lagging_model, (1, 2))
        self.due_view = self._attention(grid, 0, 1, self.tr("%d天内到期的节点") % DUE_SOON_DAYS, self.due_model, (1, 2))
        self.missing_view = self._attention(grid, 2, 0, self.tr("本期尚未填报进展的任务"), self.missing_model, 1)
        grid.addWidget(QLabel(self.tr("各领域任务状态"), objectName="sectionTitle"), 2, 1)
        self.area_view = table_view(self.area_model, AreaStatusTableModel.COL_AREA)
        grid.addWidget(self.area_view, 3, 1)
        return tab

    def _attention(self, grid: QGridLayout, row: int, column: int, title: str, model: AttentionTableModel,
                   stretch: int | tuple[int, ...]) -> QTableView:
        label = QLabel(title, objectName="sectionTitle")
        view = table_view(model, stretch)
        view.activated.connect(self._open)
        view.clicked.connect(self._open)
        grid.addWidget(label, row, column)
        grid.addWidget(view, row + 1, column)
        return view

    def _build_chart_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("每行一项任务，菱形为节点举措（按完成时限摆放），红色虚线为今日；点击任务行打开该任务。"),
                             objectName="hint"), 1)
        export = QPushButton(self.tr("导出 PNG…"), objectName="exportChart")
        export.clicked.connect(self.export_chart)
        bar.addWidget(export)
        layout.addLayout(bar)
        self.chart = GanttChart()
        self.chart.taskClicked.connect(self.ctx.openTask)
        self.chart_title = ""  # county · plan · year, set by refresh
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.chart)
        charted = QVBoxLayout()  # the header stays above the rows as they scroll
        charted.setSpacing(0)
        charted.addWidget(GanttHeader(self.chart))
        charted.addWidget(scroll, 1)
        layout.addLayout(charted, 1)
        return tab

    # ---- loading ----
    def _ledger_changed(self) -> None:
        self._dirty = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:
        if self._dirty:
            self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        as_of = self.ctx.as_of()
        overview = home_overview(self.ctx.store, as_of)
        data, rows, year = overview.heading, overview.rows, overview.year
        self._dirty = False
        summary_plan = data["plan"]
        office = data["office"]
        self.header.title.setText(summary_plan["name"] if summary_plan else self.tr("尚未载入方案"))
        sample = self.tr("（示例）") if data["sample"] else ""
        self.header.subtitle.setText(
            self.tr("%s年度%s · %s · 台账日期 %s") % (summary_plan["year"], sample, office["office_name"] if office
                                                   else self.tr("未设置本单位"), as_of.isoformat())
            if summary_plan else "")
        notice = year_state(self.ctx.store, None, self.ctx.as_of_override).notice
        self.year_notice.setText(notice)
        self.year_notice.setVisible(bool(notice))
        self.period_card.set_values(data["current_period"]["label"].split("（")[0],
                                    data["current_period"]["label"].split("（")[-1].rstrip("）"))
        counts = status_counts(rows)
        for status, card in self.status_cards.items():
            share = counts[status] / len(rows) if rows else 0
            card.set_values(self.tr("%d 项") % counts[status], self.tr("占 %.0f%%") % (share * 100))
        missing = tasks_without_report(rows)
        self.missing_card.set_values(self.tr("%d 项") % len(missing), self.tr("未完成任务中尚无本期进展"))
        self._fill_lists(rows, missing, as_of)
        self.chart.set_rows(rows, year, as_of)
        county = office["county"] if office else ""
        self.chart_title = self.tr("%s · %s · %d年 挂图作战") % (county, summary_plan["name"] if summary_plan else "",
                                                            year)

        warning = ""
        if has_certificate(self.ctx.store):  # else cryptography need not load at all
            from exchange.signing.identity import certificate_warning  # cryptography: not at window start

            warning = certificate_warning(self.ctx.store)
        self.certificate_warning.setText(warning)
        self.certificate_warning.setVisible(bool(warning))
        self._fill_problems_card(as_of)

    def _fill_problems_card(self, as_of: date) -> None:
        try:
            counts = attention(self.ctx.store, as_of)
        except LedgerError as error:  # a working date the holiday calendar does not cover yet
            self.problems_card.set_values("—", str(error))
            return
        self.problems_card.set_values(self.tr("%d 件") % counts.open, self.tr("红 %d · 蓝 %d · 黄 %d") % (
            counts.colours["red"], counts.colours["blue"], counts.colours["yellow"]))
        self.problems_card.figure.setStyleSheet("color: #c0392b;" if counts.colours["red"] else "")

    def _fill_lists(self, rows: list[TaskRow], missing: list[TaskRow], as_of: date) -> None:
        lagging = []
        for task in lagging_tasks(rows):
            late = [m for m in task.milestones if m.overdue]
            lagging.append((task.id, [str(task.number), task.title, task.county_unit or task.lead_unit,
                                      self.tr("节点逾期 %s") % late[0].due.isoformat() if late
                                      else self.tr("落后于序时进度")], BEHIND))
        self.lagging_model.set_rows(lagging)
        self.due_model.set_rows([
            (d.task.id, [d.milestone.due.isoformat(), d.milestone.title, f"{d.task.number}. {d.task.title}",
                         self.tr("%d 天") % (d.milestone.due - as_of).days], DUE_SOON)
            for d in milestones_due_within(rows, as_of)])
        self.missing_model.set_rows([
            (t.id, [str(t.number), t.title, t.county_unit or t.lead_unit, t.contact], None) for t in missing])
        self.area_model.set_rows(list(status_by_area(rows).items()))

    def _open(self, index: QModelIndex) -> None:
        task_id = index.data(TaskIdRole)
        if task_id is not None:
            self.ctx.openTask.emit(task_id)

    def export_chart(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("导出挂图作战图"),
                                              str(self.ctx.store.folder / "挂图作战.png"), self.tr("PNG 图片 (*.png)"))
        if not name:
            return
        path = Path(name).with_suffix(".png")
        try:
            self.chart.export_png(path, self.chart_title)
        except LedgerError as error:
            QMessageBox.warning(self, self.tr("导出失败"), str(error))
            return
        QMessageBox.information(self, self.tr("导出完成"), self.tr("已保存：%s") % path)
