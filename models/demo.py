"""Demo entries for a year in progress, clearly marked as such (【演示】, the office name).

Deterministic (seeded), so screenshots and tests see the same ledger every time.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import audit
from models.enums import Direction, PeriodType, ValueKind
from models.ledger import IndicatorValue, ProgressReport
from models.office import Office
from models.periods import period_containing, periods_of_year, time_progress
from models.plan import Plan
from models.settings import AS_OF

DEMO_AS_OF = date(2023, 10, 27)
DEMO_MARK = "【演示】"
_LEADERS = ["王建华", "李晓东", "陈国平", "张丽萍", "刘志强", "周海燕", "吴卫东", "郑敏"]
_CONTACTS = ["方宇", "何静", "徐晨", "蒋磊", "沈佳", "韩露", "杨帆", "朱琳", "胡斌", "潘婷"]
_PROBLEMS = [
    "部门间数据共享接口尚未全部打通，部分事项仍需线下流转。",
    "基层窗口人员力量不足，业务培训需进一步加强。",
    "个别项目前期手续办理周期较长，影响整体进度。",
    "相关系统由省级统建，本地改造需等待省级版本更新。",
    "",
    "",
]


def load_demo(session: Session, plan: Plan) -> bool:
    """Fill the plan with a believable county's entries up to DEMO_AS_OF; False if already there."""
    if session.scalar(select(ProgressReport.id).limit(1)) is not None:
        return False
    audit.suspend(session)
    rng = random.Random(2023)
    AS_OF.set(session, DEMO_AS_OF)
    office = session.scalar(select(Office).limit(1)) or Office()
    office.county = office.county or "婺城区"
    office.office_name = office.office_name or "婺城区营商环境优化提升专班办公室（演示数据）"
    office.preparer = office.preparer or "方宇"
    office.reviewer = office.reviewer or "李晓东"
    office.approver = office.approver or "王建华"
    office.phone = office.phone or "0579-8220 1234"
    session.add(office)

    lagging = set(rng.sample([t.number for t in plan.tasks], k=5))
    for task in plan.tasks:
        task.county_unit = f"区{task.lead_unit.removeprefix('市')}" if task.lead_unit.startswith("市") else task.lead_unit
        task.leader = rng.choice(_LEADERS)
        task.contact = rng.choice(_CONTACTS)
        task.contact_phone = f"1358{rng.randrange(1000000, 9999999)}"
        for milestone in task.milestones:
            late = task.number in lagging and milestone.due_date >= date(2023, 9, 1)
            if milestone.due_date < DEMO_AS_OF and not late:
                milestone.done_date = milestone.due_date - timedelta(days=rng.randrange(0, 12))
        _add_reports(session, task, rng, lagging)
    _add_ledger_events(plan, lagging)
    _add_values(session, plan, rng)
    # The problems' demo pulls in their whole workflow: only `init --demo` needs it, not every start.
    from models.problems.demo import load_problem_demo

    load_problem_demo(session, DEMO_AS_OF)
    session.flush()
    return True


def _add_reports(session: Session, task, rng: random.Random, lagging: set[int]) -> None:
    current = period_containing(DEMO_AS_OF, PeriodType.BIWEEKLY)
    # Reports start with the plan's issue (May) and stop before the current period for a few
    # tasks, so the demo shows what is still missing.
    last = current.number if rng.random() > 0.2 else current.number - 1
    for span in periods_of_year(DEMO_AS_OF.year, PeriodType.BIWEEKLY):
        if span.start < date(2023, 5, 8) or span.number > last:
            continue
        step = next((m for m in task.milestones if m.due_date >= span.start), task.milestones[-1])
        progress = (f"{DEMO_MARK}围绕“{step.title}”，本期召开专题推进会{rng.randint(1, 3)}次，"
                    f"对接{rng.randint(2, 9)}个部门，{'已形成阶段性成果' if rng.random() > 0.4 else '按序时推进'}。")
        problems = rng.choice(_PROBLEMS)
        if task.number in lagging and span.start >= date(2023, 9, 1):
            problems = "受上级系统改造和部门协调影响，本季度节点未能按期完成。"
        next_steps = f"{DEMO_MARK}继续推进“{step.title}”，{rng.choice(['加强督促', '细化分工', '开展自查', '梳理清单'])}，确保按期完成。"
        session.add(ProgressReport(task=task, period_id=span.id, progress=progress, problems=problems,
                                   next_steps=next_steps))


def _add_ledger_events(plan: Plan, lagging: set[int]) -> None:
    """What a real ledger shows by late October: a few tasks finished early, late milestones moved
    (still lagging against time progress) and one task kept under follow-up."""
    late = sorted(lagging)
    for number, new_due in zip(late[:2], (date(2023, 11, 3), date(2023, 11, 8))):
        milestone = next(m for m in plan.tasks[number - 1].milestones if m.due_date == date(2023, 9, 30))
        milestone.due_date = new_due
        milestone.postpone_count = 1
        milestone.postpone_reason = f"{DEMO_MARK}省级系统接口调整，经市专班同意延期。"
    plan.tasks[late[2] - 1].follow_up = True
    plan.tasks[late[2] - 1].follow_up_note = f"{DEMO_MARK}涉及省级统建系统改造，需持续与省市对接。"
    finished = [t for t in plan.tasks if t.number not in lagging][4::15][:2]
    for task in finished:
        for milestone in task.milestones:
            milestone.done_date = milestone.done_date or DEMO_AS_OF - timedelta(days=3)


def _add_values(session: Session, plan: Plan, rng: random.Random) -> None:
    for indicator in plan.indicators:
        target = indicator.target or 0
        spans = [s for s in periods_of_year(plan.year, indicator.period_type) if s.end < DEMO_AS_OF]
        pace = rng.uniform(0.75, 1.15)  # some indicators run behind, some ahead
        for span in spans:
            progress = time_progress(span.end, date(plan.year, 1, 1), date(plan.year, 12, 31))
            if indicator.kind is ValueKind.CUMULATIVE:
                value = target * progress * pace
            elif indicator.direction is Direction.LOWER:
                value = target * (1.3 - 0.35 * progress * pace)  # falls towards the ceiling
            else:
                value = target * (0.88 + 0.12 * progress) * pace
            if indicator.range_max is not None:
                value = min(value, indicator.range_max)
            value = round(value, indicator.decimals)
            session.add(IndicatorValue(indicator=indicator, period_id=span.id, value=value,
                                       source=f"{indicator.source_unit}（演示数据）"))
