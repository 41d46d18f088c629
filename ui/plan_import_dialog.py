"""导入方案工作簿: the first rows of the table found, a role for each column (the user may change
any), then a check that lists the changes — or every unreadable cell — before anything is saved.

The dialog calls exchange.plans.plan_import only; the import itself is one transaction there.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QGridLayout, QGroupBox, QHeaderView, QLabel,
                               QPlainTextEdit, QPushButton, QTableView, QVBoxLayout, QWidget)

from exchange.plans.plan_import import ROLES, Layout, find_layout, import_plan_workbook, remember_roles, remembered_roles
from models.errors import LedgerError
from ui.context import AppContext
from ui.table_model import Index, RowsTableModel
from ui.workers import run_in_background


class PlanPreviewTableModel(RowsTableModel):
    """The first rows under the header, one column per sheet column, headed “A 序号 → 序号”."""

    def __init__(self, layout: Layout) -> None:
        super().__init__()
        self.layout = layout
        self.rows = layout.preview

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.layout.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(self.layout.header_row + section + 1)
        column = self.layout.columns[section]
        target = ROLES[column.role][0] if column.role else self.tr("（不导入）")
        return f"{column.letter} {column.header}\n→ {target}"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self.rows[index.row()]
        return row[index.column()] if index.column() < len(row) else ""

    def roles_changed(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(len(self.layout.columns) - 1, 0))


class PlanImportDialog(QDialog):
    def __init__(self, ctx: AppContext, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path = Path(path)
        self.checked = False
        self.roles_edited = False
        self.setWindowTitle(self.tr("导入方案工作簿"))
        self.resize(1100, 720)
        self.layout_found = find_layout(self.path, remembered_roles(ctx.store))
        main = QVBoxLayout(self)
        main.addWidget(QLabel(self.tr("文件：%1　工作表“%2”，表头在第 %3 行").replace("%1", self.path.name)
                              .replace("%2", self.layout_found.sheet).replace("%3", str(self.layout_found.header_row))))
        self.model = PlanPreviewTableModel(self.layout_found)
        self.preview = QTableView(objectName="planPreview")
        self.preview.setModel(self.model)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.preview.horizontalHeader().setDefaultSectionSize(120)
        self.preview.setWordWrap(True)
        main.addWidget(self.preview, 2)

        roles_box = QGroupBox(self.tr("各列的含义（未识别的列可在此指定，下次同样格式的文件会记住）"))
        grid = QGridLayout(roles_box)
        self.role_combos: list[QComboBox] = []
        for n, column in enumerate(self.layout_found.columns):
            combo = QComboBox(objectName=f"role_{column.letter}")
            combo.addItem(self.tr("（不导入）"), "")
            for role, (label, _words) in ROLES.items():
                combo.addItem(self.tr(label), role)
            combo.setCurrentIndex(max(combo.findData(column.role or ""), 0))
            combo.currentIndexChanged.connect(lambda _i, c=column, box=combo: self._set_role(c, box.currentData()))
            grid.addWidget(QLabel(f"{column.letter} {column.header[:10]}"), n // 4, (n % 4) * 2)
            grid.addWidget(combo, n // 4, (n % 4) * 2 + 1)
            self.role_combos.append(combo)
        main.addWidget(roles_box)

        self.report = QPlainTextEdit(objectName="importReport", readOnly=True)
        self.report.setPlaceholderText(self.tr("点“检查”查看将导入的任务和指标，以及与库中方案的差异。"))
        main.addWidget(self.report, 1)
        buttons = QDialogButtonBox()
        self.check_button = QPushButton(self.tr("检查"), objectName="checkButton")
        self.import_button = QPushButton(self.tr("导入"), objectName="importButton", enabled=False)
        buttons.addButton(self.check_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.check_button.clicked.connect(self.check)
        self.import_button.clicked.connect(self.run_import)
        buttons.rejected.connect(self.reject)
        main.addWidget(buttons)

    def _set_role(self, column, role: str) -> None:
        column.role = role or None
        self.roles_edited = True
        self.import_button.setEnabled(False)
        self.model.roles_changed()

    def check(self) -> None:
        """A dry run: what would change, or every cell that cannot be read."""
        try:
            data, diff = import_plan_workbook(self.ctx.store, self.path, self.layout_found, dry_run=True)
        except LedgerError as error:  # PlanImportError lists every unreadable cell
            self.report.setPlainText(str(error))
            self.import_button.setEnabled(False)
            return
        head = self.tr("方案：%1（%2），%3 项任务、%4 个指标").replace("%1", data["name"]).replace(
            "%2", data["code"]).replace("%3", str(len(data["tasks"]))).replace("%4", str(len(data["indicators"])))
        self.report.setPlainText("\n".join([head, *diff.lines()]))
        self.import_button.setEnabled(not diff.empty)

    def run_import(self) -> None:
        store, path, layout = self.ctx.store, self.path, self.layout_found
        if self.roles_edited:
            remember_roles(store, layout)
        run_in_background(self, self.tr("正在导入方案…"),
                          lambda _progress: import_plan_workbook(store, path, layout), on_done=self._imported,
                          cancellable=False)

    def _imported(self, _outcome) -> None:
        self.ctx.ledgerChanged.emit()
        self.accept()
