"""The task ledger's user actions, as the window and the command line call them: one transaction
each, checked by the edits of models.tasks, raising LedgerError with the Chinese message.

An edit of the window returns a ``TaskChange``: the task's rows before and after
(models.tasks.task_snapshot), which undo and redo put back with ``put_task`` — itself checked
like an edit, so an undo cannot rewrite a period a signed return locks. Reads the task pages
need are here too.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from models import tasks
from models.enums import TaskStatus
from models.ledger import Period
from models.plan_loader import current_plan, require_plan
from models.settings import as_of_date
from models.store import Store
from models.task_list import TaskDetail, TaskRow, list_kinds, report_periods, task_detail, task_list


@dataclass(frozen=True)
class TaskChange:
    task_id: int
    before: tasks.Snapshot
    after: tasks.Snapshot


def _change(store: Store, task_id: int, edit: Callable[[Session], object]) -> TaskChange:
    with store.transaction() as session:
        before = tasks.task_snapshot(session, task_id)
        edit(session)
        return TaskChange(task_id, before, tasks.task_snapshot(session, task_id))


def put_task(store: Store, task_id: int, snapshot: tasks.Snapshot) -> None:
    """Undo / redo: the task's rows exactly as ``snapshot`` (refused in a locked period)."""
    with store.transaction() as session:
        tasks.restore_task(session, task_id, snapshot)


def update_task(store: Store, task_id: int, field: str, value: str) -> TaskChange:
    return _change(store, task_id, lambda s: tasks.update_task(s, task_id, field, value))


def add_county_task(store: Store, area_id: int, title: str, list_kind_id: int | None = None) -> TaskChange:
    with store.transaction() as session:
        task = tasks.add_county_task(session, require_plan(session), area_id, title, list_kind_id)
        return TaskChange(task.id, {}, tasks.task_snapshot(session, task.id))


def delete_county_task(store: Store, task_id: int) -> TaskChange:
    return _change(store, task_id, lambda s: tasks.delete_county_task(s, task_id))


def set_follow_up(store: Store, task_id: int, on: bool, note: str) -> TaskChange:
    return _change(store, task_id, lambda s: tasks.set_follow_up(s, task_id, on, note))


def set_status_override(store: Store, task_id: int, status: TaskStatus | None, reason: str) -> TaskChange:
    return _change(store, task_id, lambda s: tasks.set_status_override(s, task_id, status, reason))


def add_milestone(store: Store, task_id: int, title: str, due: date) -> TaskChange:
    return _change(store, task_id, lambda s: tasks.add_milestone(s, task_id, title, due))


def update_milestone(store: Store, task_id: int, milestone_id: int, title: str, note: str) -> TaskChange:
    return _change(store, task_id, lambda s: tasks.update_milestone(s, milestone_id, title, note))


def delete_milestone(store: Store, task_id: int, milestone_id: int) -> TaskChange:
    return _change(store, task_id, lambda s: tasks.delete_milestone(s, milestone_id))


def set_milestone_done(store: Store, task_id: int, milestone_id: int, done: date | None) -> TaskChange:
    return _change(store, task_id, lambda s: tasks.set_milestone_done(s, milestone_id, done))


def postpone_milestone(store: Store, task_id: int, milestone_id: int, new_due: date, reason: str) -> TaskChange:
    return _change(store, task_id, lambda s: tasks.postpone_milestone(s, milestone_id, new_due, reason))


def save_report(store: Store, task_id: int, period_id: str, progress: str, problems: str = "",
                next_steps: str = "") -> TaskChange:
    return _change(store, task_id, lambda s: tasks.save_report(s, task_id, period_id, progress, problems, next_steps))


def attach_evidence(store: Store, task_id: int, source: Path, *, milestone_id: int | None = None,
                    report_id: int | None = None) -> TaskChange:
    return _change(store, task_id, lambda s: tasks.attach_evidence(
        s, store.evidence_folder, source, milestone_id=milestone_id, report_id=report_id))


def remove_evidence(store: Store, task_id: int, evidence_id: int) -> TaskChange:
    return _change(store, task_id, lambda s: tasks.remove_evidence(s, evidence_id))


# ---- by task number, as the command line names them ------------------------------------------

@dataclass(frozen=True)
class TaskStep:
    """What a command did: the task's number, the period or milestone, the date."""
    number: int
    what: str
    day: date | None = None


def record_report(store: Store, number: int, period_id: str, progress: str, problems: str = "",
                  next_steps: str = "") -> TaskStep:
    """The ``report`` command: task ``number``'s report for the period."""
    with store.transaction() as session:
        task = tasks.task_by_number(session, require_plan(session), number)
        report = tasks.save_report(session, task.id, period_id.strip().upper(), progress, problems, next_steps)
        return TaskStep(task.number, report.period.label)


def complete_milestone(store: Store, number: int, seq: int, done: date) -> TaskStep:
    """The ``milestone-done`` command: the ``seq``-th milestone of task ``number`` done on ``done``."""
    with store.transaction() as session:
        task = tasks.task_by_number(session, require_plan(session), number)
        milestone = tasks.milestone_by_seq(task, seq)
        tasks.set_milestone_done(session, milestone.id, done)
        return TaskStep(task.number, milestone.title, done)


# ---- what the task pages read ----------------------------------------------------------------

@dataclass
class TaskBoard:
    plan_name: str  # "" before a plan is loaded
    rows: list[TaskRow]
    areas: list[tuple[int, str]]
    list_kinds: list[tuple[int, str]]


def task_board(store: Store, as_of: date) -> TaskBoard:
    """任务清单: every task's row, and the areas and list kinds to choose from."""
    with store.session() as session:
        plan = current_plan(session)
        if plan is None:
            return TaskBoard("", [], [], list_kinds(session))
        return TaskBoard(plan.name, task_list(session, plan, as_of), [(a.id, a.name) for a in plan.areas],
                         list_kinds(session))


def task_row(store: Store, task_id: int, as_of: date) -> TaskRow | None:
    """One task's row again, after an edit of it."""
    with store.session() as session:
        plan = current_plan(session)
        rows = task_list(session, plan, as_of, only=task_id) if plan else []
    return rows[0] if rows else None


def read_task(store: Store, task_id: int) -> TaskDetail | None:
    with store.session() as session:
        return task_detail(session, task_id)


def reporting_periods(store: Store, as_of: date | None = None) -> list[Period]:
    """The periods a progress report can be written for, up to the current one."""
    with store.session() as session:
        plan = current_plan(session)
        return report_periods(plan, as_of_date(session, as_of)) if plan else []


def report_text(store: Store, task_id: int, period_id: str) -> tasks.ReportText:
    """The report as the form shows it: saved, or the previous 下步计划 carried forward."""
    with store.session() as session:
        return tasks.report_for_edit(session, task_id, period_id)
