"""任务清单: the tree of areas, tasks and milestones with search and filters on the left, the
selected task's detail pane on the right. Every edit is saved at once and can be undone."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton, QSplitter, QTreeView,
    QVBoxLayout, QWidget,
)

from models.enums import Origin, TaskStatus
from models.errors import LedgerError
from models.settings import working_date
from models.task_actions import TaskBoard, task_board, task_row
from ui.tasks import task_commands as tc
from ui.context import AppContext
from ui.tasks.task_detail import TaskDetailPane
from ui.tasks.task_dialogs import AddTaskDialog
from ui.tasks.task_tree_model import TaskFilter, TaskTreeModel
from ui.widgets import compact_combo, page_layout
from ui.workers import PageReads

DUE_CHOICES = [7, 14, 30, 60]
SEARCH_DELAY_MS = 120  # typing a word filters once, not once per key


class TasksPage(QWidget):
    loaded = Signal()  # the rows asked for are shown

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._dirty = True  # the rows shown (or being read) may be older than the store's
        self.reads = PageReads(self)
        self.reads.loaded.connect(self.loaded)
        self._selecting: int | None = None  # the task to select once the rows being read are in
        self.board = TaskBoard("", [], [], [])  # as last read: the areas and list kinds to choose from
        layout, self.header = page_layout(self, self.tr("任务清单"))

        self.search = QLineEdit(objectName="taskSearch", clearButtonEnabled=True,
                                placeholderText=self.tr("搜索任务、单位、人员、节点…（Ctrl+F）"))
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.setMinimumWidth(160)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self._focus_search,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.area_combo = self._combo("areaFilter", self.tr("全部领域"))
        self.kind_combo = self._combo("kindFilter", self.tr("全部清单"))
        self.origin_combo = self._combo("originFilter", self.tr("全部来源"))
        for origin in Origin:
            self.origin_combo.addItem(self.tr(origin.label), origin)
        self.status_combo = self._combo("statusFilter", self.tr("全部状态"))
        for status in TaskStatus:
            self.status_combo.addItem(self.tr(status.label), status)
        self.unit_combo = self._combo("unitFilter", self.tr("全部单位"))
        self.due_combo = self._combo("dueFilter", self.tr("不限到期"))
        for days in DUE_CHOICES:
            self.due_combo.addItem(self.tr("%d天内到期") % days, days)
        add_button = QPushButton(self.tr("新增自选动作"), objectName="addTask")
        add_button.clicked.connect(self.add_county_task)
        self.delete_button = QPushButton(self.tr("删除自选动作"), objectName="deleteTask")
        self.delete_button.clicked.connect(self.delete_county_task)
        clear_button = QPushButton(self.tr("清除筛选"))
        clear_button.clicked.connect(self.clear_filter)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        for combo in (self.area_combo, self.kind_combo, self.origin_combo, self.status_combo, self.unit_combo,
                      self.due_combo):
            bar.addWidget(combo)
        bar.addWidget(clear_button)
        layout.addLayout(bar)

        self.count_label = QLabel(objectName="hint")  # before the model, as every reset updates it
        self.model = TaskTreeModel(self)
        # The current row across a reset (task id, milestone row or -1), until it is shown again:
        # a task further down is selected when the scrolling fetches it, not fetched at each search.
        self._kept: tuple[int, int] | None = None
        self.tree = QTreeView(objectName="taskTree")
        self.tree.setModel(self.model)
        # Connected after setModel, so that these run after the view's own reset.
        self.model.modelAboutToBeReset.connect(self._remember_current)
        self.model.modelReset.connect(self._restore_view)
        self.model.rowsInserted.connect(self._open_rows)
        # More tasks when the list is scrolled to its end; deferred, as the range changes during layout.
        self._fetch_timer = QTimer(self, singleShot=True, interval=0)
        self._fetch_timer.timeout.connect(self._fetch_at_end)
        bar = self.tree.verticalScrollBar()
        bar.valueChanged.connect(lambda _value: self._fetch_timer.start())  # not start(msec=value)
        bar.rangeChanged.connect(lambda _low, _high: self._fetch_timer.start())
        self.tree.setUniformRowHeights(True)
        self.tree.setIndentation(14)  # milestone numbers (12.3) fit the first column at depth 2
        self.tree.setAlternatingRowColors(True)
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the plan's order until a header is clicked
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # 序号, title and status fit the tree's width at the smallest window (1024 px).
        for column, width in ((TaskTreeModel.COL_NUMBER, 84), (TaskTreeModel.COL_TITLE, 190),
                              (TaskTreeModel.COL_LIST_KIND, 80), (TaskTreeModel.COL_ORIGIN, 64),
                              (TaskTreeModel.COL_LEAD_UNIT, 110), (TaskTreeModel.COL_COUNTY_UNIT, 110),
                              (TaskTreeModel.COL_LEADER, 64), (TaskTreeModel.COL_CONTACT, 56),
                              (TaskTreeModel.COL_STATUS, 56), (TaskTreeModel.COL_NEXT, 200),
                              (TaskTreeModel.COL_DUE, 84)):
            self.tree.setColumnWidth(column, width)
        self.tree.selectionModel().currentRowChanged.connect(self._current_changed)

        self.detail = TaskDetailPane(ctx, self._task_changed)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.tree, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(add_button)
        buttons.addWidget(self.delete_button)
        left_layout.addLayout(buttons)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([640, 480])
        layout.addWidget(self.splitter, 1)
        ctx.ledgerChanged.connect(self._ledger_changed)

    def _combo(self, name: str, everything: str) -> QComboBox:
        combo = compact_combo(QComboBox(objectName=name), 5)
        combo.addItem(everything, None)
        combo.currentIndexChanged.connect(self.apply_filter)
        return combo

    # ---- loading ----
    def refresh(self, select: int | None = None) -> None:
        """Re-read every task (on show, and after changes made elsewhere), off the UI thread: the
        tree keeps its rows meanwhile (before its first, the page says it is reading). Then the
        task ``select`` is selected, or the one selected before."""
        if select is not None:
            self._selecting = select
        if self.reads.reading() and not self._dirty:
            return  # the read under way began after the last change: its rows are fresh
        self._dirty = False
        store, override = self.ctx.store, self.ctx.as_of_override
        if not self.model.rows:
            self.header.subtitle.setText(self.tr("正在读取任务清单…"))
            self.count_label.setText(self.tr("正在读取…"))

        def read_board() -> tuple[date, TaskBoard]:
            as_of = working_date(store, override)
            return as_of, task_board(store, as_of)
        self.reads.start(read_board, lambda result: self._board_read(*result))

    def reading(self) -> bool:
        """Whether rows asked for have not arrived yet (``loaded`` is emitted when they have)."""
        return self.reads.reading()

    def _board_read(self, as_of: date, board: TaskBoard) -> None:
        selected = self._selecting if self._selecting is not None else self.detail.task_id
        self._selecting = None
        rows, kinds = board.rows, [name for _id, name in board.list_kinds]
        self.board = board
        self.header.subtitle.setText(
            self.tr("%s · 台账日期 %s · 每项修改即时保存，Ctrl+Z 撤销、Ctrl+Y 重做") % (board.plan_name, as_of.isoformat())
            if board.plan_name else self.tr("尚未载入方案"))
        self._fill_choices(self.area_combo, [(r.area, r.area_id) for r in rows])
        self._fill_choices(self.kind_combo, [(k, k) for k in kinds])
        units = sorted({u for r in rows for u in (r.lead_unit, r.county_unit) if u})
        self._fill_choices(self.unit_combo, [(u, u) for u in units])
        self.model.set_rows(rows, self.current_filter(), as_of)
        if selected is None and rows:
            selected = rows[0].id  # open on the first task rather than an empty pane
        if selected is not None and not self.select_task(selected):
            self.detail.show_task(None)

    def _fill_choices(self, combo: QComboBox, items: list[tuple[str, object]]) -> None:
        chosen = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for text, data in dict.fromkeys(items):
            combo.addItem(text, data)
        combo.setCurrentIndex(max(combo.findData(chosen), 0))
        combo.blockSignals(False)

    def showEvent(self, event) -> None:
        if self._dirty:
            self.refresh()
        super().showEvent(event)

    def _ledger_changed(self) -> None:
        self._dirty = True
        if self.isVisible():
            self.refresh()

    def _task_changed(self, task_id: int) -> None:
        """A command changed a task: update its row (or everything, off the UI thread, if its
        shape changed: the task is selected once the rows are in)."""
        # While every row is being read anyway, the task is not read on its own first.
        row = None if self.reads.reading() else task_row(self.ctx.store, task_id, self.ctx.as_of())
        if row and self.model.replace_task(row):
            if self.detail.task_id != task_id:
                self.select_task(task_id)
            else:
                self.detail.reload()
        else:
            self._dirty = True
            self.refresh(select=task_id)
            if self.detail.task_id == task_id:
                self.detail.reload()
        self.ctx.notify_others(self._ledger_changed)

    # ---- filtering ----
    def current_filter(self) -> TaskFilter:
        # A combo hands back an enum member as its plain string value: made a member again here.
        origin, status = self.origin_combo.currentData(), self.status_combo.currentData()
        return TaskFilter(text=self.search.text(), area_id=self.area_combo.currentData(),
                          list_kind=self.kind_combo.currentData() or "",
                          origin=None if origin is None else Origin(origin),
                          status=None if status is None else TaskStatus(status),
                          unit=self.unit_combo.currentData() or "", due_within=self.due_combo.currentData())

    def apply_filter(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.current_filter())

    def _remember_current(self) -> None:
        current = self.tree.currentIndex()
        task = self.model.task_at(current)
        if task is not None:
            self._kept = (task.id, current.row() if self.model.milestone_at(current) else -1)

    def _restore_view(self) -> None:
        """After a reset (a filter, a sort, an edit that takes a task in or out): the count, the
        list from its top (left at its end, it would fetch at once), the rows opened as _open_rows
        opens them (which selects the current row again when among them)."""
        self._update_count()
        self.tree.scrollToTop()
        root = QModelIndex()
        areas = self.model.rowCount(root)
        if areas:
            self._open_rows(root, 0, areas - 1)

    def _select_kept(self) -> None:
        """The row current before the reset, selected again once it has been fetched."""
        if self._kept is None:
            return
        task_id, milestone_row = self._kept
        index = self.model.task_index(task_id, fetch=False)
        if not index.isValid():
            return
        self._kept = None
        if milestone_row >= 0:
            self.tree.expand(index)
            index = self.model.index(milestone_row, 0, index)
        self.tree.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

    def _open_rows(self, parent: QModelIndex, first: int, last: int) -> None:
        """Rows given to the view: areas open and spanning the whole width (so their names are
        never cut), tasks whose milestones the search hit open to show them. Everything is opened
        before the first spanning call, which lays the tree out."""
        if parent.isValid():
            if not parent.parent().isValid():  # task rows of an area
                for row in range(first, last + 1):
                    index = self.model.index(row, 0, parent)
                    if self.model.has_matched_milestone(index):
                        self.tree.expand(index)
                self._select_kept()
            return
        areas = [self.model.index(row, 0) for row in range(first, last + 1)]
        for area in areas:
            self.tree.expand(area)
            self._open_rows(area, 0, self.model.rowCount(area) - 1)
        for area in areas:
            self.tree.setFirstColumnSpanned(area.row(), parent, True)

    def _fetch_at_end(self) -> None:
        """More tasks while the list is scrolled to its end, or too short to scroll: checked again
        once the batch is laid out, as a collapsed area can leave the list short still."""
        bar = self.tree.verticalScrollBar()
        if bar.value() >= bar.maximum() and self.model.can_fetch_more():
            self.model.fetch_more()
            self._fetch_timer.start()

    def clear_filter(self) -> None:
        for combo in (self.area_combo, self.kind_combo, self.origin_combo, self.status_combo, self.unit_combo,
                      self.due_combo):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.clear()
        self.apply_filter()

    def _update_count(self) -> None:
        self.count_label.setText(self.tr("显示 %d / %d 项任务") % (self.model.passing_count(), len(self.model.rows)))

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # ---- selection ----
    def select_task(self, task_id: int) -> bool:
        """Select a task in the tree (clearing filters that hide it) and show its detail; once
        the rows are in, if they are being read."""
        if self.reads.reading():
            self._selecting = task_id
            return True
        if not self.model.has_task(task_id):
            return False
        index = self.model.task_index(task_id)
        if not index.isValid():
            self.clear_filter()
            index = self.model.task_index(task_id)
        self.tree.expand(index.parent())
        self.tree.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.tree.scrollTo(index)
        if self.detail.task_id != task_id:
            return self.detail.show_task(task_id)
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._kept = None  # a row chosen now wins over one waiting to be fetched
        task = self.model.task_at(current)
        task_id = task.id if task else None
        if task_id != self.detail.task_id and not self.detail.show_task(task_id):
            # The report typed for the shown task could not be saved: stay with it in the tree too.
            kept = self.detail.task_id
            if kept is not None:
                QTimer.singleShot(0, lambda: self.select_task(kept))
            return
        self.delete_button.setEnabled(task is not None and task.origin is Origin.COUNTY)

    # ---- county tasks ----
    def add_county_task(self) -> None:
        board = self.board
        if not board.plan_name:
            return
        dialog = AddTaskDialog(board.areas, board.list_kinds, self)
        dialog.submit = lambda: self.ctx.undo_stack.push(tc.AddCountyTaskCommand(
            self.ctx.store, dialog.area_combo.currentData(), dialog.title_edit.text(),
            dialog.kind_combo.currentData(), self._task_changed))
        dialog.exec()

    def delete_county_task(self) -> None:
        task_id = self.detail.task_id
        task = next((r for r in self.model.rows if r.id == task_id), None)
        if task is None:
            return
        if task.origin is not Origin.COUNTY:
            QMessageBox.information(self, self.tr("删除任务"), self.tr("规定动作由市里下达，不能删除。"))
            return
        answer = QMessageBox.question(
            self, self.tr("删除自选动作"),
            self.tr("删除第 %d 号任务“%s”及其全部节点、进展和佐证材料记录？\n可用 Ctrl+Z 撤销。") % (task.number, task.title))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.ctx.undo_stack.push(tc.DeleteCountyTaskCommand(self.ctx.store, task_id, self._task_changed))
        except LedgerError as error:
            QMessageBox.warning(self, self.tr("删除任务"), str(error))
