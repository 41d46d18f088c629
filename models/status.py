"""The one rule that decides a task's status (未启动 / 推进中 / 滞后 / 已完成).

Used by the task workspace, the dashboard, the exports and the command line alike.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from models.enums import TaskStatus
from models.periods import time_progress
from models.plan import Task


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
