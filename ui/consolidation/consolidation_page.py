"""汇总 (city role): drop a folder of the counties' returns, check each against the trust list,
and write the consolidated workbook and PDF; register county certificates.

Checking and writing run off the UI thread (ui.workers); the page calls
exchange.consolidation.consolidate.consolidate_and_write and exchange.signing.trust_list only and
shows what they return.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (QCheckBox, QFileDialog, QHBoxLayout, QInputDialog,
                               QLabel, QMessageBox, QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget)

from exchange.signing.identity import certificate_names, load_certificate
from exchange.signing.trust_list import list_trusted, register_certificate
from models.enums import OfficeRole
from models.errors import LedgerError
from models.office_profile import office_profile
from ui.consolidation.consolidation_models import ReceiptTableModel, TrustTableModel
from ui.table_model import RawRole
from ui.context import AppContext
from ui.period_chooser import PeriodChooser
from ui.returns.returns_dialogs import PassphraseDialog, identity_ready, manage_identity
from ui.widgets import page_layout, table_view
from ui.workers import run_in_background


def output_folder(store) -> Path:
    """Where the consolidated files go: beside the store, like the returns."""
    return store.folder / f"{store.path.stem}.files" / "consolidated"


class ConsolidationPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.sources: list[Path] = []
        self.output_files: list[Path] = []
        self.setAcceptDrops(True)
        layout, self.header = page_layout(self, self.tr("汇总"))

        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("期次")))
        self.period_combo = PeriodChooser(ctx, "consolidationPeriod")
        bar.addWidget(self.period_combo)
        bar.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (("folder", "添加文件夹…", self.add_folder), ("files", "添加文件…", self.add_files),
                                ("clear", "清空", self.clear_sources), ("run", "开始汇总", self.run),
                                ("open", "打开输出文件夹", self.open_output), ("trust", "登记证书…", self.add_trusted),
                                ("identity", "本单位签名证书…", self.manage_identity)):
            button = QPushButton(self.tr(text), objectName=f"{key}Button")
            button.clicked.connect(slot)
            self.buttons[key] = button
        bar.addWidget(self.buttons["trust"])
        bar.addWidget(self.buttons["identity"])
        self.sign_box = QCheckBox(self.tr("签发汇总工作簿和 PDF"), objectName="signConsolidation")
        # As in 报表报送, two rows fit the smallest window: the period, then the returns and the run.
        steps = QHBoxLayout()
        for widget in (self.buttons["folder"], self.buttons["files"], self.buttons["clear"], self.buttons["run"],
                       self.sign_box):
            steps.addWidget(widget)
        steps.addStretch(1)
        steps.addWidget(self.buttons["open"])
        layout.addLayout(bar)
        layout.addLayout(steps)
        self.sources_label = QLabel(objectName="hint")
        self.sources_label.setWordWrap(True)
        layout.addWidget(self.sources_label)

        # The returns above the certificates, each the page's full width: seven columns and a 说明
        # that wraps still fit the smallest window (1024 px).
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.receipt_model = ReceiptTableModel()
        self.receipt_label = QLabel(self.tr("各地报表"), objectName="sectionTitle")
        self.receipt_view = self._table(self.receipt_model, ReceiptTableModel.PROBLEMS, "receiptTable",
                                        self.tr("添加各地报表后点“开始汇总”，这里列出每份报表的核验结果。"))
        splitter.addWidget(self._titled(self.receipt_label, self.receipt_view))
        self.trust_model = TrustTableModel()
        self.trust_view = self._table(self.trust_model, TrustTableModel.SUBJECT, "trustTable",
                                      self.tr("尚未登记证书：点“登记证书…”登记各县（市、区）发来的证书。"))
        splitter.addWidget(self._titled(self.tr("已登记的证书"), self.trust_view))
        splitter.setSizes([500, 300])  # the returns, with their 说明, get the more room
        layout.addWidget(splitter, 1)
        ctx.ledgerChanged.connect(self.refresh)
        self.refresh()

    def _titled(self, title: str | QLabel, view: QTableView) -> QWidget:
        box = QWidget()
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.addWidget(title if isinstance(title, QLabel) else QLabel(title, objectName="sectionTitle"))
        box_layout.addWidget(view)
        return box

    def _table(self, model, stretch: int, name: str, empty: str) -> QTableView:
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(model)
        proxy.setSortRole(RawRole)
        view = table_view(proxy, stretch, name, word_wrap=True, empty=empty)
        view.setSortingEnabled(True)
        return view

    def period_id(self) -> str:
        return self.period_combo.period_id()

    def refresh(self) -> None:
        self.period_combo.reload()
        self.trust_model.set_rows(list_trusted(self.ctx.store))
        city = (office_profile(self.ctx.store).role or OfficeRole.COUNTY) == OfficeRole.CITY
        self.header.subtitle.setText(
            self.tr("核验各县（市、区）报表的签名，汇总、排名，生成汇总工作簿和 PDF。可把报表文件夹拖到此处。")
            if city else self.tr("本单位为县级。汇总供市级使用，可在“设置 → 本单位”改为市级。"))
        self._show_sources()

    # ---- sources -------------------------------------------------------------------------

    def _show_sources(self) -> None:
        names = "、".join(p.name for p in self.sources[:6]) + ("…" if len(self.sources) > 6 else "")
        self.sources_label.setText(self.tr("待汇总：%s") % names if self.sources
                                   else self.tr("尚未选择报表：点“添加文件夹…”，或把文件夹拖到此处。"))
        self.buttons["run"].setEnabled(bool(self.sources) and bool(self.trust_model.rows))

    def add_sources(self, paths: list[Path]) -> None:
        for path in paths:
            if path not in self.sources:
                self.sources.append(path)
        self._show_sources()

    def add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择报表文件夹"))
        if folder:
            self.add_sources([Path(folder)])

    def add_files(self) -> None:
        files, _filter = QFileDialog.getOpenFileNames(self, self.tr("选择报表"), "", self.tr("Excel 报表 (*.xlsx)"))
        self.add_sources([Path(f) for f in files])

    def clear_sources(self) -> None:
        self.sources = []
        self._show_sources()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        self.add_sources([Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()])
        event.acceptProposedAction()

    # ---- actions -------------------------------------------------------------------------

    def add_trusted(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, self.tr("选择县（市、区）的证书"), "",
                                                    self.tr("证书 (*.cer *.crt *.der *.pem)"))
        if not path:
            return
        try:  # the county the certificate names, for the clerk to confirm
            named = certificate_names(load_certificate(Path(path)))[1]
        except LedgerError as error:
            QMessageBox.warning(self, self.tr("未登记"), str(error))
            return
        county, ok = QInputDialog.getText(self, self.tr("登记证书"), self.tr("该证书属于哪个县（市、区）？"), text=named)
        if not ok:
            return
        try:
            register_certificate(self.ctx.store, Path(path), county)
        except LedgerError as error:
            QMessageBox.warning(self, self.tr("未登记"), str(error))
            return
        self.ctx.ledgerChanged.emit()

    def run(self) -> None:
        # the verifier and the writers load openpyxl, reportlab and pyHanko: slow, so only when run
        from exchange.consolidation.consolidate import consolidate_and_write

        store, period, sources, issued = self.ctx.store, self.period_id(), list(self.sources), self.ctx.as_of()
        passphrase = None
        if self.sign_box.isChecked():
            if not identity_ready(self, store):
                return
            passphrase = PassphraseDialog.get_passphrase(self, self.tr("用本单位签名证书签发汇总工作簿和 PDF。请输入签名私钥的口令："))
            if passphrase is None:
                return

        run_in_background(self, self.tr("正在核验并汇总各地报表…"),
                          lambda progress: consolidate_and_write(store, period, sources, output_folder(store), issued,
                                                                 passphrase, progress),
                          on_done=self._done)

    def _done(self, outcome) -> None:
        result, self.output_files = outcome.result, outcome.files
        self.receipt_model.set_rows(result.receipts)
        self.receipt_label.setText(self.tr("各地报表：计入 %1 个，共 %2 条").replace(
            "%1", str(len(result.counties))).replace("%2", str(len(result.receipts))))
        self.sources_label.setText(self.tr("已生成：%1（在 %2）").replace(
            "%1", "、".join(p.name for p in self.output_files)).replace("%2", str(output_folder(self.ctx.store))))

    def manage_identity(self) -> None:
        """The city's own key, to sign the consolidation: created or imported here."""
        manage_identity(self, self.ctx.store, can_export=False)
        self.refresh()

    def open_output(self) -> None:
        folder = output_folder(self.ctx.store)
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
