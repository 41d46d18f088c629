"""文件 → 新年度结转…: the new year, a preview of what is carried and what is not, then the
rollover itself (one transaction after a backup, in models.rollover) off the UI thread."""
from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QDialog, QHBoxLayout, QLabel, QPlainTextEdit,
                               QSpinBox, QVBoxLayout, QWidget)

from models.errors import LedgerError
from models.plan_loader import year_state
from models.rollover import Rollover, preview_rollover, rollover
from ui.context import AppContext
from ui.widgets import check_then_apply_buttons
from ui.workers import run_in_background


class RolloverDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result_done: Rollover | None = None
        self.setWindowTitle(self.tr("新年度结转"))
        self.resize(760, 560)
        newest = (year_state(ctx.store).years or [0])[0]
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("由上一年度未完成的任务生成新年度台账：任务连同责任单位、领导、联系人和本县自选任务一并结转，"
                               "并与上年度任务关联（历史记录可查）；未完成的节点移入新年度，指标的目标待确认；"
                               "已完成的任务不结转。结转前自动备份数据文件，上一年度保持不变。"), wordWrap=True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("结转到")))
        self.year = QSpinBox(objectName="rolloverYear", minimum=2000, maximum=2100, value=newest + 1 if newest else 2024)
        self.year.setSuffix(self.tr(" 年度"))
        row.addWidget(self.year)
        self.undated = QCheckBox(self.tr("未完成的节点放到年底，由我逐项确定完成时限（否则按同月同日顺延）"),
                                 objectName="rolloverUndated")
        row.addWidget(self.undated, 1)
        layout.addLayout(row)
        self.report = QPlainTextEdit(objectName="rolloverPreview", readOnly=True)
        layout.addWidget(self.report, 1)
        buttons, self.preview_button, self.run_button = check_then_apply_buttons(
            self, (self.tr("预览"), "previewButton"), (self.tr("结转"), "rolloverButton"), self.preview, self.run)
        layout.addWidget(buttons)
        self.year.valueChanged.connect(lambda _v: self.run_button.setEnabled(False))
        self.undated.toggled.connect(lambda _v: self.run_button.setEnabled(False))
        self.preview()

    def preview(self) -> None:
        try:
            result = preview_rollover(self.ctx.store, self.year.value(), self.undated.isChecked())
        except LedgerError as error:
            self.report.setPlainText(str(error))
            self.run_button.setEnabled(False)
            return
        self.report.setPlainText("\n".join(result.lines()))
        self.run_button.setEnabled(True)

    def run(self) -> None:
        store, year, undated = self.ctx.store, self.year.value(), self.undated.isChecked()
        run_in_background(self, self.tr("正在结转…"), lambda _progress: rollover(store, year, undated),
                          on_done=self._done, cancellable=False)

    def _done(self, result: Rollover) -> None:
        self.result_done = result
        self.ctx.set_year(None)  # show the new year
        self.accept()
