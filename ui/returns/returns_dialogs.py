"""Dialogs of the 报表报送 workspace: the passphrase to sign, and the office's signing identity."""
from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QMessageBox,
                               QVBoxLayout, QWidget)

from exchange.signing.identity import MIN_PASSPHRASE


class PassphraseDialog(QDialog):
    """Asks for the passphrase of the office key (twice when a new key is made)."""

    def __init__(self, parent: QWidget | None, text: str, confirm: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("输入口令"))
        layout = QVBoxLayout(self)
        label = QLabel(text)
        label.setWordWrap(True)
        layout.addWidget(label)
        form = QFormLayout()
        self.passphrase = QLineEdit(objectName="passphrase", echoMode=QLineEdit.EchoMode.Password)
        form.addRow(self.tr("口令"), self.passphrase)
        self.again = QLineEdit(objectName="passphraseAgain", echoMode=QLineEdit.EchoMode.Password)
        if confirm:
            form.addRow(self.tr("再输一次"), self.again)
        self.confirm = confirm
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def accept(self) -> None:
        if self.confirm and len(self.passphrase.text()) < MIN_PASSPHRASE:
            QMessageBox.warning(self, self.tr("口令过短"), self.tr("口令至少需要 %1 个字符。").replace("%1", str(MIN_PASSPHRASE)))
            return
        if self.confirm and self.passphrase.text() != self.again.text():
            QMessageBox.warning(self, self.tr("口令不一致"), self.tr("两次输入的口令不一致，请重新输入。"))
            return
        super().accept()

    @staticmethod
    def get_passphrase(parent: QWidget | None, text: str, confirm: bool = False) -> str | None:
        dialog = PassphraseDialog(parent, text, confirm)
        return dialog.passphrase.text() if dialog.exec() == QDialog.DialogCode.Accepted else None
