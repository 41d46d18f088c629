"""报表报送: pick the period, see what is missing, build and preview the PDF, review, sign with
the office key, open the files, and see every version of the period's return.

Building and signing run off the UI thread (ui.workers); the page only calls the domain
(models.returns, exchange.returns.returns_export, exchange.signing.identity) and shows the result.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, QUrl, Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QInputDialog,
                               QLabel, QMessageBox, QPushButton, QSplitter, QStackedWidget, QVBoxLayout, QWidget)

from exchange.returns.review import return_status, review_return
from exchange.signing.identity import office_identity
from models.enums import ReturnState
from models.errors import LedgerError
from models.returns import latest_return_of, submit_return, withdraw_return
from models.office_profile import office_profile
from ui.context import AppContext
from ui.period_chooser import PeriodChooser
from ui.returns.returns_dialogs import PassphraseDialog, identity_ready, manage_identity
from ui.returns.returns_models import ExplainGapCommand, GapTableModel, ReturnHistoryTableModel
from ui.widgets import page_layout, table_view
from ui.workers import run_in_background

ZOOM_STEP = 1.25  # 放大 / 缩小 by a quarter
ZOOM_LIMITS = (0.25, 4.0)


class ReturnsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.preview_path: Path | None = None
        self.preview_is_draft = False  # a draft preview is rebuilt when the data behind it changes
        self._rebuild = QTimer(self, singleShot=True, interval=400)  # one rebuild for a burst of changes
        self._rebuild.timeout.connect(self._rebuild_preview)
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
        gap_bar = QHBoxLayout()
        gap_bar.addWidget(self.gap_label, 1)
        self.buttons["reason"] = QPushButton(self.tr("为所选事项填写原因…"), objectName="reasonButton")
        self.buttons["reason"].clicked.connect(self.explain_selected)
        gap_bar.addWidget(self.buttons["reason"])
        left_layout.addLayout(gap_bar)
        self.gap_model = GapTableModel()
        self.gap_model.reasonEdited.connect(self._explain)
        self.gap_view = table_view(self.gap_model, GapTableModel.SUBJECT, "gapTable", word_wrap=True)
        self.gap_view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                      | QAbstractItemView.EditTrigger.EditKeyPressed
                                      | QAbstractItemView.EditTrigger.AnyKeyPressed)
        left_layout.addWidget(self.gap_view, 3)
        left_layout.addWidget(QLabel(self.tr("历次版本"), objectName="sectionTitle"))
        self.history_model = ReturnHistoryTableModel()
        # No column stretched: the reason for a withdrawal, last, wraps in a column of its own width,
        # widened when there is room.
        self.history_view = table_view(self.history_model, (), "historyTable", word_wrap=True)
        history_header = self.history_view.horizontalHeader()
        history_header.setSectionResizeMode(ReturnHistoryTableModel.NOTE, QHeaderView.ResizeMode.Interactive)
        history_header.resizeSection(ReturnHistoryTableModel.NOTE, 200)
        history_header.setStretchLastSection(True)
        self.history_view.doubleClicked.connect(self._open_history_row)
        left_layout.addWidget(self.history_view, 2)
        splitter.addWidget(left)
        self.lists = left
        splitter.addWidget(self._build_preview())
        splitter.setSizes([520, 640])
        layout.addWidget(splitter, 1)

        self.period_combo.currentIndexChanged.connect(self._period_changed)
        ctx.ledgerChanged.connect(self._ledger_changed)
        self.refresh()

    def _build_preview(self) -> QWidget:
        """The PDF preview under a zoom bar: fit to width, smaller, larger, and 只看预览, which gives
        the page the whole width so a table's small print can be read in the smallest window."""
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

        bar = QHBoxLayout()
        self.zoom_label = QLabel(objectName="hint")
        for key, text, tip, slot in (
                ("fit", "适合宽度", "页面随预览区宽度缩放", self._fit_width),
                ("zoom_out", "缩小", "", lambda: self._zoom_by(1 / ZOOM_STEP)),
                ("zoom_in", "放大", "", lambda: self._zoom_by(ZOOM_STEP)),
                ("preview_only", "只看预览", "隐藏左侧的缺报事项和历次版本，预览占满宽度", None)):
            button = QPushButton(self.tr(text), objectName=f"{key}Button", toolTip=self.tr(tip))
            button.setCheckable(key in ("fit", "preview_only"))
            if slot is None:
                button.toggled.connect(lambda on: self.lists.setVisible(not on))
            else:
                button.clicked.connect(slot)
            self.buttons[key] = button
        for key in ("fit", "zoom_out", "zoom_in"):
            bar.addWidget(self.buttons[key])
        bar.addWidget(self.zoom_label, 1)
        bar.addWidget(self.buttons["preview_only"])
        self.pdf_view.zoomFactorChanged.connect(self._show_zoom)
        self.pdf_view.zoomModeChanged.connect(self._show_zoom)
        self._show_zoom()

        box = QWidget()
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.addLayout(bar)
        box_layout.addWidget(self.preview_stack, 1)
        return box

    def page_scale(self) -> float:
        """How large the preview draws the page, 1.0 being its printed size on this screen."""
        view = self.pdf_view
        if view.zoomMode() is QPdfView.ZoomMode.Custom or self.pdf.pageCount() == 0:
            return view.zoomFactor()
        margins = view.documentMargins()
        printed = self.pdf.pagePointSize(0).width() * view.logicalDpiX() / 72
        return (view.viewport().width() - margins.left() - margins.right()) / printed

    def _zoom_by(self, step: float) -> None:
        scale = min(max(self.page_scale() * step, ZOOM_LIMITS[0]), ZOOM_LIMITS[1])
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.pdf_view.setZoomFactor(scale)

    def _fit_width(self) -> None:
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._show_zoom()  # a click on the checked button would uncheck it

    def _show_zoom(self, *_args) -> None:
        fit = self.pdf_view.zoomMode() is QPdfView.ZoomMode.FitToWidth
        self.zoom_label.setText("" if fit else f"{self.pdf_view.zoomFactor():.0%}")
        self.buttons["fit"].setChecked(fit)

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
        self.preview_path, self.preview_is_draft = None, False
        self._load_period()

    def _ledger_changed(self) -> None:
        self.refresh()
        if self.preview_is_draft:  # a reason, a review, the office's name: the draft shows them
            self._rebuild.start()

    def _rebuild_preview(self) -> None:
        if not self.isVisible():
            self._rebuild.start()  # once the page is shown again
        elif self.preview_is_draft:
            self.build_preview()

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
        self.buttons["reason"].setEnabled(not locked and bool(gaps))

    def _explain(self, row: int, reason: str) -> None:
        self._explain_gaps([self.gap_model.rows[row]], reason)

    def explain_selected(self) -> None:
        """One reason for every selected gap: one step of 编辑 → 撤销."""
        gaps = [self.gap_model.rows[i.row()] for i in self.gap_view.selectionModel().selectedRows()]
        if not gaps:
            QMessageBox.information(self, self.tr("填写原因"), self.tr("请先在缺报事项中选择一项或多项（按住 Ctrl 或 Shift）。"))
            return
        reason, ok = QInputDialog.getText(self, self.tr("填写原因"),
                                          self.tr("所选 %1 项缺报事项的原因：").replace("%1", str(len(gaps))),
                                          text=gaps[0].reason)
        if ok and reason.strip():
            self._explain_gaps(gaps, reason.strip())

    def _explain_gaps(self, gaps, reason: str) -> None:
        stack = self.ctx.undo_stack
        stack.beginMacro(self.tr("缺报说明 %1 项").replace("%1", str(len(gaps))))
        try:
            for gap in gaps:
                stack.push(ExplainGapCommand(self.ctx.store, gap, reason, self.ctx.ledgerChanged.emit))
        except LedgerError as error:
            QMessageBox.warning(self, self.tr("未保存"), str(error))
        finally:
            stack.endMacro()

    # ---- actions -------------------------------------------------------------------------

    def build_preview(self) -> None:
        # reportlab and openpyxl are slow to import: the exporters load when a return is first made
        from exchange.returns.returns_export import export_return, returns_folder

        store, pid, as_of = self.ctx.store, self.period_id(), self.ctx.as_of()
        folder = returns_folder(store) / "preview"
        run_in_background(self, self.tr("正在生成报表…"),
                          lambda progress: export_return(store, pid, folder, as_of, None, progress),
                          on_done=lambda result: self._show_pdf(result.pdf, draft=True))

    def _show_pdf(self, path: Path, draft: bool = False) -> None:
        self.preview_path, self.preview_is_draft = Path(path), draft
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

        if not identity_ready(self, self.ctx.store):
            return
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

    def manage_identity(self) -> None:
        manage_identity(self, self.ctx.store)
        self.refresh()
