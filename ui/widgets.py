"""Small building blocks shared by the workspaces: page layout and header, cards, data tables,
date boxes."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QAbstractItemModel, QDate, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QPushButton, QFrame, QHeaderView, QLabel, QTableView,
                               QVBoxLayout, QWidget)


class PageHeader(QWidget):
    """A workspace's title line with a smaller line of context below it."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.setSpacing(2)
        self.title = QLabel(title, objectName="pageTitle")
        self.subtitle = QLabel(objectName="pageSubtitle")
        self.subtitle.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)


class Card(QFrame):
    """A white panel with a caption, a big figure and a line of detail."""

    def __init__(self, caption: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        self.caption = QLabel(caption, objectName="cardCaption")
        self.figure = QLabel(objectName="cardFigure")
        self.detail = QLabel(objectName="cardDetail")
        self.detail.setWordWrap(True)
        for label in (self.caption, self.figure, self.detail):
            label.setAlignment(Qt.AlignmentFlag.AlignLeft)
            layout.addWidget(label)
        layout.addStretch(1)

    def set_values(self, figure: str, detail: str = "") -> None:
        self.figure.setText(figure)
        self.detail.setText(detail)


def page_layout(page: QWidget, title: str) -> tuple[QVBoxLayout, PageHeader]:
    """The start of every workspace: the same margins on every page, then its header."""
    layout = QVBoxLayout(page)
    layout.setContentsMargins(24, 16, 24, 16)
    header = PageHeader(title)
    layout.addWidget(header)
    return layout, header


class DataTable(QTableView):
    """A table that says, in grey where its rows would be, what it means to have none."""

    def __init__(self, empty: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.empty_text = empty

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.empty_text and self.model() is not None and self.model().rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.viewport().rect().adjusted(8, 8, -8, -8),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.empty_text)


def table_view(model: QAbstractItemModel, stretch: int | Sequence[int], name: str = "",
               word_wrap: bool = False, empty: str = "") -> QTableView:
    """A read-only table selecting whole rows; columns fit their contents and the ``stretch`` column
    (or columns, sharing it) takes the rest. With ``word_wrap`` rows grow to show every wrapped line
    (such tables hold a few dozen rows, so measuring each is cheap); ``empty`` is shown while it has
    no rows, so an empty list reads as good news rather than as a blank."""
    view = DataTable(empty, objectName=name)
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.setWordWrap(word_wrap)
    if word_wrap:
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    for column in [stretch] if isinstance(stretch, int) else stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    return view


def check_then_apply_buttons(dialog: QDialog, check: tuple[str, str], apply: tuple[str, str],
                             on_check, on_apply) -> tuple[QDialogButtonBox, QPushButton, QPushButton]:
    """The buttons of a dialog that shows what will change before it changes anything: a check
    button (text, object name), an apply button enabled only after a check, and 取消."""
    buttons = QDialogButtonBox()
    check_button = QPushButton(check[0], objectName=check[1])
    apply_button = QPushButton(apply[0], objectName=apply[1], enabled=False)
    buttons.addButton(check_button, QDialogButtonBox.ButtonRole.ActionRole)
    buttons.addButton(apply_button, QDialogButtonBox.ButtonRole.AcceptRole)
    buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
    check_button.clicked.connect(on_check)
    apply_button.clicked.connect(on_apply)
    buttons.rejected.connect(dialog.reject)
    return buttons, check_button, apply_button


def compact_combo(combo: QComboBox, chars: int) -> QComboBox:
    """Let a combo box shrink to about ``chars`` characters, so a row of them fits the window's
    smallest width; its drop-down list still shows every entry whole."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    return combo


class DateBox(QDateEdit):
    """A yyyy-MM-dd date box with a calendar that takes digits typed where the cursor is: Qt's own
    refuses a digit unless its section is selected, so the section under the cursor is selected
    first (and Qt then moves on to the next section once one is complete)."""

    def __init__(self, value: date | None = None, parent: QWidget | None = None, **kwargs) -> None:
        super().__init__(parent, **kwargs)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        if value is not None:
            self.setDate(QDate(value.year, value.month, value.day))
        self._typed_to = -1  # where the cursor was left by the last digit typed

    def keyPressEvent(self, event) -> None:
        digit = event.text().isdigit()
        edit = self.lineEdit()
        if digit and not edit.hasSelectedText() and edit.cursorPosition() != self._typed_to:
            self.setSelectedSection(self.currentSection())  # put there by a click or an arrow key
        super().keyPressEvent(event)
        self._typed_to = edit.cursorPosition() if digit else -1
