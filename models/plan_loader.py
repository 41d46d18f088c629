"""Loading a plan from its data form (the built-in JSON, later imported workbooks) into the store,
and setting up a store (``initialise``: the ``init`` command; ``open_ledger`` and ``ensure_plan``:
the window's start).

Loading is idempotent: a plan whose code is already in the store is left as it is.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import audit
from models.demo import DEMO_AS_OF, load_demo
from models.enums import Direction, PeriodType, ValueKind
from models.errors import LedgerError
from models.ledger import Period
from models.office_profile import office_profile
from models.periods import PeriodSpan, period_containing, periods_of_year
from models.plan import Area, Indicator, ListKind, Milestone, Plan, Task
from models.resources import builtin_plan_path
from models.settings import AS_OF, as_of_date, year_notice
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
                      original_due=date.fromisoformat(m["due"]), continuing=bool(m.get("continuing")))
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


def current_plan(session: Session, year: int | None = None) -> Plan | None:
    """The plan the ledger works on: the plan of ``year``, else of the year the store is viewed in
    (``Store.view_year``: the window's year chooser, a command's --year), else the newest."""
    year = year or session.info.get("view_year")
    query = select(Plan).order_by(Plan.year.desc(), Plan.id.desc()).limit(1)
    return session.scalar(query.where(Plan.year == year) if year else query)


def plan_years(session: Session) -> list[int]:
    """Every year the ledger holds a plan for, newest first."""
    return list(session.scalars(select(Plan.year).distinct().order_by(Plan.year.desc())))


def require_plan(session: Session, purpose: str = "", year: int | None = None) -> Plan:
    """The plan of ``year`` (default: the newest), or a refusal saying what could not be done without one."""
    plan = current_plan(session, year)
    if plan is None and year:
        held = "、".join(f"{y}年" for y in plan_years(session)) or "无"
        raise LedgerError(f"台账中没有 {year} 年度的方案{purpose}（已有年度：{held}）。")
    if plan is None:
        raise LedgerError(f"尚未载入方案{purpose}（请先运行 init 或 import-plan）。")
    return plan


def plan_of_year_or_newest(session: Session, year: int, purpose: str = "") -> Plan:
    """The plan a period of ``year`` is reported on: that year's, else the newest plan."""
    return current_plan(session, year) or require_plan(session, purpose)


# The counties (县、市、区) of each city whose plans the program knows, for the office's first start.
CITY_COUNTIES = {
    "金华市": ["婺城区", "金东区", "兰溪市", "东阳市", "义乌市", "永康市", "浦江县", "武义县", "磐安县"],
}


def plan_city(plan: Plan | None) -> str:
    """The city that issued the plan (金华市), from its issuer or name; the built-in plan's city
    when there is no plan yet."""
    names = [plan.issuer, plan.name] if plan else [read_plan_file(builtin_plan_path())["issuer"]]
    return next((city for city in CITY_COUNTIES for name in names if name.startswith(city[:-1])), "")


@cache
def _builtin_code() -> str:
    return read_plan_file(builtin_plan_path())["code"]


def is_sample(plan: Plan) -> bool:
    """The built-in plan is a sample (示例): a past year's plan to learn the program on."""
    return plan.code == _builtin_code()


@dataclass
class InitResult:
    db_path: str
    plan_name: str
    plan_added: bool
    demo_added: bool
    backup: str | None
    year: int = 0
    as_of_set: date | None = None  # the working date set for the sample, if one was set


def initialise(store: Store, demo: bool = False) -> InitResult:
    """Create or upgrade the store (done by opening it), load the built-in plan, maybe the demo.
    The built-in plan is a sample of a past year: a new store on it gets a working date inside
    that year (the demo's), so what it shows is that year's, not today's."""
    with store.transaction() as session:
        plan, added = load_builtin_plan(session)
        demo_added = load_demo(session, plan) if demo else False
        as_of_set = _sample_date(session) if added else None
        return InitResult(str(store.path), plan.name, added, demo_added,
                          str(store.backup_path) if store.backup_path else None,
                          plan.year, as_of_set or (DEMO_AS_OF if demo_added else None))


def _sample_date(session: Session) -> date | None:
    if AS_OF.get(session) is None:
        AS_OF.set(session, DEMO_AS_OF)
        return DEMO_AS_OF
    return None


def ensure_plan(store: Store) -> bool:
    """An empty store gets the built-in plan (a sample, dated in its year); True if it was loaded."""
    with store.transaction() as session:
        if current_plan(session) is not None:
            return False
        load_builtin_plan(session)
        _sample_date(session)
        return True


def open_ledger(db_path: Path) -> tuple[Store, bool]:
    """The window's store: opened (made where the file is missing or empty: the window has asked),
    backed up and migrated to the newest schema, and for an office already set up (True) given the
    built-in plan if it holds none. On a first start (False) the office first chooses how to begin
    (the city's workbook, the sample, a rollover); ``ensure_plan`` follows that choice."""
    store = Store(db_path, create=True).open()
    try:
        set_up = office_profile(store).is_set_up
        if set_up:
            ensure_plan(store)
    except BaseException:
        store.close()
        raise
    return store, set_up


def current_period(store: Store, as_of: date, year: int | None = None) -> PeriodSpan:
    """The period of the plan's progress cycle (biweekly without a plan) that holds ``as_of``."""
    with store.session() as session:
        plan = current_plan(session, year)
        return period_containing(as_of, plan.progress_cycle if plan else PeriodType.BIWEEKLY)


@dataclass
class YearState:
    """Which year a workspace shows and what to tell about it."""

    year: int | None  # None: no plan yet
    years: list[int]  # every year held, newest first
    sample: bool  # the built-in plan (示例)
    as_of: date  # the date the year is judged by
    notice: str  # one plain sentence when that date lies outside the year, else ""
    city: str  # the city that issued the plan (for the list of its counties)
    counties: list[str]


def year_state(store: Store, year: int | None = None, as_of_override: date | None = None) -> YearState:
    """The year ``year`` (default: the newest) as the window shows it."""
    with store.session() as session:
        plan = current_plan(session, year) or current_plan(session)
        shown = plan.year if plan else None
        city = plan_city(plan)
        return YearState(shown, plan_years(session), bool(plan and is_sample(plan)),
                         as_of_date(session, as_of_override, shown), year_notice(session, as_of_override, shown),
                         city, CITY_COUNTIES.get(city, []))
