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
from models.plan_loader import current_plan
from models.settings import as_of_date
from models.store import Store


def _count(session: Session, what: Any, *where: Any) -> int:
    return session.scalar(select(func.count()).select_from(what).where(*where)) or 0


def store_summary(session: Session, as_of: date) -> dict[str, Any]:
    plan = current_plan(session)
    office = session.scalar(select(Office).limit(1))
    cycle = plan.progress_cycle if plan else PeriodType.BIWEEKLY
    current = period_containing(as_of, cycle)
    per_area = []
    if plan is not None:
        rows = session.execute(
            select(Area.name, Area.lead_unit, func.count(Task.id))
            .outerjoin(Task, (Task.area_id == Area.id) & (Task.archived.is_(False)))
            .where(Area.plan_id == plan.id).group_by(Area.id).order_by(Area.seq)
        )
        per_area = [{"area": name, "lead_unit": lead, "tasks": n} for name, lead, n in rows]
    return {
        "plan": {"code": plan.code, "name": plan.name, "year": plan.year} if plan else None,
        "office": {"county": office.county, "office_name": office.office_name} if office else None,
        "as_of": as_of.isoformat(),
        "current_period": {"id": current.id, "label": current.label},
        "plans": _count(session, Plan),
        "areas": _count(session, Area),
        "tasks": _count(session, Task, Task.archived.is_(False)),
        "milestones": _count(session, Milestone),
        "indicators": _count(session, Indicator, Indicator.archived.is_(False)),
        "indicator_values": _count(session, IndicatorValue),
        "periods": _count(session, Period),
        "progress_reports": _count(session, ProgressReport),
        "tasks_per_area": per_area,
    }


def ledger_summary(store: Store, as_of: date | None = None) -> dict[str, Any]:
    """What the store holds, as of the working date (``as_of`` overrides the stored one)."""
    with store.session() as session:
        return store_summary(session, as_of_date(session, as_of))
