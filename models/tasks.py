"""Edits of the task ledger: task fields, county tasks, milestones, progress reports, evidence.

Every function works inside the caller's session (one ``store.transaction()`` per edit), checks
its input first and raises LedgerError with a Chinese message naming the field, so a refused
edit changes nothing. The audit listener records each change on flush.

A task's rows (the task, its milestones, its reports and their evidence) can be captured with
``task_snapshot`` and put back with ``restore_task``: that is how an edit is undone exactly.
"""
from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from models.enums import Origin, TaskStatus
from models.errors import LedgerError
from models.ledger import Evidence, Period, ProgressReport
from models.locks import ensure_unlocked, lock_reason
from models.periods import parse_period_id
from models.plan import Area, ListKind, Milestone, Plan, Task

# Longest text a field takes, in characters (titles follow their column width).
REPORT_TEXT_LIMIT = 2000
NOTE_LIMIT = 1000
# Task fields a user edits: field → (label, limit).
TASK_FIELDS: dict[str, tuple[str, int]] = {
    "title": ("任务名称", 100),
    "text": ("任务内容", 4000),
    "lead_unit": ("牵头单位", 100),
    "county_unit": ("县级责任单位", 100),
    "leader": ("责任领导", 50),
    "contact": ("联系人", 50),
    "contact_phone": ("联系电话", 30),
}
MILESTONE_TITLE_LIMIT = 200
REPORT_FIELDS = {"progress": "进展情况", "problems": "存在问题", "next_steps": "下步计划"}


# ---- checks -------------------------------------------------------------------------------

def check_text(label: str, value: str, limit: int, required: bool = False) -> str:
    value = value.strip()
    if required and not value:
        raise LedgerError(f"“{label}”不能为空。")
    if len(value) > limit:
        raise LedgerError(f"“{label}”最多 {limit} 个字，现有 {len(value)} 个字，请精简后再保存。")
    return value


def check_due(plan: Plan, label: str, due: date) -> None:
    if due.year != plan.year:
        raise LedgerError(f"“{label}”{due.isoformat()} 不在方案年度（{plan.year}年）内。")


def plan_start(plan: Plan) -> date:
    """The day the plan starts: its issue date if known, else 1 January of its year."""
    return plan.issued_on or date(plan.year, 1, 1)


def check_done(plan: Plan, done: date) -> None:
    start = plan_start(plan)
    if done < start:
        raise LedgerError(f"“完成日期”{done.isoformat()} 早于方案开始日期（{start.isoformat()}）。")


def get_task(session: Session, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None or task.archived:
        raise LedgerError(f"没有编号为 {task_id} 的任务。")
    return task


def get_milestone(session: Session, milestone_id: int) -> Milestone:
    milestone = session.get(Milestone, milestone_id)
    if milestone is None:
        raise LedgerError(f"没有这个节点举措（{milestone_id}），可能已被删除。")
    return milestone


def task_by_number(session: Session, plan: Plan, number: int) -> Task:
    task = session.scalar(select(Task).where(Task.plan_id == plan.id, Task.number == number,
                                             Task.archived.is_(False)))
    if task is None:
        raise LedgerError(f"方案中没有第 {number} 号任务。")
    return task


def milestone_by_seq(task: Task, seq: int) -> Milestone:
    for milestone in task.milestones:
        if milestone.seq == seq:
            return milestone
    raise LedgerError(f"第 {task.number} 号任务没有第 {seq} 个节点举措（共 {len(task.milestones)} 个）。")


# ---- tasks ------------------------------------------------------------------------------------

def update_task(session: Session, task_id: int, field: str, value: str) -> None:
    label, limit = TASK_FIELDS[field]
    task = get_task(session, task_id)
    setattr(task, field, check_text(label, value, limit, required=field == "title"))


def add_county_task(session: Session, plan: Plan, area_id: int, title: str,
                    list_kind_id: int | None = None) -> Task:
    """A county's own task (自选动作), numbered after the plan's last task."""
    title = check_text("任务名称", title, TASK_FIELDS["title"][1], required=True)
    area = session.get(Area, area_id)
    if area is None or area.plan_id != plan.id:
        raise LedgerError("请选择任务所属的领域。")
    if list_kind_id is not None and session.get(ListKind, list_kind_id) is None:
        raise LedgerError("所选清单类别不存在。")
    number = (session.scalar(select(func.max(Task.number)).where(Task.plan_id == plan.id)) or 0) + 1
    task = Task(plan=plan, area=area, list_kind_id=list_kind_id, number=number, origin=Origin.COUNTY,
                title=title, responsible_units=[], supporting_units=[])
    session.add(task)
    session.flush()
    return task


def delete_county_task(session: Session, task_id: int) -> None:
    """Delete a 自选动作 with all it holds; the city's tasks (规定动作) cannot be deleted."""
    task = get_task(session, task_id)
    if task.origin is not Origin.COUNTY:
        raise LedgerError(f"第 {task.number} 号任务是市里下达的规定动作，不能删除。")
    _put_rows(session, task_rows_of(session, task_id), {})


def set_follow_up(session: Session, task_id: int, on: bool, note: str) -> None:
    """需持续跟进: a task that cannot be solved for now, with the explanation why."""
    note = check_text("跟进说明", note, NOTE_LIMIT, required=on)
    task = get_task(session, task_id)
    task.follow_up = on
    task.follow_up_note = note


def set_status_override(session: Session, task_id: int, status: TaskStatus | None, reason: str) -> None:
    """Override the derived status; the reason is required and kept. ``None`` returns to the rule."""
    task = get_task(session, task_id)
    if status is None:
        task.status_override = None
        task.override_reason = ""
        return
    task.override_reason = check_text("调整状态的理由", reason, NOTE_LIMIT, required=True)
    task.status_override = status


# ---- milestones -------------------------------------------------------------------------------

def add_milestone(session: Session, task_id: int, title: str, due: date) -> Milestone:
    task = get_task(session, task_id)
    title = check_text("节点举措", title, MILESTONE_TITLE_LIMIT, required=True)
    check_due(task.plan, "完成时限", due)
    seq = max((m.seq for m in task.milestones), default=0) + 1
    milestone = Milestone(task=task, seq=seq, title=title, due_date=due, original_due=due)
    session.add(milestone)
    session.flush()
    return milestone


def update_milestone(session: Session, milestone_id: int, title: str, note: str) -> None:
    milestone = get_milestone(session, milestone_id)
    milestone.title = check_text("节点举措", title, MILESTONE_TITLE_LIMIT, required=True)
    milestone.note = check_text("备注", note, NOTE_LIMIT)


def set_milestone_done(session: Session, milestone_id: int, done: date | None) -> None:
    """Mark done on ``done`` (or not done with ``None``)."""
    milestone = get_milestone(session, milestone_id)
    if done is not None:
        check_done(milestone.task.plan, done)
    milestone.done_date = done


def postpone_milestone(session: Session, milestone_id: int, new_due: date, reason: str) -> None:
    """Move the due date: the first date stays in ``original_due``, the moves are counted."""
    milestone = get_milestone(session, milestone_id)
    reason = check_text("延期原因", reason, NOTE_LIMIT, required=True)
    check_due(milestone.task.plan, "新的完成时限", new_due)
    if new_due == milestone.due_date:
        raise LedgerError(f"“新的完成时限”与原时限相同（{new_due.isoformat()}），无需延期。")
    milestone.due_date = new_due
    milestone.postpone_count += 1
    milestone.postpone_reason = reason


def delete_milestone(session: Session, milestone_id: int) -> None:
    milestone = get_milestone(session, milestone_id)
    for evidence in session.scalars(select(Evidence).where(Evidence.milestone_id == milestone_id)):
        session.delete(evidence)
    session.delete(milestone)


# ---- progress reports -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ReportText:
    """A report as the editor shows it; ``saved`` is False for a draft not yet in the store;
    ``locked`` says why it is read-only (a signed return covers its period), "" when it is open."""

    progress: str = ""
    problems: str = ""
    next_steps: str = ""
    carried_forward: bool = False
    saved: bool = False
    report_id: int | None = None
    locked: str = ""


def previous_report(session: Session, task_id: int, period_id: str) -> ProgressReport | None:
    """The task's latest report of an earlier period of the same type."""
    span = parse_period_id(period_id)
    return session.scalar(
        select(ProgressReport).join(Period)
        .where(ProgressReport.task_id == task_id, Period.type == span.type, Period.end < span.start)
        .order_by(Period.end.desc()).limit(1))


def get_report(session: Session, task_id: int, period_id: str) -> ProgressReport | None:
    return session.scalar(select(ProgressReport).where(ProgressReport.task_id == task_id,
                                                       ProgressReport.period_id == period_id))


def report_for_edit(session: Session, task_id: int, period_id: str) -> ReportText:
    """The stored report, or a draft whose 进展情况 starts from the previous 下步计划."""
    locked = lock_reason(session, period_id, "任务进展")
    report = get_report(session, task_id, period_id)
    if report is not None:
        return ReportText(report.progress, report.problems, report.next_steps, report.carried_forward,
                          True, report.id, locked)
    before = previous_report(session, task_id, period_id)
    if before is None or not before.next_steps or locked:
        return ReportText(locked=locked)
    return ReportText(progress=before.next_steps, carried_forward=True, locked=locked)


def save_report(session: Session, task_id: int, period_id: str, progress: str, problems: str = "",
                next_steps: str = "") -> ProgressReport:
    """Write the task's report for the period; refused for a period a signed return covers."""
    texts = {key: check_text(label, value, REPORT_TEXT_LIMIT)
             for (key, label), value in zip(REPORT_FIELDS.items(), (progress, problems, next_steps))}
    task = get_task(session, task_id)
    if session.get(Period, period_id) is None:
        parse_period_id(period_id)  # names what is wrong with a malformed id
        raise LedgerError(f"期次 {period_id} 不在台账中（方案年度为 {task.plan.year} 年）。")
    ensure_unlocked(session, period_id, "任务进展")
    before = previous_report(session, task_id, period_id)
    report = get_report(session, task_id, period_id)
    if report is None:
        report = ProgressReport(task_id=task_id, period_id=period_id)
        session.add(report)
    for key, value in texts.items():
        setattr(report, key, value)
    # Still the previous 下步计划 word for word: the county has not yet written this period's own.
    report.carried_forward = bool(before and before.next_steps and texts["progress"] == before.next_steps)
    session.flush()
    return report


# ---- evidence ---------------------------------------------------------------------------------

def attach_evidence(session: Session, evidence_folder: Path, source: Path, *, milestone_id: int | None = None,
                    report_id: int | None = None) -> Evidence:
    """Copy ``source`` into the store's evidence folder (named by content) and record it."""
    if (milestone_id is None) == (report_id is None):
        raise ValueError("evidence belongs to exactly one milestone or report")
    if milestone_id is not None:
        get_milestone(session, milestone_id)
    elif session.get(ProgressReport, report_id) is None:
        raise LedgerError("请先保存本期进展，再添加佐证材料。")
    if not source.is_file():
        raise LedgerError(f"佐证材料 {source} 不存在或不是文件。")
    digest = hashlib.sha256()
    with open(source, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    sha = digest.hexdigest()
    relative = Path(sha[:2]) / f"{sha}{source.suffix.lower()}"
    target = evidence_folder / relative
    if not target.exists():  # the same content is kept once
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        shutil.copyfile(source, partial)
        partial.replace(target)
    evidence = Evidence(milestone_id=milestone_id, report_id=report_id, file_name=source.name,
                        stored_path=relative.as_posix(), sha256=sha, size=source.stat().st_size)
    session.add(evidence)
    session.flush()
    return evidence


def evidence_path(evidence_folder: Path, evidence: Evidence | Any) -> Path:
    """Where the copy of an evidence file (anything with ``stored_path``) lives."""
    return evidence_folder / evidence.stored_path


def remove_evidence(session: Session, evidence_id: int) -> None:
    """Forget the attachment; the copied file stays, so an undo finds it again."""
    evidence = session.get(Evidence, evidence_id)
    if evidence is not None:
        session.delete(evidence)


def evidence_of_task(session: Session, task_id: int) -> list[Evidence]:
    milestone_ids = select(Milestone.id).where(Milestone.task_id == task_id)
    report_ids = select(ProgressReport.id).where(ProgressReport.task_id == task_id)
    return list(session.scalars(select(Evidence).where(
        Evidence.milestone_id.in_(milestone_ids) | Evidence.report_id.in_(report_ids)).order_by(Evidence.id)))


# ---- snapshots, for undo ----------------------------------------------------------------------

RowKey = tuple[str, int]
Snapshot = dict[RowKey, dict[str, Any]]
# Parents before children: inserts run in this order, deletes in reverse.
_TABLES: list[type] = [Task, Milestone, ProgressReport, Evidence]
_BY_NAME = {cls.__tablename__: cls for cls in _TABLES}
_UNTRACKED = {"created_at", "updated_at"}


def _columns(obj: Any) -> dict[str, Any]:
    state = inspect(obj)
    return {attr.key: _copy(getattr(obj, attr.key)) for attr in state.mapper.column_attrs
            if attr.key not in _UNTRACKED}


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def task_rows_of(session: Session, task_id: int) -> dict[RowKey, Any]:
    """The ORM rows that make up a task: itself, its milestones, reports and evidence."""
    task = session.get(Task, task_id)
    if task is None:
        return {}
    rows: dict[RowKey, Any] = {("task", task.id): task}
    for milestone in task.milestones:
        rows[("milestone", milestone.id)] = milestone
    for report in session.scalars(select(ProgressReport).where(ProgressReport.task_id == task_id)):
        rows[("progress_report", report.id)] = report
    for evidence in evidence_of_task(session, task_id):
        rows[("evidence", evidence.id)] = evidence
    return rows


def task_snapshot(session: Session, task_id: int) -> Snapshot:
    """Every column of every row of the task (empty if the task does not exist)."""
    session.flush()
    return {key: _columns(obj) for key, obj in task_rows_of(session, task_id).items()}


def restore_task(session: Session, task_id: int, snapshot: Snapshot) -> None:
    """Make the task's rows exactly ``snapshot`` again, changing only what differs; refused, as an
    edit is, where that would change a report of a period a signed return locks."""
    session.flush()
    current = task_rows_of(session, task_id)
    for period_id in sorted(_report_periods_changed(current, snapshot)):
        ensure_unlocked(session, period_id, "任务进展")
    _put_rows(session, current, snapshot)


def _report_periods_changed(current: dict[RowKey, Any], wanted: Snapshot) -> set[str]:
    periods = set()
    for key in set(current) | set(wanted):
        if key[0] != "progress_report":
            continue
        now = _columns(current[key]) if key in current else None
        if now != wanted.get(key):
            periods.add((wanted.get(key) or now)["period_id"])
    return periods


def _put_rows(session: Session, current: dict[RowKey, Any], wanted: Snapshot) -> None:
    order = {name: i for i, name in enumerate(_BY_NAME)}
    for key in sorted(set(current) - set(wanted), key=lambda k: -order[k[0]]):
        session.delete(current[key])
        session.flush()  # children go first, so the foreign keys hold at every step
        session.expire_all()  # and the parents' collections forget them
    for key in sorted(wanted, key=lambda k: order[k[0]]):
        values = wanted[key]
        obj = current.get(key)
        if obj is None:
            session.add(_BY_NAME[key[0]](**{k: _copy(v) for k, v in values.items()}))
        else:
            for field, value in values.items():
                if getattr(obj, field) != value:
                    setattr(obj, field, _copy(value))
        session.flush()
    session.expire_all()

