"""Dialogs of the 报表报送 and 汇总 workspaces: the passphrase to sign, and the office's signing
identity (created, imported or exported here, never by pointing at the command line)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QInputDialog, QLabel, QLineEdit,
                               QMessageBox, QVBoxLayout, QWidget)

from exchange.signing.identity import (MIN_PASSPHRASE, export_store_certificate, import_identity, new_identity,
                                       office_identity)
from models.errors import LedgerError
from models.office_profile import office_profile
from models.store import Store


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


def manage_identity(parent: QWidget, store: Store, can_export: bool = True) -> None:
    """签名证书…: create the office's key and certificate, import a PKCS#12 file, or (a county)
    export the certificate for the city to register."""
    tr = parent.tr
    choices = [tr("创建新的签名证书"), tr("导入 PKCS#12 证书文件（.p12/.pfx）")]
    choices += [tr("导出证书供市级登记")] if can_export else []
    choice, ok = QInputDialog.getItem(parent, tr("签名证书"), tr("操作："), choices, 0, False)
    if not ok:
        return
    try:
        if choice == choices[0]:
            office = office_profile(store)
            if office_identity(store) and QMessageBox.question(
                    parent, tr("替换证书"), tr("已有签名证书，替换后须把新证书交对方重新登记。继续？")) \
                    != QMessageBox.StandardButton.Yes:
                return
            passphrase = PassphraseDialog.get_passphrase(
                parent, tr("为%1 %2 创建签名证书。设定保护私钥的口令：")
                .replace("%1", office.county).replace("%2", office.office_name), confirm=True)
            if passphrase is not None:
                _replaced(parent, new_identity(store, office.county, office.office_name, passphrase, replace=True))
        elif choice == choices[1]:
            if office_identity(store) and QMessageBox.question(
                    parent, tr("替换证书"), tr("已有签名证书，替换后须把新证书交对方重新登记。继续？")) \
                    != QMessageBox.StandardButton.Yes:
                return
            path, _filter = QFileDialog.getOpenFileName(parent, tr("导入证书"), "", "PKCS#12 (*.p12 *.pfx)")
            passphrase = PassphraseDialog.get_passphrase(parent, tr("证书文件的口令：")) if path else None
            if passphrase is not None:
                _replaced(parent, import_identity(store, Path(path), passphrase, replace=True))
        else:
            path, _filter = QFileDialog.getSaveFileName(parent, tr("导出证书"), "本单位证书.cer", tr("证书 (*.cer *.pem)"))
            if path:
                export_store_certificate(store, Path(path))
    except LedgerError as error:
        QMessageBox.warning(parent, tr("签名证书"), str(error))


def _replaced(parent: QWidget, identity) -> None:
    """A replaced key: say where the old one is kept and that the new certificate needs registering."""
    if identity.backup is not None:
        QMessageBox.information(parent, parent.tr("签名证书"), parent.tr(
            "已换用新证书，旧私钥和证书备份在 %1。\n请导出新证书交对方登记：登记之前，对方无法核验用新证书签发的文件。")
            .replace("%1", str(identity.backup)))


def identity_ready(parent: QWidget, store: Store) -> bool:
    """Before signing: an office without a key is offered to create or import one here."""
    if office_identity(store) is not None:
        return True
    if QMessageBox.question(parent, parent.tr("尚无签名证书"),
                            parent.tr("本单位尚未设置签名证书。现在创建或导入？")) == QMessageBox.StandardButton.Yes:
        manage_identity(parent, store, can_export=False)
    return office_identity(store) is not None
