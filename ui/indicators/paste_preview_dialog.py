"""The preview shown before a pasted block is written: which cells change, which are refused
and why, which values are far from the indicator's history and need confirming."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableView, QVBoxLayout,
)

from models.indicator_values import BlockPreview, CellCheck
from ui.table_model import Index, RowsTableModel


class PastePreviewTableModel(RowsTableModel):
    """Its texts are made once, when the preview is: a 1,000-cell block is not formatted again
    at every paint."""

    COL_WHERE, COL_CELL, COL_OLD, COL_NEW, COL_RESULT = range(5)
    HEADERS = ["位置", "指标与期次", "原值", "新值", "结果"]
    rows: list[CellCheck]

    def __init__(self, preview: BlockPreview, parent=None) -> None:
        super().__init__(parent)
        # Refused first, then outliers, then plain changes; unchanged cells are not listed.
        outliers = {id(c) for c in preview.outliers}
        self.rows = preview.refused + preview.outliers + [c for c in preview.changes if id(c) not in outliers]
        refused_colour, outlier_colour = QBrush(QColor("#b42318")), QBrush(QColor("#b45309"))
        self._texts: list[tuple[str, ...]] = []
        self._colours: list[QBrush | None] = []
        for check in self.rows:
            if check.error:
                result, colour = self.tr("不接受：%s") % check.error, refused_colour
            elif id(check) in outliers:
                result, colour = self.tr("异常值，需确认"), outlier_colour
            else:
                result, colour = self.tr("将写入"), None
            self._texts.append((check.edit.where, check.label, check.shown(check.old.value) if check.old.exists else "",
                                check.edit.text if check.error else check.shown(check.value), result))
            self._colours.append(colour)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[index.row()][index.column()]
        if index.column() != self.COL_RESULT:
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._colours[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.rows[index.row()].error or None
        return None


class PastePreviewDialog(QDialog):
    """Accepting writes the accepted cells as one undoable step; refused cells stay as they are."""

    def __init__(self, preview: BlockPreview, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("粘贴预览"))
        self.resize(960, 460)
        self.preview = preview
        layout = QVBoxLayout(self)
        changes, refused, outliers = len(preview.changes), len(preview.refused), len(preview.outliers)
        summary = self.tr("将写入 %d 个数值") % changes
        if refused:
            summary += self.tr("；%d 个单元格不能接受，保持原样") % refused
        unchanged = len(preview.checks) - changes - refused
        if unchanged:
            summary += self.tr("；%d 个与台账相同") % unchanged
        self.summary = QLabel(summary + self.tr("。"))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        self.model = PastePreviewTableModel(preview, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(30)  # a 1,000-cell paste must not measure every row
        header.setSectionResizeMode(PastePreviewTableModel.COL_CELL, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(PastePreviewTableModel.COL_CELL, 300)
        header.setStretchLastSection(True)  # the reason gets the room left
        layout.addWidget(self.table, 1)

        self.confirm = QCheckBox(self.tr("已核对：%d 个数值远离该指标以往的数据，确认无误") % outliers)
        self.confirm.setVisible(bool(outliers))
        layout.addWidget(self.confirm)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.apply_button.setText(self.tr("写入 %d 个数值") % changes)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.confirm.toggled.connect(self._update_button)
        self._update_button()

    def _update_button(self) -> None:
        ready = bool(self.preview.changes) and (not self.preview.outliers or self.confirm.isChecked())
        self.apply_button.setEnabled(ready)
