"""Counts of what a store holds, for `main.py summary` and the 首页."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.enums import PeriodType
from models.ledger import IndicatorValue, Period, ProgressReport
from models.office import Office
from models.periods import period_containing
from models.plan import Area, Indicator, Milestone, Plan, Task
from models.plan_loader import current_plan, is_sample, plan_years
from models.settings import as_of_date
from models.store import Store


def _count(session: Session, what: Any, *where: Any) -> int:
    return session.scalar(select(func.count()).select_from(what).where(*where)) or 0


def plan_heading(session: Session, plan: Plan | None, as_of: date) -> dict[str, Any]:
    """The plan, the office, the working date and its period: what 首页's header says, without
    the counts (each a query of its own) that only ``summary`` prints."""
    office = session.scalar(select(Office).limit(1))
    current = period_containing(as_of, plan.progress_cycle if plan else PeriodType.BIWEEKLY)
    return {
        "plan": {"code": plan.code, "name": plan.name, "year": plan.year} if plan else None,
        "sample": bool(plan and is_sample(plan)),
        "office": {"county": office.county, "office_name": office.office_name} if office else None,
        "as_of": as_of.isoformat(),
        "current_period": {"id": current.id, "label": current.label},
    }


def store_summary(session: Session, as_of: date, year: int | None = None) -> dict[str, Any]:
    """Counts for the plan of ``year`` (default: the newest); ``plans`` and ``years`` for the store."""
    plan = current_plan(session, year)
    own = [Task.plan_id == plan.id] if plan else []
    per_area = []
    if plan is not None:
        rows = session.execute(
            select(Area.name, Area.lead_unit, func.count(Task.id))
            .outerjoin(Task, (Task.area_id == Area.id) & (Task.archived.is_(False)))
            .where(Area.plan_id == plan.id).group_by(Area.id).order_by(Area.seq)
        )
        per_area = [{"area": name, "lead_unit": lead, "tasks": n} for name, lead, n in rows]
    return plan_heading(session, plan, as_of) | {
        "plans": _count(session, Plan),
        "years": plan_years(session),
        "areas": _count(session, Area, *([Area.plan_id == plan.id] if plan else [])),
        "tasks": _count(session, Task, Task.archived.is_(False), *own),
        "milestones": _count(session, select(Milestone).join(Task).where(*own).subquery()),
        "indicators": _count(session, Indicator, Indicator.archived.is_(False),
                             *([Indicator.plan_id == plan.id] if plan else [])),
        "indicator_values": _count(session, select(IndicatorValue).join(Indicator).where(
            *([Indicator.plan_id == plan.id] if plan else [])).subquery()),
        "periods": _count(session, Period, *([Period.year == plan.year] if plan else [])),
        "progress_reports": _count(session, select(ProgressReport).join(Task).where(*own).subquery()),
        "tasks_per_area": per_area,
    }


def ledger_summary(store: Store, as_of: date | None = None, year: int | None = None) -> dict[str, Any]:
    """What the store holds for the plan of ``year`` (default: the newest), as of the working date
    (``as_of`` overrides the stored one; a past year is judged as of its last day)."""
    with store.session() as session:
        return store_summary(session, as_of_date(session, as_of, year), year)
