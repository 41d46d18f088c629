"""报送收集: send every responsible unit its form for the period, drop the returned files on the
page, review the differences against the ledger and accept them per unit or per cell, see who
is late and print their reminders (提示单).

Sending, reading and the reminders run off the UI thread (ui.workers); accepting is one undoable
step (ui.collection.collection_commands). The page calls exchange.collection and models.collection
only, and shows what they return.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QDragEnterEvent, QDropEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QComboBox, QDateEdit, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QMessageBox, QPushButton,
                               QSplitter, QTreeView, QVBoxLayout, QWidget)

from models.collection import (CONFLICT, REFUSED, USABLE, FormReview, OutliersToConfirm, ReceivedForm, UnitStatus,
                               collection_periods, unit_statuses)
from models.errors import LedgerError
from ui.collection.collection_commands import AcceptAnswersCommand
from ui.context import AppContext
from ui.table_model import Index, RawRole, RowsTableModel
from ui.widgets import compact_combo, page_layout, table_view
from ui.workers import run_in_background

KeyRole = Qt.ItemDataRole.UserRole + 2  # (file, answer key) of an answer row
EndRole = Qt.ItemDataRole.UserRole + 3  # a period's last day, in the period box


def collection_folder(store) -> Path:
    """Where the page puts the forms and reminders: beside the store, per period."""
    return store.folder / f"{store.path.stem}.files" / "collection"


class UnitStatusTableModel(RowsTableModel):
    UNIT, STATE, DUE, RECEIVED, CHANGES, LAGGING = range(6)
    HEADERS = ("单位", "状态", "报送截止", "已收到的文件", "改动", "滞后任务")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        s: UnitStatus = self.rows[index.row()]
        values = [s.unit, s.state, s.due.isoformat() if s.due else "",
                  s.received_file + (f"（另有较早的 {len(s.earlier_files)} 份）" if s.earlier_files else ""),
                  len(s.changes), len(s.lagging)]
        if role in (Qt.ItemDataRole.DisplayRole, RawRole):
            return values[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == self.CHANGES:
            return "\n".join(s.changes[:30]) or None
        if role == Qt.ItemDataRole.ForegroundRole and s.late:
            return QColor("#C0392B")
        return None


class CollectionPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.received: list[ReceivedForm] = []
        self.reviews: list[FormReview] = []
        self.setAcceptDrops(True)
        layout, self.header = page_layout(self, self.tr("报送收集"))
        self.header.subtitle.setText(self.tr("向各责任单位分发本期填报表，回收后与台账比对、确认写入；逾期未报的单位可打印提示单。"
                                             "可把发回的文件或文件夹拖到此处。"))

        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("期次")))
        self.period_combo = compact_combo(QComboBox(objectName="collectionPeriod"), 22)
        self.period_combo.setMinimumWidth(260)  # a whole label, as in 报表报送
        self.period_combo.currentIndexChanged.connect(self._period_changed)
        bar.addWidget(self.period_combo)
        bar.addWidget(QLabel(self.tr("报送截止")))
        self.due_edit = QDateEdit(objectName="collectionDue", calendarPopup=True, displayFormat="yyyy-MM-dd")
        bar.addWidget(self.due_edit)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (("send", "分发填报表…", self.send), ("files", "添加文件…", self.add_files),
                                ("folder", "添加文件夹…", self.add_folder), ("accept", "接受所选", self.accept),
                                ("notices", "生成提示单", self.notices), ("open", "打开文件夹", self.open_folder)):
            button = QPushButton(self.tr(text), objectName=f"{key}Button")
            button.clicked.connect(slot)
            self.buttons[key] = button
        bar.addWidget(self.buttons["send"])
        bar.addStretch(1)
        bar.addWidget(self.buttons["notices"])
        bar.addWidget(self.buttons["open"])
        steps = QHBoxLayout()
        for key in ("files", "folder", "accept"):
            steps.addWidget(self.buttons[key])
        self.review_label = QLabel(objectName="hint")
        self.review_label.setWordWrap(True)
        steps.addWidget(self.review_label, 1)
        layout.addLayout(bar)
        layout.addLayout(steps)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.status_model = UnitStatusTableModel(self)
        self.status_view = table_view(self.status_model, UnitStatusTableModel.RECEIVED, "collectionStatus")
        splitter.addWidget(self._titled(self.tr("各单位报送情况"), self.status_view))
        self.review_model = QStandardItemModel(self)
        self.review_model.setHorizontalHeaderLabels([self.tr(h) for h in ("单位 / 事项", "差异", "单元格", "台账现有", "单位填报", "说明")])
        self.review_view = QTreeView(objectName="collectionReview")
        self.review_view.setModel(self.review_model)
        self.review_view.setAlternatingRowColors(True)
        self.review_view.setWordWrap(True)
        # What the ledger holds and what the unit typed share the width left by the item, the kind
        # of change and the cell, so both are in sight side by side at the smallest window (1024 px).
        review_header = self.review_view.header()
        review_header.setStretchLastSection(False)
        review_header.resizeSection(0, 300)
        for column, mode in ((1, QHeaderView.ResizeMode.ResizeToContents), (2, QHeaderView.ResizeMode.ResizeToContents),
                             (3, QHeaderView.ResizeMode.Stretch), (4, QHeaderView.ResizeMode.Stretch),
                             (5, QHeaderView.ResizeMode.ResizeToContents)):
            review_header.setSectionResizeMode(column, mode)
        splitter.addWidget(self._titled(self.tr("回收的填报表与台账的差异（勾选要写入的内容）"), self.review_view))
        splitter.setSizes([260, 420])
        layout.addWidget(splitter, 1)
        ctx.ledgerChanged.connect(self.refresh)
        self.refresh()

    def _titled(self, title: str, view: QWidget) -> QWidget:
        box = QWidget()
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.addWidget(QLabel(title, objectName="sectionTitle"))
        box_layout.addWidget(view)
        return box

    def period_id(self) -> str:
        return self.period_combo.currentData() or ""

    def refresh(self) -> None:
        periods, current = collection_periods(self.ctx.store, self.ctx.as_of())
        if [self.period_combo.itemData(i) for i in range(self.period_combo.count())] != [p.id for p in periods]:
            self.period_combo.blockSignals(True)
            self.period_combo.clear()
            for p in periods:
                self.period_combo.addItem(p.label, p.id)
                self.period_combo.setItemData(self.period_combo.count() - 1, p.end, EndRole)
            self.period_combo.setCurrentIndex(max(self.period_combo.findData(current), 0))
            self.period_combo.blockSignals(False)
            self._period_changed()
        self._show_status()

    def _period_changed(self) -> None:
        """A period's forms are due by its last day unless the clerk picks another date."""
        end = self.period_combo.currentData(EndRole) or self.ctx.as_of()
        self.due_edit.setDate(QDate(end.year, end.month, end.day))
        self._show_status()

    def _show_status(self) -> None:
        if self.period_id():
            self.status_model.set_rows(unit_statuses(self.ctx.store, self.period_id(), self.ctx.as_of()))

    def due(self) -> date:
        return self.due_edit.date().toPython()

    # ---- 分发 ------------------------------------------------------------------------------

    def send(self) -> None:
        from exchange.collection.form_writer import send_forms  # openpyxl is slow to import: only when sending

        folder = QFileDialog.getExistingDirectory(self, self.tr("选择存放填报表的文件夹"),
                                                  str(collection_folder(self.ctx.store)))
        if not folder:
            return
        store, period, as_of, due = self.ctx.store, self.period_id(), self.ctx.as_of(), self.due()
        run_in_background(self, self.tr("正在生成各单位的填报表…"),
                          lambda progress: send_forms(store, period, Path(folder), as_of, due, progress),
                          on_done=self._sent)

    def _sent(self, sent) -> None:
        self.review_label.setText(self.tr("已为 %1 个单位生成填报表：%2").replace("%1", str(len(sent.files)))
                                  .replace("%2", str(sent.files[0].parent)))
        self._show_status()

    # ---- 回收 ------------------------------------------------------------------------------

    def add_files(self) -> None:
        files, _filter = QFileDialog.getOpenFileNames(self, self.tr("选择发回的填报表"), "", self.tr("Excel 工作簿 (*.xlsx)"))
        if files:
            self.review([Path(f) for f in files])

    def add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择发回的填报表所在文件夹"))
        if folder:
            self.review([Path(folder)])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        event.acceptProposedAction()
        if paths:
            self.review(paths)

    def review(self, paths: list[Path]) -> None:
        """Read the files and show their differences against the ledger (nothing is written)."""
        from exchange.collection.form_reader import review_files  # loads openpyxl (slow): only when reading

        store, as_of = self.ctx.store, self.ctx.as_of()
        run_in_background(self, self.tr("正在读取并比对填报表…"),
                          lambda progress: review_files(store, paths, as_of, progress), on_done=self._reviewed)

    def _reviewed(self, outcome: tuple[list[ReceivedForm], list[FormReview]]) -> None:
        self.received, self.reviews = outcome
        self._show_reviews()

    def _show_reviews(self) -> None:
        model = self.review_model
        model.removeRows(0, model.rowCount())
        for review in self.reviews:
            parent = QStandardItem(f"{review.unit or '（不明）'}　{review.name}")
            parent.setEditable(False)
            row = [parent] + [self._cell(text) for text in (review.state, "", "", "", review.message)]
            usable = review.acceptable
            if usable:
                parent.setCheckable(True)
                parent.setAutoTristate(True)
            for answer in review.answers:
                child = QStandardItem(answer.subject)
                child.setEditable(False)
                if answer.state != REFUSED and review.state == USABLE:
                    child.setCheckable(True)
                    # A conflict keeps the clerk's entry unless ticked on purpose.
                    child.setCheckState(Qt.CheckState.Unchecked if answer.state == CONFLICT else Qt.CheckState.Checked)
                    child.setData((review.ref, answer.key), KeyRole)
                parent.appendRow([child] + [self._cell(t) for t in (answer.state, answer.where, answer.ledger,
                                                                     answer.answer, answer.error)])
            model.appendRow(row)
            if usable:
                self._sync_parent(parent)
        self.review_view.expandAll()
        answers = sum(len(r.answers) for r in self.reviews)
        refused = sum(r.state != USABLE for r in self.reviews)
        self.review_label.setText(self.tr("收到 %1 份文件（%2 份未采用），差异 %3 处。").replace("%1", str(len(self.reviews)))
                                  .replace("%2", str(refused)).replace("%3", str(answers)))
        self.buttons["accept"].setEnabled(bool(self.accepted()))

    @staticmethod
    def _cell(text: str) -> QStandardItem:
        item = QStandardItem(text)
        item.setEditable(False)
        item.setToolTip(text)  # the columns share the width: a long text is cut, whole in its tooltip
        return item

    @staticmethod
    def _sync_parent(parent: QStandardItem) -> None:
        states = {parent.child(r).checkState() for r in range(parent.rowCount()) if parent.child(r).isCheckable()}
        parent.setCheckState(states.pop() if len(states) == 1 else Qt.CheckState.PartiallyChecked)

    def accepted(self) -> set[tuple[str, str]]:
        chosen = set()
        for r in range(self.review_model.rowCount()):
            parent = self.review_model.item(r)
            for c in range(parent.rowCount()):
                child = parent.child(c)
                if child.isCheckable() and child.checkState() == Qt.CheckState.Checked:
                    chosen.add(child.data(KeyRole))
        return chosen

    def accept(self, confirm_outliers: bool = False) -> None:
        """Write the ticked answers as one undoable step."""
        command = AcceptAnswersCommand(self.ctx.store, self.received, self.ctx.as_of(), self.accepted(),
                                       confirm_outliers, self._changed)
        try:
            self.ctx.undo_stack.push(command)
        except OutliersToConfirm as error:
            answer = QMessageBox.question(self, self.tr("请核对数值"), str(error) + self.tr("\n\n确认无误并写入？"))
            if answer == QMessageBox.StandardButton.Yes:
                self.accept(confirm_outliers=True)
            return
        except LedgerError as error:
            QMessageBox.warning(self, self.tr("未写入"), str(error))
            return
        self.received, self.reviews = [], []
        self._show_reviews()
        self.review_label.setText(self.tr("已写入 %1 项（编辑 → 撤销 可全部撤回）。").replace("%1", str(command.result.written)))

    def _changed(self) -> None:
        self.ctx.ledgerChanged.emit()

    # ---- 催报 ------------------------------------------------------------------------------

    def notices(self) -> None:
        from exchange.collection.reminder_pdf import write_notices  # reportlab is slow to import: only when printing

        store, period, as_of = self.ctx.store, self.period_id(), self.ctx.as_of()
        folder = collection_folder(store) / period
        run_in_background(self, self.tr("正在生成提示单…"),
                          lambda _progress: write_notices(store, period, folder, as_of), on_done=self._noticed)

    def _noticed(self, files: list[Path]) -> None:
        self.review_label.setText(self.tr("已生成 %1 份提示单：%2").replace("%1", str(len(files)))
                                  .replace("%2", str(files[0].parent) if files else self.tr("没有逾期或滞后的单位")))

    def open_folder(self) -> None:
        folder = collection_folder(self.ctx.store)
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
