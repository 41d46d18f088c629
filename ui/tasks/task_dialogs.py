"""Small forms of the 任务清单: a milestone, a postponement, a done date, a new county task.

Each dialog is given a ``submit`` function that runs the edit; when the edit is refused the
message shows in the dialog, which stays open with everything typed still in it.
"""
from __future__ import annotations

from datetime import date
from typing import Callable

from PySide6.QtWidgets import (
    QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout,
    QWidget,
)

from models.errors import LedgerError
from ui.widgets import DateBox


def date_edit(value: date) -> DateBox:
    return DateBox(value)


def to_date(edit: QDateEdit) -> date:
    return edit.date().toPython()


class FormDialog(QDialog):
    """A form with an error line; OK runs ``submit`` and closes only if it succeeds."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.submit: Callable[[], None] = lambda: None
        layout = QVBoxLayout(self)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.error = QLabel(objectName="errorText")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def accept(self) -> None:
        try:
            self.submit()
        except LedgerError as error:
            self.error.setText(str(error))
            self.error.show()
            return
        super().accept()


class MilestoneDialog(FormDialog):
    def __init__(self, title: str, due: date, parent: QWidget | None = None, *, text: str = "", note: str = "",
                 due_editable: bool = True) -> None:
        super().__init__(title, parent)
        self.title_edit = QLineEdit(text)
        self.due_edit = date_edit(due)
        self.due_edit.setEnabled(due_editable)
        self.note_edit = QLineEdit(note)
        self.form.addRow(self.tr("节点举措"), self.title_edit)
        self.form.addRow(self.tr("完成时限"), self.due_edit)
        self.form.addRow(self.tr("备注"), self.note_edit)


class PostponeDialog(FormDialog):
    def __init__(self, milestone_title: str, due: date, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("节点延期"), parent)
        label = QLabel(milestone_title)
        label.setWordWrap(True)
        self.form.addRow(self.tr("节点举措"), label)
        self.form.addRow(self.tr("原完成时限"), QLabel(due.isoformat()))
        self.due_edit = date_edit(due)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setFixedHeight(80)
        self.form.addRow(self.tr("新的完成时限"), self.due_edit)
        self.form.addRow(self.tr("延期原因"), self.reason_edit)


class DoneDialog(FormDialog):
    def __init__(self, milestone_title: str, day: date, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("标记节点完成"), parent)
        label = QLabel(milestone_title)
        label.setWordWrap(True)
        self.form.addRow(self.tr("节点举措"), label)
        self.date_edit = date_edit(day)
        self.form.addRow(self.tr("完成日期"), self.date_edit)


class AddTaskDialog(FormDialog):
    """A county's own task (自选动作): area, list kind and title."""

    def __init__(self, areas: list[tuple[int, str]], kinds: list[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(self.tr("新增自选动作"), parent)
        self.area_combo = QComboBox()
        for area_id, name in areas:
            self.area_combo.addItem(name, area_id)
        self.kind_combo = QComboBox()
        self.kind_combo.addItem(self.tr("（不属于四张清单）"), None)
        for kind_id, name in kinds:
            self.kind_combo.addItem(name, kind_id)
        self.title_edit = QLineEdit()
        self.form.addRow(self.tr("领域"), self.area_combo)
        self.form.addRow(self.tr("清单类别"), self.kind_combo)
        self.form.addRow(self.tr("任务名称"), self.title_edit)
