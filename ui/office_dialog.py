"""本单位 profile: the form (also used in 设置) and the first-run dialog around it."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget,
)

from models.errors import LedgerError
from models.office_profile import OFFICE_FIELDS, office_profile, save_office_profile
from models.store import Store

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

    def save(self) -> bool:
        """Save, or say why not beside the fields and keep everything typed."""
        try:
            save_office_profile(self.store, **{key: edit.text() for key, edit in self.edits.items()})
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
        layout.addWidget(self.form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def accept(self) -> None:
        if self.form.save():
            super().accept()
