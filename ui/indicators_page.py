"""指标填报: filled by its own issue; until then an empty workspace that says so."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.context import AppContext
from ui.widgets import PageHeader


class IndicatorsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(PageHeader(self.tr("指标填报")))
        layout.addWidget(QLabel(self.tr("此功能正在建设中。")))
        layout.addStretch(1)

    def refresh(self) -> None:
        pass
