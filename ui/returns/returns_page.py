"""报表报送: pick the period, see what is missing, build and preview the PDF, review, sign with
the office key, open the files, and see every version of the period's return.

Building and signing run off the UI thread (ui.workers); the page only calls the domain
(models.returns, exchange.returns.returns_export, exchange.signing.identity) and shows the result.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHBoxLayout, QInputDialog,
                               QLabel, QMessageBox, QPushButton, QSplitter, QStackedWidget, QVBoxLayout, QWidget)

from exchange.returns.review import return_status, review_return
from exchange.signing.identity import export_store_certificate, import_identity, new_identity, office_identity
from models.enums import ReturnState
from models.errors import LedgerError
from models.returns import latest_return_of, submit_return, withdraw_return
from models.office_profile import office_profile
from ui.context import AppContext
from ui.period_chooser import PeriodChooser
from ui.returns.returns_dialogs import PassphraseDialog
from ui.returns.returns_models import ExplainGapCommand, GapTableModel, ReturnHistoryTableModel
from ui.widgets import page_layout, table_view
from ui.workers import run_in_background


class ReturnsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.preview_path: Path | None = None
        layout, self.header = page_layout(self, self.tr("报表报送"))

        # Two rows, so the period, its state and eight buttons fit the window's smallest width:
        # the period and its state, then the workflow's steps and the files.
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("期次")))
        self.period_combo = PeriodChooser(ctx, "periodCombo")
        bar.addWidget(self.period_combo)
        self.state_label = QLabel(objectName="returnState")
        bar.addWidget(self.state_label, 1)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
            ("build", "生成预览", self.build_preview), ("review", "审核…", self.review),
            ("sign", "签发…", self.sign), ("submit", "标记已报送", self.submit), ("withdraw", "撤回…", self.withdraw),
            ("open", "打开文件", self.open_files), ("folder", "打开文件夹", self.open_folder),
            ("identity", "签名证书…", self.manage_identity),
        ):
            button = QPushButton(self.tr(text), objectName=f"{key}Button")
            button.clicked.connect(slot)
            self.buttons[key] = button
        bar.addWidget(self.buttons["identity"])
        steps = QHBoxLayout()
        for key in ("build", "review", "sign", "submit", "withdraw"):
            steps.addWidget(self.buttons[key])
        steps.addStretch(1)  # the files, apart from the steps
        steps.addWidget(self.buttons["open"])
        steps.addWidget(self.buttons["folder"])
        layout.addLayout(bar)
        layout.addLayout(steps)
        self.review_warning = QLabel(objectName="errorText")  # the data changed since the review
        self.review_warning.setWordWrap(True)
        self.review_warning.hide()
        layout.addWidget(self.review_warning)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.gap_label = QLabel(objectName="sectionTitle")
        left_layout.addWidget(self.gap_label)
        self.gap_model = GapTableModel()
        self.gap_model.reasonEdited.connect(self._explain)
        self.gap_view = table_view(self.gap_model, GapTableModel.SUBJECT, "gapTable", word_wrap=True)
        self.gap_view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                      | QAbstractItemView.EditTrigger.EditKeyPressed
                                      | QAbstractItemView.EditTrigger.AnyKeyPressed)
        left_layout.addWidget(self.gap_view, 3)
        left_layout.addWidget(QLabel(self.tr("历次版本"), objectName="sectionTitle"))
        self.history_model = ReturnHistoryTableModel()
        self.history_view = table_view(self.history_model, ReturnHistoryTableModel.FILES, "historyTable", word_wrap=True)
        self.history_view.doubleClicked.connect(self._open_history_row)
        left_layout.addWidget(self.history_view, 2)
        splitter.addWidget(left)

        self.pdf = QPdfDocument(self)
        self.pdf_view = QPdfView(objectName="pdfPreview")
        self.pdf_view.setDocument(self.pdf)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        no_preview = QLabel(self.tr("尚无预览。\n点“生成预览”查看本期报表草稿；签发后这里显示已签发的报表。"),
                            objectName="previewPlaceholder", alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.preview_stack = QStackedWidget()
        self.preview_stack.addWidget(no_preview)
        self.preview_stack.addWidget(self.pdf_view)
        self.pdf.statusChanged.connect(  # the view while a PDF is loaded, else the hint instead of a grey area
            lambda status: self.preview_stack.setCurrentWidget(
                self.pdf_view if status is QPdfDocument.Status.Ready else no_preview))
        splitter.addWidget(self.preview_stack)
        splitter.setSizes([520, 640])
        layout.addWidget(splitter, 1)

        self.period_combo.currentIndexChanged.connect(self._period_changed)
        ctx.ledgerChanged.connect(self.refresh)
        self.refresh()

    # ---- state ---------------------------------------------------------------------------

    def period_id(self) -> str:
        return self.period_combo.period_id()

    def refresh(self) -> None:
        """Re-read the periods, the gaps, the history and the identity from the store."""
        self.period_combo.reload()
        try:
            identity = office_identity(self.ctx.store)
        except LedgerError as error:
            identity = None
            self.header.subtitle.setText(str(error))
        else:
            self.header.subtitle.setText(
                self.tr("签名证书：%1　指纹 %2…").replace("%1", identity.signer).replace("%2", identity.fingerprint[:16])
                if identity else self.tr("尚未设置签名证书：签发前请点“签名证书…”创建或导入。"))
        self._load_period()

    def _period_changed(self) -> None:
        self.pdf.close()
        self.preview_path = None
        self._load_period()

    def _load_period(self) -> None:
        pid = self.period_id()
        if not pid:
            return
        status = return_status(self.ctx.store, pid, self.ctx.as_of())
        gaps, rows, latest, version, outdated = status.gaps, status.history, status.latest, status.next_version, \
            status.outdated
        self.review_warning.setText(outdated)
        self.review_warning.setVisible(bool(outdated))
        self.gap_model.set_rows(gaps)
        self.history_model.set_rows(rows)
        if self.preview_path is None and latest is not None and latest.pdf_path and Path(latest.pdf_path).exists():
            self.preview_path = Path(latest.pdf_path)  # show the signed version on arrival
            self.pdf.load(latest.pdf_path)
        missing = sum(not g.reason for g in gaps)
        self.gap_label.setText(self.tr("缺报事项 %1 项，未说明原因 %2 项").replace("%1", str(len(gaps)))
                               .replace("%2", str(missing)) if gaps else self.tr("本期数据完整，无缺报事项"))
        state = latest.state if latest else ReturnState.DRAFT
        shown = latest.version if latest else 1
        self.state_label.setText(self.tr("第 %1 版 · %2").replace("%1", str(shown)).replace("%2", state.label)
                                 + (self.tr("（下次签发为第 %1 版）").replace("%1", str(version))
                                    if state is ReturnState.WITHDRAWN else ""))
        locked = state in (ReturnState.SIGNED, ReturnState.SUBMITTED)
        self.buttons["review"].setEnabled(not locked)
        self.buttons["sign"].setEnabled(state is ReturnState.REVIEWED and latest is not None and not outdated)
        self.buttons["submit"].setEnabled(state is ReturnState.SIGNED)
        self.buttons["withdraw"].setEnabled(locked)
        self.buttons["open"].setEnabled(bool(latest and latest.pdf_path) or self.preview_path is not None)
        self.gap_view.setEnabled(not locked)

    def _explain(self, row: int, reason: str) -> None:
        gap = self.gap_model.rows[row]
        try:
            self.ctx.undo_stack.push(ExplainGapCommand(self.ctx.store, gap, reason, self.ctx.ledgerChanged.emit))
        except LedgerError as error:
            QMessageBox.warning(self, self.tr("未保存"), str(error))

    # ---- actions -------------------------------------------------------------------------

    def build_preview(self) -> None:
        # reportlab and openpyxl are slow to import: the exporters load when a return is first made
        from exchange.returns.returns_export import export_return, returns_folder

        store, pid, as_of = self.ctx.store, self.period_id(), self.ctx.as_of()
        folder = returns_folder(store) / "preview"
        run_in_background(self, self.tr("正在生成报表…"),
                          lambda progress: export_return(store, pid, folder, as_of, None, progress),
                          on_done=lambda result: self._show_pdf(result.pdf))

    def _show_pdf(self, path: Path) -> None:
        self.preview_path = Path(path)
        self.pdf.close()
        self.pdf.load(str(path))
        self._load_period()

    def review(self) -> None:
        default = office_profile(self.ctx.store).reviewer
        name, ok = QInputDialog.getText(self, self.tr("审核报表"),
                                        self.tr("已核对本期报表内容无误。审核人姓名："), text=default)
        if not ok:
            return
        try:
            review_return(self.ctx.store, self.period_id(), name, self.ctx.as_of())
        except LedgerError as error:
            QMessageBox.warning(self, self.tr("未审核"), str(error))
        self.ctx.ledgerChanged.emit()

    def sign(self) -> None:
        # reportlab and openpyxl are slow to import: the exporters load when a return is first made
        from exchange.returns.returns_export import export_return, returns_folder

        passphrase = PassphraseDialog.get_passphrase(
            self, self.tr("签发后本期数据将锁定，如需更正须撤回并生成新版本。请输入签名私钥的口令："))
        if passphrase is None:
            return
        store, pid, as_of = self.ctx.store, self.period_id(), self.ctx.as_of()
        run_in_background(self, self.tr("正在签发报表…"),
                          lambda progress: export_return(store, pid, returns_folder(store), as_of, passphrase, progress),
                          on_done=self._signed)

    def _signed(self, result) -> None:
        self._show_pdf(result.pdf)
        self.ctx.ledgerChanged.emit()
        QMessageBox.information(self, self.tr("已签发"), self.tr("第 %1 版报表已签发：\n%2\n%3")
                                .replace("%1", str(result.version)).replace("%2", str(result.xlsx))
                                .replace("%3", str(result.pdf)))

    def submit(self) -> None:
        self._transition(lambda: submit_return(self.ctx.store, self.period_id()), self.tr("未标记"))

    def withdraw(self) -> None:
        reason, ok = QInputDialog.getText(self, self.tr("撤回报表"), self.tr("撤回后期次重新开放，下次签发为新版本。撤回原因："))
        if ok:
            self._transition(lambda: withdraw_return(self.ctx.store, self.period_id(), reason), self.tr("未撤回"))

    def _transition(self, change, failed_title: str) -> None:
        try:
            change()
        except LedgerError as error:
            QMessageBox.warning(self, failed_title, str(error))
        self.ctx.ledgerChanged.emit()

    def _latest_files(self) -> list[Path]:
        latest = latest_return_of(self.ctx.store, self.period_id())
        if latest is not None and latest.pdf_path:
            return [Path(latest.pdf_path), Path(latest.xlsx_path)]
        return [self.preview_path] if self.preview_path else []

    def open_files(self) -> None:
        for path in self._latest_files():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def open_folder(self) -> None:
        from exchange.returns.returns_export import returns_folder  # loads the exporters (slow to import)

        files = self._latest_files()
        folder = files[0].parent if files else returns_folder(self.ctx.store)
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def _open_history_row(self, index) -> None:
        ret = self.history_model.data(index, ReturnHistoryTableModel.RawRole)
        if ret.pdf_path and Path(ret.pdf_path).exists():
            self._show_pdf(Path(ret.pdf_path))

    def _replaced(self, identity) -> None:
        if identity.backup is not None:
            QMessageBox.information(self, self.tr("签名证书"), self.tr(
                "已换用新证书，旧私钥和证书备份在 %1。\n请导出新证书交市级登记：登记之前，市级无法核验用新证书签发的报表。")
                .replace("%1", str(identity.backup)))

    def manage_identity(self) -> None:
        choices = [self.tr("创建新的签名证书"), self.tr("导入 PKCS#12 证书文件（.p12/.pfx）"), self.tr("导出证书供市级登记")]
        choice, ok = QInputDialog.getItem(self, self.tr("签名证书"), self.tr("操作："), choices, 0, False)
        if not ok:
            return
        try:
            if choice == choices[0]:
                office = office_profile(self.ctx.store)
                if office_identity(self.ctx.store) and QMessageBox.question(
                        self, self.tr("替换证书"), self.tr("已有签名证书，替换后须把新证书交市级重新登记。继续？")) \
                        != QMessageBox.StandardButton.Yes:
                    return
                passphrase = PassphraseDialog.get_passphrase(
                    self, self.tr("为%1 %2 创建签名证书。设定保护私钥的口令：")
                    .replace("%1", office.county).replace("%2", office.office_name), confirm=True)
                if passphrase is not None:
                    self._replaced(new_identity(self.ctx.store, office.county, office.office_name, passphrase,
                                                replace=True))
            elif choice == choices[1]:
                if office_identity(self.ctx.store) and QMessageBox.question(
                        self, self.tr("替换证书"), self.tr("已有签名证书，替换后须把新证书交市级重新登记。继续？")) \
                        != QMessageBox.StandardButton.Yes:
                    return
                path, _filter = QFileDialog.getOpenFileName(self, self.tr("导入证书"), "", "PKCS#12 (*.p12 *.pfx)")
                passphrase = PassphraseDialog.get_passphrase(self, self.tr("证书文件的口令：")) if path else None
                if passphrase is not None:
                    self._replaced(import_identity(self.ctx.store, Path(path), passphrase, replace=True))
            else:
                path, _filter = QFileDialog.getSaveFileName(self, self.tr("导出证书"), "本单位证书.cer",
                                                            self.tr("证书 (*.cer *.pem)"))
                if path:
                    export_store_certificate(self.ctx.store, Path(path))
        except LedgerError as error:
            QMessageBox.warning(self, self.tr("签名证书"), str(error))
        self.refresh()
