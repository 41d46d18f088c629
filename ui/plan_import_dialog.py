"""导入方案工作簿: the table found, a role for each column (the user may change any), then a check
that lists the changes and the doubtful cells (warnings) — or the rows that mean nothing — before
anything is saved. A cell's value may be corrected in the preview; the import reads the corrected
value (the workbook itself is not changed).

The dialog calls exchange.plans.plan_import only; the import itself is one transaction there.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QComboBox, QDialog, QGridLayout, QGroupBox, QHeaderView, QLabel,
                               QListWidget, QListWidgetItem, QPlainTextEdit, QTableView, QVBoxLayout,
                               QWidget)

from exchange.plans.plan_import import (ROLES, CellNote, Layout, Overrides, find_layout, import_plan_workbook,
                                        remember_roles, remembered_roles, table_rows)
from models.errors import LedgerError
from ui.context import AppContext
from ui.table_model import Index, RowsTableModel
from ui.widgets import check_then_apply_buttons
from ui.workers import run_in_background


class PlanPreviewTableModel(RowsTableModel):
    """The rows under the header, one column per sheet column, headed “A 序号 → 序号”; a cell the
    user corrects is kept in ``overrides`` and shown in bold."""

    def __init__(self, layout: Layout) -> None:
        super().__init__()
        self.layout = layout
        self.rows = table_rows(layout)  # (sheet row, cell texts)
        self.overrides: Overrides = {}

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.layout.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(self.rows[section][0])
        column = self.layout.columns[section]
        target = ROLES[column.role][0] if column.role else self.tr("（不导入）")
        return f"{column.letter} {column.header}\n→ {target}"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        number, texts = self.rows[index.row()]
        key = (number, index.column())
        if role == Qt.ItemDataRole.FontRole and key in self.overrides:
            font = QFont()
            font.setBold(True)
            return font
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.EditRole):
            return None
        if key in self.overrides:
            return self.overrides[key]
        return texts[index.column()] if index.column() < len(texts) else ""

    def flags(self, index: Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole:
            return False
        number, texts = self.rows[index.row()]
        original = texts[index.column()] if index.column() < len(texts) else ""
        key = (number, index.column())
        if str(value) == original:
            self.overrides.pop(key, None)
        else:
            self.overrides[key] = str(value)
        self.dataChanged.emit(index, index)
        return True

    def index_of(self, row: int, column: int) -> QModelIndex:
        """The preview cell of a sheet row and column."""
        place = next((n for n, (number, _texts) in enumerate(self.rows) if number == row), -1)
        return self.index(place, column) if place >= 0 else QModelIndex()

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
        self.model.dataChanged.connect(lambda *_: self.import_button.setEnabled(False))
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

        self.warnings = QListWidget(objectName="importWarnings")
        self.warnings.setToolTip(self.tr("双击一条警告，转到那个单元格修改它的值，然后再点“检查”"))
        self.warnings.itemActivated.connect(self._go_to_cell)
        self.warnings.hide()
        main.addWidget(self.warnings, 1)
        self.report = QPlainTextEdit(objectName="importReport", readOnly=True)
        self.report.setPlaceholderText(self.tr("点“检查”查看将导入的任务和指标，以及与库中方案的差异。"))
        main.addWidget(self.report, 1)
        buttons, self.check_button, self.import_button = check_then_apply_buttons(
            self, (self.tr("检查"), "checkButton"), (self.tr("导入"), "importButton"), self.check, self.run_import)
        main.addWidget(buttons)

    def _set_role(self, column, role: str) -> None:
        column.role = role or None
        self.roles_edited = True
        self.import_button.setEnabled(False)
        self.model.roles_changed()

    def check(self) -> None:
        """A dry run: what would change and what is in doubt, or every row that cannot be read."""
        self.warnings.clear()
        self.warnings.hide()
        try:
            data, diff = import_plan_workbook(self.ctx.store, self.path, self.layout_found, dry_run=True,
                                              overrides=self.model.overrides)
        except LedgerError as error:  # PlanImportError lists every row that means nothing
            self.report.setPlainText(str(error))
            self.import_button.setEnabled(False)
            return
        head = self.tr("方案：%1（%2年，%3），%4 项任务、%5 个指标").replace("%1", data["name"]).replace(
            "%2", str(data["year"])).replace("%3", data["code"]).replace("%4", str(len(data["tasks"]))).replace(
            "%5", str(len(data["indicators"])))
        lines = [head, *diff.lines()]
        if data["warnings"]:
            lines.insert(1, self.tr("有 %1 处存疑（见上方警告，可在表中改正后再检查；不改也可导入）：")
                         .replace("%1", str(len(data["warnings"]))))
            for note in data["warnings"]:
                item = QListWidgetItem(self.tr("警告：") + str(note))
                item.setData(Qt.ItemDataRole.UserRole, note)
                self.warnings.addItem(item)
            self.warnings.show()
        self.report.setPlainText("\n".join(lines))
        self.import_button.setEnabled(not diff.empty)

    def _go_to_cell(self, item: QListWidgetItem) -> None:
        note: CellNote = item.data(Qt.ItemDataRole.UserRole)
        index = self.model.index_of(note.row, note.column if note.column is not None else 0)
        if index.isValid():
            self.preview.setCurrentIndex(index)
            self.preview.scrollTo(index)
            if note.column is not None:
                self.preview.edit(index)

    def run_import(self) -> None:
        store, path, layout, overrides = self.ctx.store, self.path, self.layout_found, dict(self.model.overrides)
        if self.roles_edited:
            remember_roles(store, layout)
        run_in_background(self, self.tr("正在导入方案…"),
                          lambda _progress: import_plan_workbook(store, path, layout, overrides=overrides),
                          on_done=self._imported, cancellable=False)

    def _imported(self, _outcome) -> None:
        self.ctx.ledgerChanged.emit()
        self.accept()
