"""Loading a plan from its data form (the built-in JSON, later imported workbooks) into the store,
and setting up a store (``initialise``: the ``init`` command; ``ensure_plan``: the window's first start).

Loading is idempotent: a plan whose code is already in the store is left as it is.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import audit
from models.demo import load_demo
from models.enums import Direction, PeriodType, ValueKind
from models.errors import LedgerError
from models.ledger import Period
from models.periods import PeriodSpan, period_containing, periods_of_year
from models.plan import Area, Indicator, ListKind, Milestone, Plan, Task
from models.resources import builtin_plan_path
from models.store import Store


def read_plan_file(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise LedgerError(f"方案文件 {path} 无法读取：{error}") from None


def ensure_periods(session: Session, year: int) -> None:
    """Every period of every type for the year, so reports and values can point at them."""
    existing = set(session.scalars(select(Period.id).where(Period.year == year)))
    for ptype in PeriodType:
        for span in periods_of_year(year, ptype):
            if span.id not in existing:
                session.add(Period(id=span.id, type=ptype, year=year, number=span.number,
                                   start=span.start, end=span.end, due=span.due, label=span.label))


def ensure_list_kinds(session: Session, kinds: list[dict[str, str]]) -> dict[str, ListKind]:
    by_code = {kind.code: kind for kind in session.scalars(select(ListKind))}
    for item in kinds:
        if item["code"] not in by_code:
            by_code[item["code"]] = ListKind(code=item["code"], name=item["name"])
            session.add(by_code[item["code"]])
    return by_code


def load_plan(session: Session, data: dict[str, Any]) -> tuple[Plan, bool]:
    """Add the plan unless its code is present; return it and whether it was added."""
    existing = session.scalar(select(Plan).where(Plan.code == data["code"]))
    if existing is not None:
        return existing, False
    audit.suspend(session)  # a plan load is not an edit by a person
    year = int(data["year"])
    kinds = ensure_list_kinds(session, data["list_kinds"])
    plan = Plan(code=data["code"], name=data["name"], year=year, issuer=data.get("issuer", ""),
                issued_on=date.fromisoformat(data["issued_on"]) if data.get("issued_on") else None,
                progress_cycle=PeriodType(data.get("progress_cycle", "biweekly")),
                source=data.get("source", ""))
    areas = {a["code"]: Area(code=a["code"], seq=a["seq"], name=a["name"], title=a.get("title", ""),
                             lead_unit=a.get("lead_unit", "")) for a in data["areas"]}
    plan.areas = list(areas.values())
    tasks: dict[int, Task] = {}
    for t in data["tasks"]:
        task = Task(number=t["number"], area=areas[t["area"]], list_kind=kinds[t.get("list_kind", "KEY")],
                    title=t["title"], text=t.get("text", ""), lead_unit=t.get("lead_unit", ""),
                    responsible_units=list(t.get("responsible_units", [])),
                    supporting_units=list(t.get("supporting_units", [])))
        task.milestones = [
            Milestone(seq=m["seq"], title=m["title"], due_date=date.fromisoformat(m["due"]),
                      original_due=date.fromisoformat(m["due"]))
            for m in t.get("milestones", [])
        ]
        tasks[task.number] = task
    plan.tasks = list(tasks.values())
    plan.indicators = [
        Indicator(code=i["code"], name=i["name"], task=tasks.get(i.get("task")), unit=i.get("unit", ""),
                  direction=Direction(i.get("direction", "higher")), comparison=i.get("comparison", ">="),
                  kind=ValueKind(i.get("kind", "point")), target=i.get("target"),
                  target_high=i.get("target_high"), target_text=i.get("target_text", ""),
                  range_min=i.get("range_min"), range_max=i.get("range_max"),
                  decimals=int(i.get("decimals", 0)), period_type=PeriodType(i.get("period_type", "monthly")),
                  source_unit=i.get("source_unit", ""), source_text=i.get("source_text", ""))
        for i in data.get("indicators", [])
    ]
    session.add(plan)
    ensure_periods(session, year)
    session.flush()
    return plan, True


def load_builtin_plan(session: Session) -> tuple[Plan, bool]:
    return load_plan(session, read_plan_file(builtin_plan_path()))


def current_plan(session: Session) -> Plan | None:
    """The plan the ledger works on: the newest year loaded."""
    return session.scalar(select(Plan).order_by(Plan.year.desc(), Plan.id.desc()).limit(1))


def require_plan(session: Session, purpose: str = "") -> Plan:
    """The current plan, or a refusal saying what could not be done without one."""
    plan = current_plan(session)
    if plan is None:
        raise LedgerError(f"尚未载入方案{purpose}（请先运行 init 或 import-plan）。")
    return plan


@dataclass
class InitResult:
    db_path: str
    plan_name: str
    plan_added: bool
    demo_added: bool
    backup: str | None


def initialise(store: Store, demo: bool = False) -> InitResult:
    """Create or upgrade the store (done by opening it), load the built-in plan, maybe the demo."""
    with store.transaction() as session:
        plan, added = load_builtin_plan(session)
        demo_added = load_demo(session, plan) if demo else False
        return InitResult(str(store.path), plan.name, added, demo_added,
                          str(store.backup_path) if store.backup_path else None)


def ensure_plan(store: Store) -> None:
    """On first start of the window an empty store gets the built-in plan."""
    with store.transaction() as session:
        if current_plan(session) is None:
            load_builtin_plan(session)


def current_period(store: Store, as_of: date) -> PeriodSpan:
    """The period of the plan's progress cycle (biweekly without a plan) that holds ``as_of``."""
    with store.session() as session:
        plan = current_plan(session)
        return period_containing(as_of, plan.progress_cycle if plan else PeriodType.BIWEEKLY)
