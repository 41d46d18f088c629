"""设置: the office profile, the working date (台账日期) and the lag tolerance; saved at once."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QDoubleSpinBox, QFormLayout, QFrame, QGroupBox, QHBoxLayout, QLabel, QScrollArea,
    QVBoxLayout, QWidget,
)

from models.enums import OfficeRole
from models.office_profile import office_profile, save_office_role
from models.settings import read_setting, save_setting
from models.settings import AS_OF, LAG_TOLERANCE
from ui.context import AppContext
from ui.office_dialog import OfficeForm
from ui.widgets import page_layout


class SettingsPage(QScrollArea):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        layout, header = page_layout(body, self.tr("设置"))
        header.subtitle.setText(self.tr("修改即时保存。"))

        office_box = QGroupBox(self.tr("本单位"))
        office_layout = QVBoxLayout(office_box)
        role_row = QHBoxLayout()  # 县级 / 市级: the city role verifies and consolidates returns (汇总)
        role_row.addWidget(QLabel(self.tr("单位级别")))
        self.role_combo = QComboBox(objectName="officeRole")
        for role in OfficeRole:
            self.role_combo.addItem(self.tr(role.label), role.value)
        role_row.addWidget(self.role_combo)
        role_row.addStretch(1)
        office_layout.addLayout(role_row)
        self.office_form = OfficeForm(ctx.store, autosave=True)
        self.office_form.layout().setContentsMargins(0, 0, 0, 0)
        office_layout.addWidget(self.office_form)
        layout.addWidget(office_box)

        ledger_box = QGroupBox(self.tr("台账"))
        form = QFormLayout(ledger_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.use_today = QCheckBox(self.tr("使用今天的日期"), objectName="useToday")
        self.as_of_edit = QDateEdit(objectName="asOfDate", calendarPopup=True)
        self.as_of_edit.setDisplayFormat("yyyy-MM-dd")
        row = QHBoxLayout()
        row.addWidget(self.use_today)
        row.addWidget(self.as_of_edit)
        row.addStretch(1)
        form.addRow(self.tr("台账日期"), row)
        hint = QLabel(self.tr("台账日期决定当前期次、哪些节点已到期、哪些任务滞后。"
                              "补录往年台账时可设为那一年中的日期。"), objectName="hint")
        hint.setWordWrap(True)
        form.addRow("", hint)
        self.tolerance = QDoubleSpinBox(objectName="lagTolerance", suffix=" %", decimals=0, maximum=100)
        form.addRow(self.tr("滞后容差"), self.tolerance)
        tol_hint = QLabel(self.tr("已完成节点的比例低于序时进度超过此值时，任务判为滞后。"), objectName="hint")
        form.addRow("", tol_hint)
        self.path_label = QLabel(objectName="hint")
        form.addRow(self.tr("数据文件"), self.path_label)
        layout.addWidget(ledger_box)
        layout.addStretch(1)
        self.setWidget(body)

        self.refresh()
        self.role_combo.currentIndexChanged.connect(self._save_role)
        self.use_today.toggled.connect(self._save_as_of)
        self.as_of_edit.dateChanged.connect(self._save_as_of)
        self.tolerance.valueChanged.connect(
            lambda value: self._save(LAG_TOLERANCE, round(value / 100, 4)))

    def refresh(self) -> None:
        as_of = read_setting(self.ctx.store, AS_OF)
        for widget in (self.use_today, self.as_of_edit, self.tolerance):
            widget.blockSignals(True)
        self.use_today.setChecked(as_of is None)
        self.as_of_edit.setDate(QDate(as_of or date.today()))
        self.as_of_edit.setEnabled(as_of is not None)
        self.tolerance.setValue(read_setting(self.ctx.store, LAG_TOLERANCE) * 100)
        for widget in (self.use_today, self.as_of_edit, self.tolerance):
            widget.blockSignals(False)
        self.path_label.setText(str(self.ctx.store.path))
        self.office_form.load()
        self.role_combo.blockSignals(True)
        role = office_profile(self.ctx.store).role or OfficeRole.COUNTY
        self.role_combo.setCurrentIndex(self.role_combo.findData(role.value))
        self.role_combo.blockSignals(False)

    def _save_role(self) -> None:
        save_office_role(self.ctx.store, self.role_combo.currentData())
        self.ctx.ledgerChanged.emit()

    def _save_as_of(self) -> None:
        self.as_of_edit.setEnabled(not self.use_today.isChecked())
        self._save(AS_OF, None if self.use_today.isChecked() else self.as_of_edit.date().toPython())

    def _save(self, var, value) -> None:
        save_setting(self.ctx.store, var, value)
        self.ctx.ledgerChanged.emit()
