"""The period chooser of 报表报送 and 汇总: the periods a return is made for (the plan's progress
cycle in its year), opening on the one that holds the working date."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from models.periods import parse_period_id, period_containing
from models.returns import periods_with_returns
from ui.context import AppContext


class PeriodChooser(QComboBox):
    """``currentIndexChanged`` fires when the user picks a period, not when ``reload`` refills."""

    def __init__(self, ctx: AppContext, object_name: str) -> None:
        super().__init__(objectName=object_name)
        self.ctx = ctx
        self.setMinimumWidth(260)

    def period_id(self) -> str:
        return self.currentData() or ""

    def reload(self) -> None:
        """Re-read the periods; the choice stays unless the list itself changed."""
        periods = [(p.id, p.label) for p in periods_with_returns(self.ctx.store)]
        if [self.itemData(i) for i in range(self.count())] == [pid for pid, _label in periods]:
            return
        self.blockSignals(True)
        self.clear()
        for pid, label in periods:
            self.addItem(label, pid)
        if periods:
            current = period_containing(self.ctx.as_of(), parse_period_id(periods[0][0]).type).id
            self.setCurrentIndex(max(self.findData(current), 0))
        self.blockSignals(False)
