"""The one rule that decides a task's status (未启动 / 推进中 / 滞后 / 已完成).

Used by the task workspace, the dashboard, the exports and the command line alike.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.enums import TaskStatus
from models.ledger import Period, ProgressReport
from models.periods import time_progress
from models.plan import Milestone, Plan, Task


@dataclass(frozen=True, slots=True)
class MilestoneFacts:
    due: date
    done: date | None


@dataclass(frozen=True, slots=True)
class TaskFacts:
    """What the rule looks at, so that it can be tested without a store."""

    milestones: Sequence[MilestoneFacts]
    year_start: date
    has_report: bool = False
    override: TaskStatus | None = None


def milestone_done(m: MilestoneFacts, as_of: date) -> bool:
    return m.done is not None and m.done <= as_of


def milestone_overdue(m: MilestoneFacts, as_of: date) -> bool:
    """Past its due date and not done by the working date (due today is not yet late)."""
    return m.due < as_of and not milestone_done(m, as_of)


def task_status(facts: TaskFacts, as_of: date, tolerance: float) -> TaskStatus:
    if facts.override is not None:
        return facts.override
    milestones = facts.milestones
    done = sum(milestone_done(m, as_of) for m in milestones)
    if milestones and done == len(milestones):
        return TaskStatus.DONE
    if any(milestone_overdue(m, as_of) for m in milestones):
        return TaskStatus.LAGGING
    if milestones:
        end = max(m.due for m in milestones)
        expected = time_progress(as_of, facts.year_start, max(end, facts.year_start))
        if done / len(milestones) < expected - tolerance:
            return TaskStatus.LAGGING
    if done == 0 and not facts.has_report:
        return TaskStatus.NOT_STARTED
    return TaskStatus.ON_TRACK


def task_facts(task: Task, has_report: bool) -> TaskFacts:
    """The facts of a stored task (its milestones must be loaded)."""
    return TaskFacts(
        milestones=[MilestoneFacts(m.due_date, m.done_date) for m in task.milestones],
        year_start=date(task.plan.year, 1, 1),
        has_report=has_report,
        override=task.status_override,
    )


def task_statuses(session: Session, plan: Plan, as_of: date, tolerance: float,
                  only: int | None = None) -> dict[int, TaskStatus]:
    """The status of every current task of ``plan`` (or of task ``only``), read with three
    queries, so it is fit for 5,000 tasks."""
    which = [Task.plan_id == plan.id] + ([Task.id == only] if only is not None else [])
    tasks = session.execute(select(Task.id, Task.status_override).where(*which, Task.archived.is_(False))).all()
    milestones: dict[int, list[MilestoneFacts]] = defaultdict(list)
    rows = session.execute(select(Milestone.task_id, Milestone.due_date, Milestone.done_date)
                           .join(Task).where(*which))
    for task_id, due, done in rows:
        milestones[task_id].append(MilestoneFacts(due, done))
    reported = set(session.scalars(
        select(ProgressReport.task_id).join(Period).join(Task)
        .where(*which, Period.start <= as_of).distinct()))
    year_start = date(plan.year, 1, 1)
    return {
        task_id: task_status(TaskFacts(milestones[task_id], year_start, task_id in reported, override),
                             as_of, tolerance)
        for task_id, override in tasks
    }
