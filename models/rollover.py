"""年度结转: year N+1's ledger made from year N's unfinished tasks, previewed, then all or nothing.

Carried: every task of year N not done by its year's end, with its people, units and county
tasks, linked to the task it came from (``Task.previous``: its reports and values stay readable
from the new year); its milestones not done, moved to the same day of the new year (or, with
``undated``, to the new year's end with a note asking the user to date them); continuing
milestones (长期坚持) to the new year's end; every live indicator, its target kept but marked to
be confirmed (目标待确认). Finished tasks are listed, not carried. Year N is left as it was, so
its returns still verify. A backup of the store is made before anything is written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import audit
from models.enums import TaskStatus
from models.errors import LedgerError
from models.plan import Area, Indicator, Milestone, Plan, Task
from models.plan_loader import current_plan, ensure_periods, plan_years
from models.settings import AS_OF, LAG_TOLERANCE
from models.status import task_statuses
from models.backups import backup_copy
from models.store import Store

CARRIED_MARK = "上年度结转"


@dataclass
class CarriedTask:
    number: int
    title: str
    milestones: list[tuple[str, date, date]]  # (title, old due, new due)


@dataclass
class Rollover:
    """What a rollover does (or did): the preview and the result are the same object."""

    from_year: int
    to_year: int
    carried: list[CarriedTask] = field(default_factory=list)
    finished: list[tuple[int, str]] = field(default_factory=list)
    indicators: int = 0
    undated: bool = False
    working_date_cleared: date | None = None
    backup: str | None = None

    def lines(self) -> list[str]:
        moved = sum(len(t.milestones) for t in self.carried)
        how = f"移到 {self.to_year} 年年底，请逐项确定完成时限" if self.undated else f"移到 {self.to_year} 年同月同日"
        out = [f"从 {self.from_year} 年度结转到 {self.to_year} 年度：结转 {len(self.carried)} 项未完成任务、"
               f"{moved} 个未完成节点（{how}）、{self.indicators} 个指标（目标待确认）；"
               f"{len(self.finished)} 项已完成任务不结转。"]
        out += [f"结转：任务 {t.number} {t.title}（{len(t.milestones)} 个节点）" for t in self.carried]
        out += [f"已完成，不结转：任务 {number} {title}" for number, title in self.finished]
        if self.working_date_cleared:
            out.append(f"台账日期 {self.working_date_cleared.isoformat()} 属于 {self.from_year} 年度，已清除（改按今天）。")
        return out

    def as_dict(self) -> dict:
        return {"from_year": self.from_year, "to_year": self.to_year, "carried": len(self.carried),
                "milestones": sum(len(t.milestones) for t in self.carried), "indicators": self.indicators,
                "finished": [n for n, _t in self.finished], "backup": self.backup, "lines": self.lines()}


def _same_day(day: date, year: int) -> date:
    return day.replace(year=year) if (day.month, day.day) != (2, 29) else date(year, 2, 28)


def source_plan(session: Session, to_year: int) -> Plan:
    """Year N's plan for a rollover to N+1, or a refusal saying why there is none."""
    if session.scalar(select(Plan.id).where(Plan.year == to_year)) is not None:
        raise LedgerError(f"台账中已有 {to_year} 年度的方案，不能再结转；如市里下达了本年度方案，请用“导入方案工作簿”。")
    plan = current_plan(session, to_year - 1)
    if plan is None:
        held = "、".join(f"{y}年" for y in plan_years(session)) or "无"
        raise LedgerError(f"台账中没有 {to_year - 1} 年度的方案，无法结转到 {to_year} 年（已有年度：{held}）。")
    return plan


def _carry(session: Session, old: Plan, to_year: int, undated: bool) -> tuple[Plan, Rollover]:
    result = Rollover(old.year, to_year, undated=undated)
    statuses = task_statuses(session, old, date(old.year, 12, 31), LAG_TOLERANCE.get(session))
    code = f"{old.code}-{to_year}"[-40:]
    plan = Plan(code=code, name=f"{to_year}年度台账（由{old.year}年度结转）", year=to_year, issuer=old.issuer,
                progress_cycle=old.progress_cycle,
                source=f"由 {old.year} 年度“{old.name}”结转；本年度方案下达后请导入，与结转任务对照。")
    areas = {a.id: Area(code=a.code, seq=a.seq, name=a.name, title=a.title, lead_unit=a.lead_unit) for a in old.areas}
    plan.areas = list(areas.values())
    tasks: dict[int, Task] = {}
    for task in old.tasks:
        if task.archived:
            continue
        if statuses.get(task.id) is TaskStatus.DONE:
            result.finished.append((task.number, task.title))
            continue
        new = Task(number=task.number, area=areas[task.area_id], list_kind=task.list_kind, origin=task.origin,
                   title=task.title, text=task.text, lead_unit=task.lead_unit,
                   responsible_units=list(task.responsible_units), supporting_units=list(task.supporting_units),
                   county_unit=task.county_unit, leader=task.leader, contact=task.contact,
                   contact_phone=task.contact_phone, follow_up=task.follow_up, follow_up_note=task.follow_up_note,
                   previous=task)
        moved = []
        for milestone in (m for m in task.milestones if m.done_date is None):
            year_end = date(to_year, 12, 31)
            due = year_end if milestone.continuing or undated else _same_day(milestone.due_date, to_year)
            note = f"{CARRIED_MARK}（原定 {milestone.due_date.isoformat()}）"
            if undated and not milestone.continuing:
                note += "，请确定完成时限"
            new.milestones.append(Milestone(seq=len(new.milestones) + 1, title=milestone.title, due_date=due,
                                            original_due=due, continuing=milestone.continuing, note=note))
            moved.append((milestone.title, milestone.due_date, due))
        tasks[task.id] = new
        result.carried.append(CarriedTask(task.number, task.title, moved))
    plan.tasks = list(tasks.values())
    plan.indicators = [
        Indicator(code=i.code, name=i.name, task=tasks.get(i.task_id), origin=i.origin, unit=i.unit,
                  direction=i.direction, comparison=i.comparison, kind=i.kind, target=i.target,
                  target_high=i.target_high, target_text=i.target_text, county_target=i.county_target,
                  range_min=i.range_min, range_max=i.range_max, decimals=i.decimals, period_type=i.period_type,
                  source_unit=i.source_unit, source_text=i.source_text, target_pending=True)
        for i in old.indicators if not i.archived
    ]
    result.indicators = len(plan.indicators)
    return plan, result


def preview_rollover(store: Store, to_year: int, undated: bool = False) -> Rollover:
    """What ``rollover`` would do, without writing."""
    with store.session() as session:
        plan, result = _carry(session, source_plan(session, to_year), to_year, undated)
        session.expunge_all()  # nothing of the draft reaches the store
        return result


def rollover(store: Store, to_year: int, undated: bool = False) -> Rollover:
    """Make year ``to_year`` from the year before, in one transaction, after a backup of the store."""
    with store.session() as session:
        source_plan(session, to_year)  # refuse before making a backup
    backup = backup_copy(store.path, f"rollover-{to_year}")
    with store.transaction() as session:
        audit.suspend(session)  # copying a year is not an edit of its data
        plan, result = _carry(session, source_plan(session, to_year), to_year, undated)
        session.add(plan)
        ensure_periods(session, to_year)
        working = AS_OF.get(session)
        if working is not None and working.year < to_year:
            AS_OF.set(session, None)
            result.working_date_cleared = working
    result.backup = str(backup)
    return result


def rollover_or_preview(store: Store, to_year: int, dry_run: bool = False, undated: bool = False) -> Rollover:
    """The ``rollover`` command: the preview with ``dry_run``, else the rollover."""
    return (preview_rollover if dry_run else rollover)(store, to_year, undated)
