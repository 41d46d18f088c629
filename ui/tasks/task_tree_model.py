"""The 任务清单 tree (area → task → milestones) and the proxy that searches and filters it.

Rows come from models.task_list in one reading. Indexes carry an integer id instead of a Python
pointer: 0 for an area row, 1 + area row for a task row, TASK_BASE + task position for a
milestone row, so ``parent()`` is arithmetic and nothing has to be kept alive for Qt.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont

from models.enums import Origin, TaskStatus
from models.task_list import MilestoneRow, TaskRow
from ui.palette import BEHIND, SEARCH_HIT, TASK_STATUS_COLOURS
from ui.table_model import HeadersMixin
TASK_BASE = 1_000_000
AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(slots=True)
class AreaNode:
    id: int
    name: str
    tasks: list[int]  # positions in TaskTreeModel.rows


class TaskTreeModel(HeadersMixin, QAbstractItemModel):
    # What a liaison scans first comes first: status and the next step, then units and people.
    (COL_NUMBER, COL_TITLE, COL_STATUS, COL_NEXT, COL_DUE, COL_LIST_KIND, COL_ORIGIN, COL_LEAD_UNIT,
     COL_COUNTY_UNIT, COL_LEADER, COL_CONTACT) = range(11)
    HEADERS = ["序号", "任务 / 节点举措", "状态", "下一节点", "到期日", "清单类别", "来源", "牵头单位",
               "县级责任单位", "责任领导", "联系人"]
    SortRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[TaskRow] = []
        self.areas: list[AreaNode] = []
        self._place: dict[int, tuple[int, int]] = {}  # task position → (area row, row in area)
        self._position: dict[int, int] = {}  # task id → position

    # ---- filling ----
    def set_rows(self, rows: list[TaskRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.areas, self._place, self._position = [], {}, {}
        area_rows: dict[int, int] = {}
        for position, row in enumerate(rows):
            area_row = area_rows.get(row.area_id)
            if area_row is None:
                area_row = area_rows[row.area_id] = len(self.areas)
                self.areas.append(AreaNode(row.area_id, row.area, []))
            node = self.areas[area_row]
            self._place[position] = (area_row, len(node.tasks))
            node.tasks.append(position)
            self._position[row.id] = position
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
        index = self.task_index(row.id)
        last = self.columnCount() - 1
        self.dataChanged.emit(index, self.index(index.row(), last, index.parent()))
        if row.milestones:
            self.dataChanged.emit(self.index(0, 0, index), self.index(len(row.milestones) - 1, last, index))
        return True

    # ---- lookup ----
    def task_index(self, task_id: int) -> QModelIndex:
        position = self._position.get(task_id)
        if position is None:
            return QModelIndex()
        area_row, row = self._place[position]
        return self.createIndex(row, 0, 1 + area_row)

    def task_at(self, index: AnyIndex) -> TaskRow | None:
        """The task of a task row or of a milestone row."""
        if not index.isValid() or index.internalId() == 0:
            return None
        if index.internalId() >= TASK_BASE:
            return self.rows[index.internalId() - TASK_BASE]
        return self.rows[self.areas[index.internalId() - 1].tasks[index.row()]]

    def milestone_at(self, index: AnyIndex) -> MilestoneRow | None:
        if index.isValid() and index.internalId() >= TASK_BASE:
            return self.rows[index.internalId() - TASK_BASE].milestones[index.row()]
        return None

    # ---- QAbstractItemModel ----
    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:
        # Bounds checked inline rather than with hasIndex(): the proxy calls this for every row
        # it filters, and each call back into Python counts at 25,000 rows.
        if row < 0 or not 0 <= column < len(self.HEADERS):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0) if row < len(self.areas) else QModelIndex()
        key = parent.internalId()
        if key == 0:
            if row < len(self.areas[parent.row()].tasks):
                return self.createIndex(row, column, 1 + parent.row())
            return QModelIndex()
        if key < TASK_BASE:
            position = self.areas[key - 1].tasks[parent.row()]
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
            return len(self.areas)
        if parent.column() > 0:
            return 0
        if parent.internalId() == 0:
            return len(self.areas[parent.row()].tasks)
        if parent.internalId() < TASK_BASE:
            return len(self.task_at(parent).milestones)
        return 0

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return len(self.HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        key = index.internalId()
        if key == 0:
            return self._area_data(self.areas[index.row()], index.column(), role)
        if key < TASK_BASE:
            return self._task_data(self.task_at(index), index.column(), role)
        return self._milestone_data(self.task_at(index), self.milestone_at(index), index.column(), role)

    def _area_data(self, area: AreaNode, column: int, role: int):
        if role in (Qt.ItemDataRole.DisplayRole, self.SortRole) and column == self.COL_NUMBER:
            return f"{area.name}（{len(area.tasks)}）" if role == Qt.ItemDataRole.DisplayRole else area.id
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _task_data(self, task: TaskRow, column: int, role: int):
        following = task.next_milestone
        if role == Qt.ItemDataRole.DisplayRole:
            match column:
                case self.COL_NUMBER: return str(task.number)
                case self.COL_TITLE: return task.title + ("（需持续跟进）" if task.follow_up else "")
                case self.COL_LIST_KIND: return task.list_kind
                case self.COL_ORIGIN: return task.origin.label
                case self.COL_LEAD_UNIT: return task.lead_unit
                case self.COL_COUNTY_UNIT: return task.county_unit
                case self.COL_LEADER: return task.leader
                case self.COL_CONTACT: return task.contact
                case self.COL_STATUS: return task.status.label + ("*" if task.overridden else "")
                case self.COL_NEXT: return following.title if following else self.tr("全部完成")
                case self.COL_DUE: return following.due.isoformat() if following else ""
        if role == self.SortRole:
            match column:
                case self.COL_NUMBER: return task.number
                case self.COL_STATUS: return list(TaskStatus).index(task.status)
                case self.COL_DUE: return following.due.isoformat() if following else "9999"
            return self._task_data(task, column, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == self.COL_STATUS:
                return TASK_STATUS_COLOURS[task.status]
            if column == self.COL_DUE and following and following.overdue:
                return BEHIND
        if role == Qt.ItemDataRole.ToolTipRole and column in (self.COL_TITLE, self.COL_NEXT):
            return self._task_data(task, column, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_STATUS and task.overridden:
            return self.tr("状态已人工调整（理由见详情）")
        return None

    def _milestone_data(self, task: TaskRow, m: MilestoneRow, column: int, role: int):
        if role == Qt.ItemDataRole.DisplayRole:
            match column:
                case self.COL_NUMBER: return f"{task.number}.{m.seq}"
                case self.COL_TITLE: return m.title
                case self.COL_STATUS: return self.tr(m.state_label)
                case self.COL_NEXT: return self.tr("延期 %d 次") % m.postpone_count if m.postpone_count else ""
                case self.COL_DUE: return (m.done or m.due).isoformat()
            return ""
        if role == self.SortRole:
            return m.seq if column == self.COL_NUMBER else self._milestone_data(task, m, column, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.ForegroundRole and column in (self.COL_STATUS, self.COL_DUE):
            if m.done is not None:
                return TASK_STATUS_COLOURS[TaskStatus.DONE]
            return BEHIND if m.overdue else None
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_TITLE:
            return m.title
        return None


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


class TaskFilterProxyModel(QSortFilterProxyModel):
    """Decides once per filter change which tasks pass, so each row test is a set lookup. An
    area passes when one of its tasks does, a milestone when its task does (worked out here
    rather than by Qt's recursive filtering, which would visit all 20,000 milestones). An area
    row counts the tasks the filter shows; a milestone whose title the search words hit is
    highlighted, so one sees why its task matched."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.filter = TaskFilter()
        self.as_of = date.today()
        self._passing: set[int] = set()
        self._passing_areas: set[int] = set()  # area rows
        self.matched_milestones: set[int] = set()  # milestone ids whose title a search word hits
        self._search: list[str] = []
        self.setSortRole(TaskTreeModel.SortRole)

    def setSourceModel(self, model: TaskTreeModel) -> None:  # type: ignore[override]
        super().setSourceModel(model)
        model.modelReset.connect(self._rows_changed)
        model.dataChanged.connect(self._rows_changed)
        self._rows_changed()

    # beginFilterChange + invalidate…Filter: endFilterChange is Qt 6.10+, and PySide6 stays on 6.9
    # (the last with wheels for glibc 2.28 desktops).
    def _rows_changed(self) -> None:
        self.beginFilterChange()
        self._search = [row.search_text() for row in self.sourceModel().rows]
        self._compute()
        self.invalidateRowsFilter()

    def set_filter(self, task_filter: TaskFilter, as_of: date | None = None) -> None:
        self.beginFilterChange()
        self.filter = task_filter
        if as_of is not None:
            self.as_of = as_of
        self._compute()
        self.invalidateRowsFilter()

    def _compute(self) -> None:
        f = self.filter
        words = f.text.lower().split()
        last_due = self.as_of + timedelta(days=f.due_within) if f.due_within is not None else None
        passing = set()
        for position, row in enumerate(self.sourceModel().rows):
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
            if words and not all(word in self._search[position] for word in words):
                continue
            passing.add(position)
        rows = self.sourceModel().rows
        self.matched_milestones = {m.id for position in passing for m in rows[position].milestones
                                   if any(word in m.title.lower() for word in words)}
        self._passing = passing
        areas = self.sourceModel().areas
        self._passing_areas = {row for row, area in enumerate(areas) if not passing.isdisjoint(area.tasks)}

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if not source_parent.isValid():
            return source_row in self._passing_areas
        areas = self.sourceModel().areas
        if source_parent.internalId() == 0:  # a task row
            return areas[source_parent.row()].tasks[source_row] in self._passing
        return True  # a milestone row: shown whenever its task is

    def passing_count(self) -> int:
        return len(self._passing)

    def filtering(self) -> bool:
        return len(self._passing) < len(self.sourceModel().rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole):
        model: TaskTreeModel = self.sourceModel()
        if (role == Qt.ItemDataRole.DisplayRole and index.column() == model.COL_NUMBER and self.filtering()
                and not index.parent().isValid()):
            area = model.areas[self.mapToSource(index).row()]
            shown = sum(1 for position in area.tasks if position in self._passing)
            return self.tr("%s（显示 %d / %d）") % (area.name, shown, len(area.tasks))
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.FontRole) and self.matched_milestones:
            milestone = model.milestone_at(self.mapToSource(index))
            if milestone is not None and milestone.id in self.matched_milestones:
                if role == Qt.ItemDataRole.BackgroundRole:
                    return SEARCH_HIT
                font = QFont()
                font.setBold(True)
                return font
        return super().data(index, role)

    def matched_task_ids(self) -> set[int]:
        """Tasks shown because of one of their milestones: opened in the tree to show it."""
        return {row.id for row in self.sourceModel().rows if any(m.id in self.matched_milestones for m in row.milestones)}
