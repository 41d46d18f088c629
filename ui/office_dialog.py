"""本单位 profile: the form (also used in 设置) and the first-run dialog around it, which also
asks for the office's level (县级 / 市级), offers the counties of the plan's city as a list beside
free text, and asks how to begin (``START_CHOICES``; app.start_ledger carries the choice out)."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup, QComboBox, QCompleter, QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
    QLineEdit, QRadioButton, QVBoxLayout, QWidget,
)

from models.enums import OfficeRole
from models.errors import LedgerError
from models.office_profile import OFFICE_FIELDS, office_profile, save_office_profile
from models.plan_loader import year_state
from models.store import Store

# How a first start begins: import the city's workbook (first), the built-in sample, or last year.
START_IMPORT, START_SAMPLE, START_ROLLOVER = "import", "sample", "rollover"

PLACEHOLDERS = {"county": "例如：婺城区", "office_name": "例如：婺城区营商环境优化提升专班办公室",
                "phone": "例如：0579-8220 1234"}


class OfficeForm(QWidget):
    """One line edit per office field, labelled from models.office_profile.OFFICE_FIELDS."""

    def __init__(self, store: Store, autosave: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.error_label = QLabel(objectName="errorText")
        self.error_label.setWordWrap(True)
        self.edits: dict[str, QLineEdit] = {}
        for key, (label, required, longest) in OFFICE_FIELDS.items():
            edit = QLineEdit(objectName=f"office_{key}")
            edit.setMaxLength(longest)
            edit.setPlaceholderText(PLACEHOLDERS.get(key, ""))
            edit.setMinimumWidth(380)
            form.addRow(self.tr(label) + ("＊" if required else ""), edit)
            self.edits[key] = edit
            if autosave:
                edit.editingFinished.connect(self.save)
        form.addRow(self.error_label)
        self.error_label.hide()  # no empty row under the fields until there is something to say
        self.load()

    def load(self) -> None:
        office = office_profile(self.store)
        for key, edit in self.edits.items():
            edit.setText(getattr(office, key) or "")

    def save(self, role: OfficeRole | None = None) -> bool:
        """Save (with the level, when given), or say why not beside the fields and keep everything typed."""
        try:
            save_office_profile(self.store, role, **{key: edit.text() for key, edit in self.edits.items()})
        except LedgerError as error:
            self.error_label.setText(self.tr("未保存：%s") % error)
            self.error_label.show()
            return False
        self.error_label.clear()
        self.error_label.hide()
        return True


class OfficeDialog(QDialog):
    def __init__(self, store: Store, first_run: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("本单位信息"))
        layout = QVBoxLayout(self)
        if first_run:
            intro = QLabel(self.tr("欢迎使用改革台账。请先填写本单位信息，它们将出现在报表封面和签发栏中，"
                                   "以后可在“设置”中修改。"))
            intro.setWordWrap(True)
            layout.addWidget(intro)
        self.form = OfficeForm(store)
        self.role_combo: QComboBox | None = None
        self.start_group = QButtonGroup(self)
        if first_run:
            layout.addLayout(self._level_and_county(store))
        layout.addWidget(self.form)
        if first_run:
            layout.addWidget(self._start_box(store))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def _level_and_county(self, store: Store) -> QHBoxLayout:
        state = year_state(store)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("单位级别")))
        self.role_combo = QComboBox(objectName="officeRole")
        for role in OfficeRole:
            self.role_combo.addItem(self.tr(role.label), role)
        row.addWidget(self.role_combo)
        row.addSpacing(16)
        row.addWidget(QLabel(self.tr("%s所辖县（市、区）") % state.city if state.city else self.tr("县（市、区）")))
        self.county_list = QComboBox(objectName="countyChoice")
        self.county_list.addItem(self.tr("从列表选择，或在下面直接填写"), "")
        for county in ([state.city] if state.city else []) + state.counties:
            self.county_list.addItem(county, county)
        self.county_list.activated.connect(self._county_chosen)
        row.addWidget(self.county_list, 1)
        county_edit = self.form.edits["county"]
        county_edit.setCompleter(QCompleter(state.counties, county_edit))
        return row

    def _county_chosen(self, index: int) -> None:
        county = self.county_list.itemData(index)
        if county:
            self.form.edits["county"].setText(county)
            if self.role_combo is not None and county.endswith("市") and county == self.county_list.itemText(1):
                self.role_combo.setCurrentIndex(self.role_combo.findData(OfficeRole.CITY))  # the city itself

    def _start_box(self, store: Store) -> QGroupBox:
        state = year_state(store)
        box = QGroupBox(self.tr("如何开始"))
        column = QVBoxLayout(box)
        choices = [(START_IMPORT, self.tr("导入本市方案工作簿（市里下发的任务清单 Excel）"))]
        if not state.years:
            choices.append((START_SAMPLE, self.tr("使用内置示例方案（金华市 2023 年度，用于熟悉本程序）")))
        else:
            newest = state.years[0]
            choices.append((START_ROLLOVER, self.tr("从上一年度结转（由 %d 年度未完成的任务生成 %d 年度台账）")
                            % (newest, newest + 1)))
        for n, (key, text) in enumerate(choices):
            button = QRadioButton(text, objectName=f"start_{key}")
            button.setProperty("choice", key)
            button.setChecked(n == 0)
            self.start_group.addButton(button)
            column.addWidget(button)
        return box

    @property
    def start_choice(self) -> str | None:
        """The way chosen to begin (START_…), None outside a first start."""
        button = self.start_group.checkedButton()
        return button.property("choice") if button else None

    def accept(self) -> None:
        if self.form.save(self.role_combo.currentData() if self.role_combo is not None else None):
            super().accept()
