"""What the 首页 dashboard (and the return's cover) shows: counts by status and area, lagging
tasks, milestones due soon, tasks still without a report for the current period."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from models.enums import TaskStatus
from models.plan_loader import current_plan
from models.store import Store
from models.summary import plan_heading
from models.task_list import MilestoneRow, TaskRow, task_list

DUE_SOON_DAYS = 14


@dataclass(frozen=True, slots=True)
class DueMilestone:
    task: TaskRow
    milestone: MilestoneRow


def status_counts(rows: list[TaskRow]) -> Counter[TaskStatus]:
    return Counter(row.status for row in rows)


def status_by_area(rows: list[TaskRow]) -> dict[str, Counter[TaskStatus]]:
    """Area name → counts per status, in the rows' (area) order."""
    table: dict[str, Counter[TaskStatus]] = {}
    for row in rows:
        table.setdefault(row.area, Counter())[row.status] += 1
    return table


def lagging_tasks(rows: list[TaskRow]) -> list[TaskRow]:
    return [row for row in rows if row.status is TaskStatus.LAGGING]


def milestones_due_within(rows: list[TaskRow], as_of: date, days: int = DUE_SOON_DAYS) -> list[DueMilestone]:
    """Milestones not done whose due date falls in [as_of, as_of + days], soonest first."""
    last = as_of + timedelta(days=days)
    due = [DueMilestone(row, m) for row in rows for m in row.milestones
           if m.done is None and as_of <= m.due <= last]
    return sorted(due, key=lambda d: (d.milestone.due, d.task.number))


def tasks_without_report(rows: list[TaskRow]) -> list[TaskRow]:
    """Tasks still open that have no report for the current period."""
    return [row for row in rows if not row.reported_this_period and row.status is not TaskStatus.DONE]


@dataclass
class HomeOverview:
    heading: dict[str, Any]  # models.summary.plan_heading
    rows: list[TaskRow]
    year: int  # the plan's year, else the working date's


def home_overview(store: Store, as_of: date) -> HomeOverview:
    """What 首页 shows: the plan's heading and every task's row."""
    with store.session() as session:
        plan = current_plan(session)
        return HomeOverview(plan_heading(session, plan, as_of), task_list(session, plan, as_of) if plan else [],
                            plan.year if plan else as_of.year)
