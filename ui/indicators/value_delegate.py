"""The grid's cell editor, checked as Excel's data validation checks: a value the rules refuse
keeps the editor open on its cell, with the typed text and the reason beside it — no modal box,
the cursor does not move. Escape gives the edit up; anything else commits only a value that passes.
Rows re-read while an editor is open never replace what was typed in it."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QStyledItemDelegate, QWidget

# Keys and events with which an editor commits its text.
COMMIT_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab)


class CheckedValueDelegate(QStyledItemDelegate):
    """``refusal(index, text)`` says why ``text`` cannot go into the cell, or "" when it can."""

    def __init__(self, refusal: Callable[[QModelIndex, str], str], parent=None) -> None:
        super().__init__(parent)
        self.refusal = refusal
        self.message: QLabel | None = None  # the reason shown under the refused editor
        self._cells: dict[QLineEdit, QPersistentModelIndex] = {}
        self.closeEditor.connect(lambda editor, *_: self._forget(editor))

    def createEditor(self, parent: QWidget, option, index: QModelIndex) -> QWidget:
        editor = QLineEdit(parent, objectName="cellEditor")
        editor.setFrame(False)
        self._cells[editor] = QPersistentModelIndex(index)
        editor.destroyed.connect(lambda *_: self._forget(editor))
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        # Fresh rows arriving repaint the cells around an open editor and hand it the stored
        # value again: once something is typed, the typing stays.
        if isinstance(editor, QLineEdit) and editor.isModified():
            return
        super().setEditorData(editor, index)

    def _forget(self, editor: QLineEdit) -> None:
        self._cells.pop(editor, None)
        if self.message is not None:
            self.message.hide()

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if isinstance(editor, QLineEdit) and editor in self._cells and self._commits(event):
            reason = self.refusal(QModelIndex(self._cells[editor]), editor.text())
            if reason:
                self._show(editor, reason)
                return True  # neither committed nor closed: the text stays in the cell
        return super().eventFilter(editor, event)

    @staticmethod
    def _commits(event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            return event.key() in COMMIT_KEYS
        return event.type() == QEvent.Type.FocusOut

    def _show(self, editor: QLineEdit, reason: str) -> None:
        host = editor.parentWidget()
        if self.message is None or self.message.parentWidget() is not host:
            self.message = QLabel(host, objectName="cellRefusal")
            self.message.setWordWrap(True)
            self.message.setStyleSheet("background: #fff4e5; color: #a93226; border: 1px solid #c0392b; padding: 3px;")
        editor.setStyleSheet("border: 2px solid #c0392b;")
        self.message.setText(reason)
        self.message.setFixedWidth(max(editor.width() * 3, 280))
        self.message.adjustSize()
        cell = editor.geometry()  # under the cell, kept inside the grid at its right and bottom edges
        x = max(0, min(cell.left(), host.width() - self.message.width()))
        y = cell.bottom() + 1 if cell.bottom() + self.message.height() < host.height() \
            else cell.top() - self.message.height() - 1
        self.message.move(x, y)
        self.message.show()
        self.message.raise_()
        editor.setFocus()
