"""首页: the plan, the current period and the counts per area."""
from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from models.summary import store_summary
from ui.context import AppContext
from ui.widgets import Card, PageHeader


class HomePage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        self.header = PageHeader(self.tr("首页"))
        layout.addWidget(self.header)
        self.period_card = Card(self.tr("当前期次"))
        self.totals_card = Card(self.tr("任务与指标"))
        top = QGridLayout()
        top.addWidget(self.period_card, 0, 0)
        top.addWidget(self.totals_card, 0, 1)
        layout.addLayout(top)
        layout.addWidget(QLabel(self.tr("各领域任务"), objectName="sectionTitle"))
        self.area_grid = QGridLayout()
        layout.addLayout(self.area_grid)
        layout.addStretch(1)
        ctx.ledgerChanged.connect(self.refresh)

    def refresh(self) -> None:
        with self.ctx.store.session() as session:
            data = store_summary(session, self.ctx.as_of())
        plan = data["plan"]
        self.header.title.setText(plan["name"] if plan else self.tr("尚未载入方案"))
        office = data["office"]
        self.header.subtitle.setText(
            self.tr("%s年度 · %s") % (plan["year"], office["office_name"] if office else self.tr("未设置本单位"))
            if plan else "")
        self.period_card.set_values(data["current_period"]["label"].split("（")[0],
                                    self.tr("台账日期 %s　%s") % (data["as_of"], data["current_period"]["label"]))
        self.totals_card.set_values(
            self.tr("%d 项任务") % data["tasks"],
            self.tr("%d 个节点举措 · %d 项指标 · %d 条进展") % (
                data["milestones"], data["indicators"], data["progress_reports"]))
        while self.area_grid.count():
            self.area_grid.takeAt(0).widget().deleteLater()
        for index, row in enumerate(data["tasks_per_area"]):
            card = Card(row["area"])
            card.set_values(self.tr("%d 项") % row["tasks"], self.tr("牵头单位：%s") % row["lead_unit"])
            self.area_grid.addWidget(card, index // 3, index % 3)
