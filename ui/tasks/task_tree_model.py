"""The 任务清单 tree (area → task → milestones), searched, filtered and sorted in the model itself.

Rows come from models.task_list in one reading. The model shows only the tasks the filter lets
through, so no QSortFilterProxyModel sits between it and the view: at 5,000 tasks the proxy's
calls back into Python for every row, and the mapping it keeps for every task it has seen, cost
several times the filtering itself. A filter or sort change is one model reset; the page then
opens the areas and the tasks whose milestones the search hit, and selects again what was
selected.

The tree is filled lazily: a reset exposes the first FETCH_BATCH tasks (several screens), and
``fetch_more`` the next ones as the list is scrolled to its end, so the view lays out a few
hundred rows per search rather than 25,000. What a person reads as totals (the area headers,
the page's count) counts every task the filter lets through, fetched or not.

Indexes carry an integer id instead of a Python pointer: 0 for an area row, 1 + area row for a
task row, TASK_BASE + task position for a milestone row, so ``parent()`` is arithmetic and
nothing has to be kept alive for Qt. Each task's cells (text, colours, tool tips) are prepared
once, the first time they are shown, and answered through ``multiData``: one call per painted
cell rather than one per role.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QModelRoleDataSpan, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from models.enums import Origin, TaskStatus
from models.task_list import MilestoneRow, TaskRow
from ui.palette import BEHIND, SEARCH_HIT, TASK_STATUS_COLOURS
from ui.table_model import HeadersMixin

TASK_BASE = 1_000_000
FETCH_BATCH = 100  # tasks exposed at a time: more than a screen even with every milestone open
AnyIndex = QModelIndex | QPersistentModelIndex
Cell = dict[int, Any]  # role → value
# Roles as plain ints: the keys of the prepared cells, looked up with what role() hands back.
DISPLAY, TOOLTIP, FONT, BACKGROUND, FOREGROUND = (role.value for role in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole))


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


@dataclass
class TaskFilter:
    """What the user narrowed the list to; empty fields do not filter."""

    text: str = ""
    area_id: int | None = None
    list_kind: str = ""
    origin: Origin | None = None
    status: TaskStatus | None = None
    unit: str = ""
    due_within: int | None = None  # days; includes what is already overdue


@dataclass(slots=True)
class AreaNode:
    id: int
    name: str
    tasks: list[int]  # positions in TaskTreeModel.rows, plan order
    shown: list[int] = field(default_factory=list)  # those the filter lets through, in the sorted order
    fetched: int = 0  # how many of ``shown`` the view has been given


class TaskTreeModel(HeadersMixin, QAbstractItemModel):
    # What a liaison scans first comes first: status and the next step, then units and people.
    (COL_NUMBER, COL_TITLE, COL_STATUS, COL_NEXT, COL_DUE, COL_LIST_KIND, COL_ORIGIN, COL_LEAD_UNIT,
     COL_COUNTY_UNIT, COL_LEADER, COL_CONTACT) = range(11)
    HEADERS = ["序号", "任务 / 节点举措", "状态", "下一节点", "到期日", "清单类别", "来源", "牵头单位",
               "县级责任单位", "责任领导", "联系人"]

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[TaskRow] = []
        self.areas: list[AreaNode] = []  # every area with tasks, plan order
        self.filter = TaskFilter()
        self.as_of = date.today()
        self._words: list[str] = []  # the search words, lower-cased
        self._matches: dict[int, list[int]] = {}  # task position → its milestone rows the words hit, as shown
        self._shown: list[AreaNode] = []  # the areas with a task the filter lets through
        self._fetched_areas = 0  # area rows the view has been given; only the last may lack tasks
        self._passing: set[int] = set()  # task positions
        self._place: dict[int, tuple[int, int]] = {}  # shown task position → (area row, row in area)
        self._position: dict[int, int] = {}  # task id → position
        # Per task, made at the first search: everything the search looks at, lower-cased, and
        # each milestone's lower-cased title.
        self._haystacks: list[tuple[str, list[str]]] = []
        self._cells: dict[int, tuple[list[Cell], list[list[Cell]]]] = {}  # position → task cells, milestone cells
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._bold = _bold()

    # ---- filling, filtering, sorting (each one reset) ----
    def set_rows(self, rows: list[TaskRow], task_filter: TaskFilter | None = None, as_of: date | None = None) -> None:
        self.beginResetModel()
        self.rows = rows
        self.areas, self._position, self._haystacks, self._cells = [], {}, [], {}
        by_area: dict[int, AreaNode] = {}
        for position, row in enumerate(rows):
            node = by_area.get(row.area_id)
            if node is None:
                node = by_area[row.area_id] = AreaNode(row.area_id, row.area, [])
                self.areas.append(node)
            node.tasks.append(position)
            self._position[row.id] = position
        self._set_filter(task_filter, as_of)
        self.endResetModel()

    def set_filter(self, task_filter: TaskFilter, as_of: date | None = None) -> None:
        self.beginResetModel()
        self._set_filter(task_filter, as_of)
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Tasks sorted within their areas by a column (-1: the plan's order); milestones keep theirs."""
        self.beginResetModel()
        self._sort_column, self._sort_order = column, order
        self._arrange()
        self.endResetModel()

    def replace_task(self, row: TaskRow) -> bool:
        """Put a re-read task in place; False when its shape changed and a full reset is needed."""
        position = self._position.get(row.id)
        if position is None:
            return False
        old = self.rows[position]
        if old.area_id != row.area_id or len(old.milestones) != len(row.milestones):
            return False
        self.rows[position] = row
        self._cells.pop(position, None)
        if self._haystacks:
            self._haystacks[position] = self._haystack(row)
        before = self._passing
        self._compute()
        column = self._sort_column
        if self._passing != before or column >= 0 and self._sort_key(old, column) != self._sort_key(row, column):
            self.set_filter(self.filter)  # it now passes or fails the filter, or moved in the sort order
            return True
        index = self.task_index(row.id)
        if index.isValid():
            last = self.columnCount() - 1
            self.dataChanged.emit(index, self.index(index.row(), last, index.parent()))
            if row.milestones:
                self.dataChanged.emit(self.index(0, 0, index), self.index(len(row.milestones) - 1, last, index))
        return True

    def _set_filter(self, task_filter: TaskFilter | None, as_of: date | None) -> None:
        if task_filter is not None:
            self.filter = task_filter
        if as_of is not None:
            self.as_of = as_of
        self._compute()
        self._arrange()

    def _compute(self) -> None:
        """Which tasks pass the filter, and which of their milestones the search words hit."""
        f, rows = self.filter, self.rows
        words = f.text.lower().split()
        if words and not self._haystacks:
            self._haystacks = [self._haystack(row) for row in rows]
        last_due = self.as_of + timedelta(days=f.due_within) if f.due_within is not None else None
        passing = set()
        for position, row in enumerate(rows):
            if f.area_id is not None and row.area_id != f.area_id:
                continue
            if f.list_kind and row.list_kind != f.list_kind:
                continue
            if f.origin is not None and row.origin != f.origin:
                continue
            if f.status is not None and row.status != f.status:
                continue
            if f.unit and f.unit not in row.lead_unit and f.unit not in row.county_unit:
                continue
            if last_due is not None:
                following = row.next_milestone
                if following is None or following.due > last_due:
                    continue
            if words and not all(word in self._haystacks[position][0] for word in words):
                continue
            passing.add(position)
        self._passing, self._words, self._matches = passing, words, {}

    def _matched_rows(self, position: int) -> list[int]:
        """The milestone rows of a shown task whose title a search word hits (worked out when the
        task is shown, not for all 20,000 milestones at each search)."""
        if not self._words:
            return []
        rows = self._matches.get(position)
        if rows is None:
            rows = self._matches[position] = [row for row, title in enumerate(self._haystacks[position][1])
                                              if any(word in title for word in self._words)]
        return rows

    @staticmethod
    def _haystack(row: TaskRow) -> tuple[str, list[str]]:
        return row.search_text(), [m.title.lower() for m in row.milestones]

    def _arrange(self) -> None:
        """The area rows and each one's shown tasks, in the sort order."""
        passing, column = self._passing, self._sort_column
        for area in self.areas:
            area.shown = [position for position in area.tasks if position in passing]
            if column >= 0:
                area.shown.sort(key=lambda position: self._sort_key(self.rows[position], column),
                                reverse=self._sort_order == Qt.SortOrder.DescendingOrder)
        self._shown = [area for area in self.areas if area.shown]
        self._place = {position: (area_row, row) for area_row, area in enumerate(self._shown)
                       for row, position in enumerate(area.shown)}
        for area in self._shown:
            area.fetched = 0
        self._fetched_areas = 0
        self._expose(FETCH_BATCH, notify=False)

    # ---- lazy filling ----
    def can_fetch_more(self) -> bool:
        return self._fetched_areas < len(self._shown) or bool(self._shown) and \
            self._shown[-1].fetched < len(self._shown[-1].shown)

    def fetch_more(self) -> None:
        """Give the view the next batch of tasks (after a scroll to the end)."""
        self._expose(FETCH_BATCH, notify=True)

    def _exposed(self, area_row: int, row: int) -> bool:
        return area_row < self._fetched_areas and row < self._shown[area_row].fetched

    def _expose(self, count: int, notify: bool) -> None:
        """Give the view ``count`` more tasks, in order: the rest of the last area, then the next."""
        while count > 0:
            last = self._shown[self._fetched_areas - 1] if self._fetched_areas else None
            if last is not None and last.fetched < len(last.shown):
                added = min(count, len(last.shown) - last.fetched)
                if notify:
                    self.beginInsertRows(self.createIndex(self._fetched_areas - 1, 0, 0), last.fetched,
                                         last.fetched + added - 1)
                last.fetched += added
                count -= added
            elif self._fetched_areas < len(self._shown):
                if notify:
                    self.beginInsertRows(QModelIndex(), self._fetched_areas, self._fetched_areas)
                self._fetched_areas += 1
            else:
                return
            if notify:
                self.endInsertRows()

    def _sort_key(self, task: TaskRow, column: int):
        following = task.next_milestone
        match column:
            case self.COL_NUMBER: return task.number
            case self.COL_STATUS: return list(TaskStatus).index(task.status)
            case self.COL_DUE: return following.due.isoformat() if following else "9999"
        return self._task_texts(task)[column]

    # ---- what the page asks ----
    def passing_count(self) -> int:
        return len(self._passing)

    def filtering(self) -> bool:
        return len(self._passing) < len(self.rows)

    def has_task(self, task_id: int) -> bool:
        return task_id in self._position

    def task_index(self, task_id: int, fetch: bool = True) -> QModelIndex:
        """The task's row (fetched first, unless ``fetch`` is False), invalid when the filter hides
        it or it is not fetched yet."""
        place = self._place.get(self._position.get(task_id, -1))
        if place is None:
            return QModelIndex()
        while not self._exposed(*place):
            if not fetch:
                return QModelIndex()
            self.fetch_more()
        area_row, row = place
        return self.createIndex(row, 0, 1 + area_row)

    def has_matched_milestone(self, index: AnyIndex) -> bool:
        """Whether a task row is shown because of one of its milestones (opened to show it)."""
        task = self.task_at(index) if index.isValid() and index.internalId() < TASK_BASE else None
        return task is not None and bool(self._matched_rows(self._position[task.id]))

    def task_at(self, index: AnyIndex) -> TaskRow | None:
        """The task of a task row or of a milestone row."""
        if not index.isValid() or index.internalId() == 0:
            return None
        if index.internalId() >= TASK_BASE:
            return self.rows[index.internalId() - TASK_BASE]
        return self.rows[self._shown[index.internalId() - 1].shown[index.row()]]

    def milestone_at(self, index: AnyIndex) -> MilestoneRow | None:
        if index.isValid() and index.internalId() >= TASK_BASE:
            return self.rows[index.internalId() - TASK_BASE].milestones[index.row()]
        return None

    # ---- QAbstractItemModel ----
    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:
        # Bounds checked inline rather than with hasIndex(): the view calls this for every row it
        # lays out, and each call back into Python counts at 25,000 rows.
        if row < 0 or not 0 <= column < len(self.HEADERS):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0) if row < self._fetched_areas else QModelIndex()
        key = parent.internalId()
        if key == 0:
            if row < self._shown[parent.row()].fetched:
                return self.createIndex(row, column, 1 + parent.row())
            return QModelIndex()
        if key < TASK_BASE:
            position = self._shown[key - 1].shown[parent.row()]
            if row < len(self.rows[position].milestones):
                return self.createIndex(row, column, TASK_BASE + position)
        return QModelIndex()

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        if index.internalId() < TASK_BASE:
            return self.createIndex(index.internalId() - 1, 0, 0)
        area_row, row = self._place[index.internalId() - TASK_BASE]
        return self.createIndex(row, 0, 1 + area_row)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        if not parent.isValid():
            return self._fetched_areas
        if parent.column() > 0:
            return 0
        key = parent.internalId()
        if key == 0:
            return self._shown[parent.row()].fetched
        if key < TASK_BASE:
            return len(self.task_at(parent).milestones)
        return 0

    def hasChildren(self, parent: AnyIndex = QModelIndex()) -> bool:
        # Asked of every task row laid out: answered without counting (areas always have tasks).
        if not parent.isValid():
            return self._fetched_areas > 0
        key = parent.internalId()
        if key == 0:
            return parent.column() == 0
        return key < TASK_BASE and parent.column() == 0 and bool(self.task_at(parent).milestones)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return len(self.HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole):
        return self._cell(index).get(role) if index.isValid() else None

    def multiData(self, index: AnyIndex, span: QModelRoleDataSpan) -> None:
        """What the delegate asks for a painted cell (text, font, colours…), in one call."""
        cell = self._cell(index) if index.isValid() else {}
        for role_data in span:
            value = cell.get(role_data.role())
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    # ---- cells ----
    def _cell(self, index: AnyIndex) -> Cell:
        key, column = index.internalId(), index.column()
        if key == 0:
            return self._area_cell(self._shown[index.row()], column)
        if key < TASK_BASE:
            return self._prepared(self._shown[key - 1].shown[index.row()])[0][column]
        position = key - TASK_BASE
        milestone_cells = self._prepared(position)[1]
        cell = milestone_cells[index.row()][column]
        if index.row() in self._matched_rows(position):
            return {**cell, BACKGROUND: SEARCH_HIT, FONT: self._bold}
        return cell

    def _area_cell(self, area: AreaNode, column: int) -> Cell:
        if column != self.COL_NUMBER:
            return {FONT: self._bold}
        if self.filtering():
            text = self.tr("%s（显示 %d / %d）") % (area.name, len(area.shown), len(area.tasks))
        else:
            text = f"{area.name}（{len(area.tasks)}）"
        return {DISPLAY: text, FONT: self._bold}

    def _prepared(self, position: int) -> tuple[list[Cell], list[list[Cell]]]:
        prepared = self._cells.get(position)
        if prepared is None:
            task = self.rows[position]
            prepared = self._cells[position] = (self._make_task_cells(task),
                                                [self._make_milestone_cells(task, m) for m in task.milestones])
        return prepared

    def _task_texts(self, task: TaskRow) -> dict[int, str]:
        following = task.next_milestone
        return {
            self.COL_NUMBER: str(task.number),
            self.COL_TITLE: task.title + (self.tr("（需持续跟进）") if task.follow_up else ""),
            self.COL_STATUS: self.tr(task.status.label) + ("*" if task.overridden else ""),
            self.COL_NEXT: following.title if following else self.tr("全部完成"),
            self.COL_DUE: following.due.isoformat() if following else "",
            self.COL_LIST_KIND: task.list_kind, self.COL_ORIGIN: self.tr(task.origin.label),
            self.COL_LEAD_UNIT: task.lead_unit, self.COL_COUNTY_UNIT: task.county_unit,
            self.COL_LEADER: task.leader, self.COL_CONTACT: task.contact,
        }

    def _make_task_cells(self, task: TaskRow) -> list[Cell]:
        following = task.next_milestone
        texts = self._task_texts(task)
        cells: list[Cell] = [{DISPLAY: texts[column]} for column in range(len(self.HEADERS))]
        cells[self.COL_TITLE][TOOLTIP] = texts[self.COL_TITLE]
        cells[self.COL_NEXT][TOOLTIP] = texts[self.COL_NEXT]
        cells[self.COL_STATUS][FOREGROUND] = TASK_STATUS_COLOURS[task.status]
        if task.overridden:
            cells[self.COL_STATUS][TOOLTIP] = self.tr("状态已人工调整（理由见详情）")
        if following and following.overdue:
            cells[self.COL_DUE][FOREGROUND] = BEHIND
        return cells

    def _make_milestone_cells(self, task: TaskRow, m: MilestoneRow) -> list[Cell]:
        cells: list[Cell] = [{DISPLAY: ""} for _ in self.HEADERS]
        cells[self.COL_NUMBER][DISPLAY] = f"{task.number}.{m.seq}"
        cells[self.COL_TITLE].update({DISPLAY: m.title, TOOLTIP: m.title})
        cells[self.COL_STATUS][DISPLAY] = self.tr(m.state_label)
        cells[self.COL_NEXT][DISPLAY] = self.tr("延期 %d 次") % m.postpone_count if m.postpone_count else ""
        cells[self.COL_DUE][DISPLAY] = (m.done or m.due).isoformat()
        colour = TASK_STATUS_COLOURS[TaskStatus.DONE] if m.done is not None else BEHIND if m.overdue else None
        if colour is not None:
            cells[self.COL_STATUS][FOREGROUND] = cells[self.COL_DUE][FOREGROUND] = colour
        return cells
