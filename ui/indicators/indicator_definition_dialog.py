"""Adding a county indicator (自选指标), or editing an indicator's county target, range and
decimals. A city indicator's own target is shown read-only: the city sets it."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QMessageBox, QSpinBox, QVBoxLayout,
)

from models.enums import Origin, PeriodType, ValueKind
from models.errors import LedgerError
from models.plan import Indicator
from models.quantities import format_number, format_target, parse_quantity
from ui.context import AppContext
from ui.indicators.indicator_commands import AddCountyIndicatorCommand, EditIndicatorCommand


def _plain(value: float | None, decimals: int) -> str:
    return "" if value is None else format_number(value, decimals).replace(",", "")


class IndicatorDefinitionDialog(QDialog):
    """``on_change`` is the page's, not the dialog's: undo may call it after the dialog is gone."""

    def __init__(self, ctx: AppContext, indicator: Indicator | None, on_change: Callable[[], None],
                 parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.indicator, self.on_change = ctx, indicator, on_change
        self.setWindowTitle(self.tr("新增县级指标") if indicator is None else self.tr("指标定义"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        i = indicator
        self.code = QLineEdit(i.code if i else "")
        self.name = QLineEdit(i.name if i else "")
        self.unit = QLineEdit(i.unit if i else "")
        self.target = QLineEdit(i.target_text if i else "", placeholderText=self.tr("如 ≥90%、≤15天、不少于10个"))
        self.county_target = QLineEdit(_plain(i.county_target, i.decimals) if i else "")
        self.kind = QComboBox()
        for kind in ValueKind:
            self.kind.addItem(kind.label, kind)
        self.period_type = QComboBox()
        for ptype in PeriodType:
            self.period_type.addItem(ptype.label, ptype)
        self.period_type.setCurrentIndex(list(PeriodType).index(i.period_type if i else PeriodType.MONTHLY))
        self.decimals = QSpinBox(minimum=0, maximum=6, value=i.decimals if i else 0)
        self.range_min = QLineEdit(_plain(i.range_min, i.decimals) if i else "")
        self.range_max = QLineEdit(_plain(i.range_max, i.decimals) if i else "")
        form.addRow(self.tr("编号"), self.code)
        form.addRow(self.tr("名称"), self.name)
        form.addRow(self.tr("单位"), self.unit)
        form.addRow(self.tr("年度目标"), self.target)
        if i is not None:
            form.addRow(self.tr("县级目标"), self.county_target)
            self.kind.setCurrentIndex(list(ValueKind).index(i.kind))
            for widget in (self.code, self.name, self.unit, self.kind, self.period_type):
                widget.setEnabled(False)
            if i.origin is Origin.CITY:
                self.target.setEnabled(False)
                self.target.setToolTip(self.tr("市级下达的目标为只读"))
                shown = format_target(i.comparison, i.target, i.unit, i.decimals, i.target_high)
                form.addRow("", QLabel(self.tr("市级下达：%s（只读）") % shown, objectName="hint"))
        form.addRow(self.tr("数值类型"), self.kind)
        form.addRow(self.tr("填报周期"), self.period_type)
        form.addRow(self.tr("小数位数"), self.decimals)
        form.addRow(self.tr("允许范围下限"), self.range_min)
        form.addRow(self.tr("允许范围上限"), self.range_max)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _bound(self, edit: QLineEdit, label: str) -> float | None:
        text = edit.text().strip()
        if not text:
            return None
        try:
            return parse_quantity(text, self.unit.text().strip())
        except LedgerError as error:
            raise LedgerError(f"{label}：{error}") from None

    def save(self) -> None:
        try:
            low = self._bound(self.range_min, self.tr("允许范围下限"))
            high = self._bound(self.range_max, self.tr("允许范围上限"))
            if self.indicator is None:
                self._push_add(low, high)
            else:
                self._push_edit(low, high)
        except LedgerError as error:
            QMessageBox.warning(self, self.tr("不能保存"), str(error))
            return
        self.accept()

    def _push_add(self, low: float | None, high: float | None) -> None:
        fields = {"code": self.code.text(), "name": self.name.text(), "unit": self.unit.text().strip(),
                  "target_text": self.target.text(), "kind": self.kind.currentData(),
                  "period_type": self.period_type.currentData(), "decimals": self.decimals.value(),
                  "range_min": low, "range_max": high}
        self.ctx.undo_stack.push(AddCountyIndicatorCommand(
            self.ctx.store, fields, self.tr("新增县级指标：%s") % self.name.text().strip(), on_change=self.on_change))

    def _push_edit(self, low: float | None, high: float | None) -> None:
        i = self.indicator
        new = {"county_target_text": self.county_target.text(), "range_min": low, "range_max": high,
               "decimals": self.decimals.value()}
        old = {"county_target_text": _plain(i.county_target, 6), "range_min": i.range_min, "range_max": i.range_max,
               "decimals": i.decimals}
        if i.origin is Origin.COUNTY and self.target.text() != i.target_text:
            new["target_text"], old["target_text"] = self.target.text(), i.target_text
        self.ctx.undo_stack.push(EditIndicatorCommand(self.ctx.store, i.id, new, old, self.tr("修改指标定义：%s") % i.name,
                                                      on_change=self.on_change))
