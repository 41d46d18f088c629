"""指标填报: the indicator grid with Excel-like editing, paste preview, copy out, and the side
panel. Every write goes through SetIndicatorValuesCommand, so it is one undoable step."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QPaintEvent, QRegion
from PySide6.QtWidgets import (
    QAbstractItemDelegate, QAbstractItemView, QComboBox, QDialog, QFileDialog, QFrame, QHBoxLayout, QLabel, QLineEdit,
    QMessageBox, QPushButton, QScrollArea, QSplitter, QTableView, QWidget,
)

from exchange.common.tsv import read_tsv, write_tsv
from models.enums import IndicatorStatus, PeriodType
from models.errors import LedgerError
from models.indicator_values import (
    BlockPreview, CellCheck, CellEdit, IndicatorGrid, IndicatorRow, OutlierError, ValueState, indicator_grid,
    indicator_grid_rows, preview_block, value_history,
)
from models.ledger import Period
from models.settings import working_date
from ui.context import AppContext
from ui.indicators.indicator_commands import SetIndicatorValuesCommand
from ui.indicators.indicator_definition_dialog import IndicatorDefinitionDialog
from ui.indicators.indicator_detail_panel import IndicatorDetailPanel
from ui.indicators.indicator_table_model import IndicatorFilterProxyModel, IndicatorTableModel
from ui.indicators.paste_preview_dialog import PastePreviewDialog
from ui.indicators.value_delegate import CheckedValueDelegate
from ui.widgets import page_layout
from ui.workers import PageReads, run_in_background


PERIOD_ROOM = 200  # px of period columns kept beside the frozen ones (three periods)
# Asks the page to read the side panel's history. Posted at low priority, as Qt posts a widget's
# repaint: handled after the grid's paint posted before it, so the grid is painted first.
PANEL_DUE = QEvent.Type(QEvent.registerEventType())


class IndicatorGridView(QTableView):
    """A table that behaves like a spreadsheet: typing replaces, Enter commits and moves down,
    Tab moves right, Delete clears, Ctrl+C / Ctrl+V copy and paste blocks. The first
    ``fixed_columns`` stay in place while the periods scroll (a second view laid over them,
    sharing model and selection, as in Qt's frozen-column example); in a narrow window the
    ``optional_columns`` are hidden, in that order, until a few periods fit beside the rest, so
    completion and status stay in sight."""

    copyRequested = Signal()
    pasteRequested = Signal()
    clearRequested = Signal()
    editorClosed = Signal()

    def __init__(self, fixed_columns: int, optional_columns: tuple[int, ...] = (), parent=None) -> None:
        super().__init__(parent)
        self.fixed_columns = fixed_columns
        self.optional_columns = optional_columns
        self.narrowed: tuple[int, ...] = ()  # the optional columns hidden now, see _place_frozen
        self._sizing = False  # in set_column_widths
        self._hidden_widths: dict[int, int] = {}
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.frozen = QTableView(self)
        for view in (self, self.frozen):
            view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
            view.setAlternatingRowColors(True)
            view.setSortingEnabled(True)
            view.setWordWrap(False)
            view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
            view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
            view.verticalHeader().setDefaultSectionSize(26)
            view.verticalHeader().hide()
            view.horizontalHeader().setHighlightSections(False)
        self.setTabKeyNavigation(True)
        self.frozen.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.frozen.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.frozen.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.setObjectName("frozenColumns")
        self.viewport().stackUnder(self.frozen)
        self.horizontalHeader().sectionResized.connect(self._section_resized)
        self.frozen.horizontalHeader().sectionResized.connect(
            lambda column, _old, width: column < self.fixed_columns and self.setColumnWidth(column, width))
        self.frozen.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.verticalScrollBar().valueChanged.connect(self.frozen.verticalScrollBar().setValue)

    def setModel(self, model) -> None:
        super().setModel(model)
        self.frozen.setModel(model)
        self.frozen.setSelectionModel(self.selectionModel())
        for signal in (model.modelReset, model.layoutChanged, model.columnsInserted, model.columnsRemoved):
            signal.connect(self._sync_columns)
        self._sync_columns()

    def _sync_columns(self) -> None:
        for column in range(self.model().columnCount()):
            self.frozen.setColumnHidden(column, column >= self.fixed_columns or column in self.narrowed)
            if column < self.fixed_columns:
                self.frozen.setColumnWidth(column, self.columnWidth(column))
        self._place_frozen()

    def _section_resized(self, column: int, _old: int, width: int) -> None:
        if column < self.fixed_columns:
            self.frozen.setColumnWidth(column, width)
            if not self._sizing:
                self._place_frozen()

    def set_column_widths(self, default: int, widths: dict[int, int]) -> None:
        """The width of every column, then of several columns: the frozen view is placed once,
        after them (not once per fixed column resized)."""
        self._sizing = True
        try:
            self.horizontalHeader().setDefaultSectionSize(default)
            for column, width in widths.items():
                self.horizontalHeader().resizeSection(column, width)
        finally:
            self._sizing = False
        self._place_frozen()

    def frozen_width(self) -> int:
        return sum(self.columnWidth(c) for c in range(self.fixed_columns) if c not in self.narrowed)

    def _place_frozen(self) -> None:
        # Hide optional columns until a few periods fit beside the fixed ones.
        room = self.viewport().width() - PERIOD_ROOM
        header = self.horizontalHeader()
        widths = {c: self._hidden_widths[c] if c in self.narrowed else header.sectionSize(c)
                  for c in range(self.fixed_columns)}  # a hidden section reports no width
        width, narrowed = sum(widths.values()), []
        for column in self.optional_columns:
            if width <= room:
                break
            narrowed.append(column)
            width -= widths[column]
        if tuple(narrowed) != self.narrowed and self.model() is not None:
            for column in self.optional_columns:
                if column in narrowed and column not in self.narrowed:
                    self._hidden_widths[column] = widths[column]
                self.setColumnHidden(column, column in narrowed)
                self.frozen.setColumnHidden(column, column in narrowed)
            self.narrowed = tuple(narrowed)
        self.frozen.setGeometry(self.frameWidth(), self.frameWidth(), self.frozen_width(),
                                self.viewport().height() + self.horizontalHeader().height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_frozen()

    def paintEvent(self, event: QPaintEvent) -> None:
        # The frozen view covers the fixed columns: cells under it are not painted a second time.
        covered = QRegion(0, 0, self.frozen_width(), self.viewport().height())
        region = event.region().subtracted(covered)
        if not region.isEmpty():
            super().paintEvent(QPaintEvent(region))

    def _unhide(self, index: QModelIndex) -> None:
        """Scroll a period cell out from under the frozen columns."""
        left = self.visualRect(index).x()
        if index.column() >= self.fixed_columns and left < self.frozen_width():
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + left - self.frozen_width())

    def moveCursor(self, action, modifiers) -> QModelIndex:
        current = super().moveCursor(action, modifiers)
        self._unhide(current)
        return current

    def scrollTo(self, index, hint=QAbstractItemView.ScrollHint.EnsureVisible) -> None:
        if index.column() >= self.fixed_columns:
            super().scrollTo(index, hint)
            self._unhide(index)

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copyRequested.emit()
        elif event.matches(QKeySequence.StandardKey.Paste):
            self.pasteRequested.emit()
        elif event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.state() != self.State.EditingState:
            self.clearRequested.emit()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.state() != self.State.EditingState:
            self._move_down()
        else:
            super().keyPressEvent(event)

    def closeEditor(self, editor, hint) -> None:
        # Enter in an editor: commit, then go to the cell below, as a spreadsheet does.
        move_down = hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint if move_down else hint)
        if move_down:
            self._move_down()
        self.editorClosed.emit()

    def _move_down(self) -> None:
        current = self.currentIndex()
        below = current.siblingAtRow(current.row() + 1)
        if below.isValid():
            self.selectionModel().setCurrentIndex(below, QItemSelectionModel.SelectionFlag.ClearAndSelect)


class IndicatorsPage(QWidget):
    loaded = Signal()  # the rows asked for are shown

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.has_plan = False
        self.year = 0
        self.plan_name = ""
        self._refreshing = False
        self.periods_by_id: dict[str, Period] = {}
        self._shown_indicator: int | None = None
        self.reads = PageReads(self)
        self.reads.loaded.connect(self.loaded)
        self.panel_reads = PageReads(self)  # the side panel's: the current indicator's history
        self._panel_row: IndicatorRow | None = None  # the row whose history the panel is to show
        self._panel_due = False  # a PANEL_DUE event is posted
        self._wanted: set[int] | None = None  # the indicators the read under way is for; None: all
        self._stale = False  # rows arrived while a cell was being edited: read again after it

        layout, self.header = page_layout(self, self.tr("指标填报"))

        bar = QHBoxLayout()
        self.search = QLineEdit(placeholderText=self.tr("搜索指标、任务、领域…"), clearButtonEnabled=True)
        self.search.setMinimumWidth(150)
        self.search.setMaximumWidth(260)
        self.type_filter = QComboBox()
        self.add_button = QPushButton(self.tr("新增县级指标…"))
        self.edit_button = QPushButton(self.tr("指标定义…"))
        self.import_button = QPushButton(self.tr("从 Excel 导入…"))
        legend = QLabel(self.tr("<span style='background:#fde2e0'>&nbsp;滞后&nbsp;</span> "
                                "<span style='background:#e3f4e8'>&nbsp;已达标&nbsp;</span> "
                                "<span style='background:#ffe9c7'>&nbsp;异常值&nbsp;</span> "
                                "<span style='background:#e6e8eb'>&nbsp;已签发只读&nbsp;</span>"), objectName="hint")
        for widget in (self.search, self.type_filter, self.add_button, self.edit_button, self.import_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(legend)
        layout.addLayout(bar)

        self.model = IndicatorTableModel(self)
        self.model.edit_handler = lambda edits: self.write(edits, self.tr("填报指标数值"))
        self.proxy = IndicatorFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        m = IndicatorTableModel
        self.view = IndicatorGridView(m.FIXED_COLUMNS, (m.COL_AREA, m.COL_DIRECTION, m.COL_COUNTY_TARGET, m.COL_UNIT,
                                                        m.COL_TARGET, m.COL_TASK))
        self.view.setModel(self.proxy)
        self.delegate = CheckedValueDelegate(self.refusal, self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.detail = IndicatorDetailPanel(self.save_current_cell)
        splitter = QSplitter()
        splitter.addWidget(self.view)
        side = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)  # scrolls in a low window
        side.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side.setWidget(self.detail)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        side.setMinimumWidth(260)
        splitter.setSizes([920, 250])
        layout.addWidget(splitter, 1)

        self.search.textChanged.connect(self.proxy.set_text)
        self.type_filter.currentIndexChanged.connect(lambda: self.proxy.set_period_type(self.type_filter.currentData()))
        self.view.copyRequested.connect(self.copy_selection)
        self.view.pasteRequested.connect(self.paste)
        self.view.clearRequested.connect(self.clear_selection)
        self.view.editorClosed.connect(self._editor_closed)
        self.view.selectionModel().currentChanged.connect(lambda *_: self._refreshing or self._show_current())
        self.add_button.clicked.connect(lambda: self.edit_definition(None))
        self.edit_button.clicked.connect(lambda: self.edit_definition(self.current_row()))
        self.import_button.clicked.connect(self.import_workbook)
        ctx.ledgerChanged.connect(self._ledger_changed)

    # ---- reading -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the whole grid, off the UI thread; the page shows its rows meanwhile (or, before
        its first rows, that it is reading). Selection and scroll stay when only figures changed."""
        self._read(None)

    def reading(self) -> bool:
        """Whether rows asked for have not arrived yet (``loaded`` is emitted when they have)."""
        return self.reads.reading()

    def _read(self, indicator_ids: set[int] | None) -> None:
        """Ask for fresh rows: of these indicators (those whose values were written), or of the
        whole grid (None). A read still under way is superseded and its rows dropped, so this one
        covers what that one did too."""
        if self.reads.reading():
            indicator_ids = None if indicator_ids is None or self._wanted is None else indicator_ids | self._wanted
        self._wanted = indicator_ids
        store, override = self.ctx.store, self.ctx.as_of_override
        if indicator_ids is None:
            if not self.model.rows:
                self.header.subtitle.setText(self.tr("正在读取指标数据…"))

            def read_grid() -> tuple[date, IndicatorGrid | None]:
                as_of = working_date(store, override)
                return as_of, indicator_grid(store, as_of)
            self.reads.start(read_grid, lambda result: self._grid_read(*result))
        else:
            ids = indicator_ids

            def read_rows() -> tuple[date, list[IndicatorRow], set[tuple[int, str]]]:
                as_of = working_date(store, override)
                return (as_of, *indicator_grid_rows(store, as_of, ids))
            self.reads.start(read_rows, lambda result: self._rows_read(ids, *result))

    def _grid_read(self, as_of: date, grid: IndicatorGrid | None) -> None:
        same_layout = grid is not None and self._same_layout(as_of, grid)
        if self.view.state() == QAbstractItemView.State.EditingState and not same_layout:
            # A new layout resets the model, which would close the editor and lose what is typed
            # in it: read again once the editor is closed (its text is written first).
            self._stale = True
            return
        if grid is None:
            self.has_plan = False
            self.header.subtitle.setText(self.tr("尚未载入方案"))
            self.model.set_grid([], [], set(), as_of)
            return
        rows, periods, locked = grid.rows, grid.periods, grid.locked
        types = {r.indicator.period_type for r in rows}
        self.has_plan, self.year, self.plan_name = True, grid.year, grid.plan_name
        self.header.subtitle.setText(self._summary(grid.plan_name, as_of, rows))
        self.periods_by_id = {p.id: p for p in periods}
        self._refreshing = True  # the current cell moves below: the side panel is filled once, at the end
        try:
            if same_layout:
                self.model.update_values(rows)
            else:
                self.model.set_grid(rows, periods, locked, as_of)
                self._fill_type_filter(types)
                self._size_columns()
                self._go_to_current_period()
        finally:
            self._refreshing = False
        self._shown_indicator = None
        self._show_current()

    def _same_layout(self, as_of: date, grid: IndicatorGrid) -> bool:
        """Whether the grid has the shown rows' periods and locks: then only figures change."""
        return [p.id for p in grid.periods] == [p.id for p in self.model.periods] \
            and grid.locked == self.model.locked and as_of == self.model.as_of

    def _rows_read(self, indicator_ids: set[int], as_of: date, rows: list[IndicatorRow],
                   locked: set[tuple[int, str]]) -> None:
        """The re-read rows of indicators whose values were written (their completion and status
        with them); the whole grid again when more than those may have changed."""
        if as_of != self.model.as_of or len(rows) != len(indicator_ids) or not self.model.replace_rows(rows, locked):
            self.refresh()
            return
        self.header.subtitle.setText(self._summary(self.plan_name, as_of, self.model.rows))
        if self._shown_indicator in indicator_ids:
            self._shown_indicator = None  # its chart and history show the new values
        self._show_current()

    def _editor_closed(self) -> None:
        if self._stale:
            self._stale = False
            self.refresh()

    def _summary(self, plan_name: str, as_of, rows) -> str:
        count = {status: 0 for status in IndicatorStatus}
        for row in rows:
            count[row.evaluation.status] += 1
        return self.tr("%s · 台账日期 %s · 共 %d 项指标：已达标 %d，正常 %d，滞后 %d，未填报 %d · "
                       "Ctrl+V 粘贴 Excel 区域") % (
            plan_name, as_of.isoformat(), len(rows), count[IndicatorStatus.ACHIEVED], count[IndicatorStatus.NORMAL],
            count[IndicatorStatus.LAGGING], count[IndicatorStatus.NO_DATA])

    def _fill_type_filter(self, types: set[PeriodType]) -> None:
        self.type_filter.blockSignals(True)
        self.type_filter.clear()
        self.type_filter.addItem(self.tr("全部期次类型"), None)
        for ptype in PeriodType:
            if ptype in types:
                self.type_filter.addItem(self.tr("%s指标") % ptype.label, ptype)
        self.type_filter.blockSignals(False)
        if self.proxy.period_type is not None:  # filtering again costs as much as the reset
            self.proxy.set_period_type(None)

    def _size_columns(self) -> None:
        m = IndicatorTableModel
        widths = {m.COL_AREA: 66, m.COL_TASK: 36, m.COL_NAME: 150, m.COL_UNIT: 36, m.COL_DIRECTION: 50,
                  m.COL_TARGET: 70, m.COL_COUNTY_TARGET: 66, m.COL_LATEST: 84, m.COL_COMPLETION: 56, m.COL_STATUS: 46}
        self.view.set_column_widths(76, widths)  # 76 px: room for 547.12万人

    def _go_to_current_period(self) -> None:
        """Start where the clerk works: the first indicator's latest open period."""
        if not self.model.rows:
            return
        first = self.proxy.mapToSource(self.proxy.index(0, 0)).row()
        row = self.model.rows[first]
        open_columns = [c for c in range(self.model.FIXED_COLUMNS, self.model.columnCount())
                        if self.model.cell_state(row, self.model.period_at(c)) == "open"]
        if open_columns:
            target = self.proxy.mapFromSource(self.model.index(first, open_columns[-1]))
            self.view.setCurrentIndex(target)
            if self.view.isVisible():  # laid out now, so the rows and scroll bars are painted once
                self.view.executeDelayedItemsLayout()
                self.view.frozen.executeDelayedItemsLayout()
                self.view.scrollTo(target)
            else:  # scrolled before it is laid out, the cell would sit at the left of a still narrow view
                QTimer.singleShot(0, lambda: self.view.scrollTo(self.view.currentIndex()))

    def current_row(self):
        index = self.proxy.mapToSource(self.view.currentIndex())
        return self.model.rows[index.row()] if index.isValid() else None

    def _show_current(self) -> None:
        index = self.proxy.mapToSource(self.view.currentIndex())
        row = self.model.rows[index.row()] if index.isValid() else None
        if row is None or row.indicator.id != self._shown_indicator:
            self._shown_indicator = row.indicator.id if row else None
            self._panel_row = row
            if not self._panel_due:  # one request, for whichever row is current when it is handled
                self._panel_due = True
                QCoreApplication.postEvent(self, QEvent(PANEL_DUE), Qt.EventPriority.LowEventPriority.value)
        period = self.model.period_at(index.column()) if index.isValid() else None
        if row is None or period is None:
            self.detail.show_cell(self.tr("选择一个期次单元格以填写备注和来源"), None, "", False)
            return
        editable = bool(self.model.flags(index) & Qt.ItemFlag.ItemIsEditable)
        self.detail.show_cell(period.label, row.values.get(period.id),
                              str(self.model.data(index, Qt.ItemDataRole.EditRole) or ""), editable)

    def customEvent(self, event: QEvent) -> None:
        if event.type() == PANEL_DUE:
            self._panel_due = False
            self._read_panel()
        else:
            super().customEvent(event)

    def _read_panel(self) -> None:
        """The side panel's indicator and its history, read off the UI thread. The newest request
        wins, so a cursor moving on never has an earlier indicator's history shown."""
        row, store, periods, year = self._panel_row, self.ctx.store, self.periods_by_id, self.year
        self.panel_reads.start(lambda: value_history(store, row.indicator.id) if row is not None else [],
                               lambda history: self.detail.show_indicator(row, periods, year, history))

    # ---- writing -----------------------------------------------------------------------------

    def refusal(self, index: QModelIndex, text: str) -> str:
        """Why the rules refuse ``text`` in the grid's cell at ``index`` (a view index), or ""."""
        source = self.proxy.mapToSource(index)
        edit = self.model.cell_edit(source, text) if source.isValid() else None
        if edit is None or str(self.model.data(source, Qt.ItemDataRole.EditRole) or "") == text.strip():
            return ""
        refused = preview_block(self.ctx.store, [edit]).refused
        return "；".join(check.error for check in refused)

    def write(self, edits: list[CellEdit], text: str, confirmed: bool = False) -> bool:
        """Check the edits; refuse with the reasons, ask about outliers, then push one command."""
        preview = preview_block(self.ctx.store, edits)
        if preview.refused:
            QMessageBox.warning(self, self.tr("数值不能接受"), preview.refusal_message())
            return False
        if not preview.changes:
            return False
        if preview.outliers and not confirmed:
            answer = QMessageBox.question(self, self.tr("请核对异常值"), preview.outlier_message() + self.tr("\n\n确认写入？"))
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self._push(preview.accepted(), text)
        return True

    def _push(self, accepted: BlockPreview, text: str) -> None:
        """One undoable step writing the accepted cells of a preview (checked again only if the
        store changed since)."""
        edits = [c.edit for c in accepted.checks]
        indicator_ids = {e.indicator_id for e in edits}
        command = SetIndicatorValuesCommand(self.ctx.store, edits, text, confirm_outliers=True,
                                            on_change=lambda: self._values_written(indicator_ids), checked=accepted)
        try:
            self.ctx.undo_stack.push(command)
        except LedgerError as error:  # the period was locked meanwhile, by another window or a command
            self._show_error(str(error))

    def _values_written(self, indicator_ids: set[int]) -> None:
        self._read(indicator_ids)  # the rows arrive later: never inside the model's own setData
        self.ctx.notify_others(self._ledger_changed)

    def _after_change(self) -> None:
        self.refresh()
        self.ctx.notify_others(self._ledger_changed)

    def _ledger_changed(self) -> None:
        """Another page or a switch of year changed what the grid shows (when hidden, the grid is
        read again when it is shown)."""
        if self.isVisible():
            self.refresh()

    def _show_error(self, message: str) -> None:
        QMessageBox.warning(self, self.tr("未能完成"), message)

    def save_current_cell(self, value: str, note: str, source: str) -> None:
        index = self.proxy.mapToSource(self.view.currentIndex())
        edit = self.model.cell_edit(index, value) if index.isValid() else None
        if edit is not None:
            self.write([CellEdit(edit.indicator_id, edit.period_id, value, note, source)], self.tr("填报指标数值与备注"))

    def paste(self) -> None:
        self.paste_text(QGuiApplication.clipboard().text())

    def paste_text(self, text: str) -> None:
        """A block of tab-separated cells from Excel or WPS, at the current cell (one value over a
        selection fills it): preview, then one undoable step for the cells accepted."""
        edits: list[CellEdit] = []
        refused: list[CellCheck] = []
        targets = self._paste_targets(read_tsv(text))
        # The model's row and column of each view row and column of the block, mapped once.
        rows = {r: self.proxy.mapToSource(self.proxy.index(r, 0)).row()
                for r in {t[0] for t in targets} if 0 <= r < self.proxy.rowCount()}
        columns = {c: self.proxy.mapToSource(self.proxy.index(0, c)).column()
                   for c in {t[1] for t in targets} if 0 <= c < self.proxy.columnCount()}
        for row, column, value, where in targets:
            cell = self._pasted_cell(rows.get(row), columns.get(column), value, where)
            (refused if isinstance(cell, CellCheck) else edits).append(cell)
        if not edits and not refused:
            return
        checked = preview_block(self.ctx.store, edits)
        preview = BlockPreview(refused + checked.checks, checked.basis)
        dialog = PastePreviewDialog(preview, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and preview.changes:
            self._push(preview.accepted(), self.tr("粘贴 %d 个指标数值") % len(preview.changes))

    def _paste_targets(self, block: list[list[str]]) -> list[tuple[int, int, str, str]]:
        """Where each pasted value goes (view row, view column, text, its place in the preview).
        As in Excel, a single copied value fills every cell of a larger selection; any other
        block is laid out from the selection's top-left cell."""
        selected = sorted(self.view.selectionModel().selectedIndexes(), key=lambda i: (i.row(), i.column()))
        if not selected:
            current = self.view.currentIndex()
            selected = [current] if current.isValid() else []
        if not block or not selected:
            return []
        if len(block) == 1 and len(block[0]) == 1 and len(selected) > 1:
            top, left = selected[0].row(), min(i.column() for i in selected)
            return [(i.row(), i.column(), block[0][0], self.tr("第%d行第%d列") % (i.row() - top + 1, i.column() - left + 1))
                    for i in selected]
        anchor = selected[0]
        return [(anchor.row() + r, anchor.column() + c, text, self.tr("第%d行第%d列") % (r + 1, c + 1))
                for r, line in enumerate(block) for c, text in enumerate(line)]

    def _pasted_cell(self, row: int | None, column: int | None, text: str, where: str) -> CellEdit | CellCheck:
        """The edit a pasted cell means, or its refusal where the grid has no open cell for it
        (``row``, ``column``: the model's cell, None outside the grid)."""
        def refuse(label: str, reason: str) -> CellCheck:
            return CellCheck(CellEdit(0, "", text, where=where), label, ValueState(0, "", False), error=reason)

        if row is None or column is None:
            return refuse(self.tr("表格之外"), self.tr("超出表格范围。"))
        grid_row = self.model.rows[row]
        period = self.model.period_at(column)
        if period is None:
            return refuse(grid_row.indicator.name, self.tr("“%s”列不是填报列。") % self.model.HEADERS[column])
        if self.model.cell_state(grid_row, period) == "future":
            return refuse(f"{grid_row.indicator.name} {period.id}", self.tr("该期次尚未开始。"))
        return CellEdit(grid_row.indicator.id, period.id, text, where=where)

    def clear_selection(self) -> None:
        edits = []
        for index in self.view.selectionModel().selectedIndexes():
            source = self.proxy.mapToSource(index)
            if self.model.flags(source) & Qt.ItemFlag.ItemIsEditable and self.model.data(source, Qt.ItemDataRole.EditRole):
                edits.append(self.model.cell_edit(source, ""))
        if edits:
            self.write(edits, self.tr("清除 %d 个指标数值") % len(edits))

    def copy_selection(self) -> None:
        """The selected block as tab-separated text; period cells as plain numbers for Excel."""
        selected = self.view.selectionModel().selectedIndexes()
        if not selected:
            return
        rows = sorted({i.row() for i in selected})
        columns = sorted({i.column() for i in selected})
        chosen = {(i.row(), i.column()) for i in selected}
        lines = []
        for r in rows:
            line = []
            for c in columns:
                source = self.proxy.mapToSource(self.proxy.index(r, c))
                role = Qt.ItemDataRole.EditRole if self.model.period_at(source.column()) else Qt.ItemDataRole.DisplayRole
                line.append(str(self.model.data(source, role) or "") if (r, c) in chosen else "")
            lines.append(line)
        QGuiApplication.clipboard().setText(write_tsv(lines))

    def edit_definition(self, row) -> None:
        if not self.has_plan:
            return
        IndicatorDefinitionDialog(self.ctx, row.indicator if row else None, self._after_change, self).exec()

    def import_workbook(self) -> None:
        """import-values from the window: the same function, off the UI thread."""
        name, _ = QFileDialog.getOpenFileName(self, self.tr("导入指标数值"), "", self.tr("Excel 工作簿 (*.xlsx)"))
        if name:
            self._run_import(Path(name), confirm_outliers=False)

    def _run_import(self, path: Path, confirm_outliers: bool) -> None:
        from exchange.values.values_import import import_values  # openpyxl: loaded when first needed

        store = self.ctx.store

        def work(_progress) -> BlockPreview | OutlierError:
            try:
                return import_values(store, path, confirm_outliers=confirm_outliers)
            except OutlierError as error:  # handed back to be asked about on the UI thread
                return error

        run_in_background(self, self.tr("正在导入 %s…") % path.name, work,
                          on_done=lambda result: self._imported(path, result))

    def _imported(self, path: Path, result: BlockPreview | OutlierError) -> None:
        if isinstance(result, OutlierError):
            answer = QMessageBox.question(self, self.tr("请核对异常值"), str(result) + self.tr("\n\n确认导入？"))
            if answer == QMessageBox.StandardButton.Yes:
                self._run_import(path, confirm_outliers=True)
            return
        QMessageBox.information(self, self.tr("导入完成"), self.tr("已从 %s 导入 %d 个有变化的数值。") % (
            path.name, len(result.changes)))
        self._after_change()
