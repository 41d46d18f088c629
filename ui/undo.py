"""The one undo protocol of the window: ``LedgerCommand`` and ``LedgerUndoStack``.

A command is one user action. ``push`` runs it first (``first()``: the operation, which checks
and raises LedgerError): a refused action raises to the caller, with the operation's own message,
and nothing lands on the stack. Undo and redo call operations too (``back()`` / ``forward()``), so
they pass the same locks and checks as a direct edit. A refused undo or redo changes nothing: the
store is as it was (the operation's transaction rolled back), the stack's index is put back, and
``refused`` carries the reason for the window to show. Errors never cross Qt's C++ frames, so no
English prefix of Qt's reaches a message box.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QUndoCommand, QUndoStack

from models.errors import LedgerError

Notify = Callable[[], None]


class LedgerCommand(QUndoCommand):
    """Subclasses give ``first()`` (the action) and ``back()`` (its undo); ``forward()`` (redo)
    runs ``first()`` again unless a subclass puts back a kept state instead."""

    def __init__(self, text: str, on_change: Notify | None = None) -> None:
        super().__init__(text)
        self.on_change = on_change or (lambda: None)
        self.refusal = ""  # why the last undo or redo was refused; "" when it ran
        self._skip = False  # the stack's next call of redo/undo only moves its index

    def first(self) -> None:
        raise NotImplementedError

    def forward(self) -> None:
        self.first()

    def back(self) -> None:
        raise NotImplementedError

    def run_first(self) -> None:
        """The action itself, before the push: LedgerError propagates and nothing is pushed."""
        self.first()
        self._skip = True  # QUndoStack.push calls redo(): the action already ran
        self.on_change()

    def redo(self) -> None:
        self._step(self.forward)

    def undo(self) -> None:
        self._step(self.back)

    def _step(self, step: Callable[[], None]) -> None:
        if self._skip:
            self._skip = False
            return
        self.refusal = ""
        try:
            step()
        except LedgerError as error:
            self.refusal = str(error)
        self.on_change()


class LedgerUndoStack(QUndoStack):
    """A QUndoStack whose push runs the action first and whose refused undo/redo leaves it as it was."""

    refused = Signal(str)

    def push(self, command: QUndoCommand) -> None:
        if isinstance(command, LedgerCommand):
            command.run_first()
        super().push(command)

    def undo(self) -> None:
        command = self.command(self.index() - 1) if self.canUndo() else None
        super().undo()
        if isinstance(command, LedgerCommand) and command.refusal:
            command._skip = True
            super().redo()  # back to where it stood; the store was not touched
            self.refused.emit(command.refusal)

    def redo(self) -> None:
        command = self.command(self.index()) if self.canRedo() else None
        super().redo()
        if isinstance(command, LedgerCommand) and command.refusal:
            command._skip = True
            super().undo()
            self.refused.emit(command.refusal)

    def action(self, parent: QObject, label: str, undo: bool) -> QAction:
        """A menu action for 撤销 / 重做 that goes through this stack's checks (Qt's own
        createUndoAction would call the C++ slot and skip them)."""
        action = QAction(label, parent)
        action.triggered.connect(self.undo if undo else self.redo)
        can, text = (self.canUndoChanged, self.undoTextChanged) if undo else (self.canRedoChanged, self.redoTextChanged)

        def update(*_args: object) -> None:
            step = self.undoText() if undo else self.redoText()
            action.setEnabled(self.canUndo() if undo else self.canRedo())
            action.setText(f"{label} {step}" if step else label)

        can.connect(update)
        text.connect(update)
        update()
        return action
