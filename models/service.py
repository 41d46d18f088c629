"""Store-level operations shared by the window and the command line."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from models.demo import DEMO_AS_OF, load_demo
from models.errors import LedgerError
from models.office import Office
from models.plan_loader import CITY_COUNTIES, current_plan, is_sample, load_builtin_plan, plan_city, plan_years
from models.settings import AS_OF, as_of_date, year_notice
from models.store import Store


@dataclass
class InitResult:
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
        return InitResult(plan.name, added, demo_added, str(store.backup_path) if store.backup_path else None,
                          plan.year, as_of_set or (DEMO_AS_OF if demo_added else None))


def _sample_date(session) -> date | None:
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
    with store.session() as session:
        plan = current_plan(session, year) or current_plan(session)
        shown = plan.year if plan else None
        city = plan_city(plan)
        return YearState(shown, plan_years(session), bool(plan and is_sample(plan)),
                         as_of_date(session, as_of_override, shown), year_notice(session, as_of_override, shown),
                         city, CITY_COUNTIES.get(city, []))


def office_profile(store: Store) -> Office:
    with store.session() as session:
        return session.scalar(select(Office).limit(1)) or Office(county="", office_name="", preparer="",
                                                                   reviewer="", approver="", phone="")


OFFICE_FIELDS = {  # field → (label, required, longest)
    "county": ("县（市、区）", True, 50),
    "office_name": ("单位名称", True, 100),
    "preparer": ("填报人", False, 50),
    "reviewer": ("审核人", False, 50),
    "approver": ("签发人", False, 50),
    "phone": ("联系电话", False, 30),
}


def save_office_profile(store: Store, **fields: str) -> None:
    """Check every field first, then save them together; a refusal names the field."""
    clean = {key: value.strip() for key, value in fields.items()}
    for key, value in clean.items():
        label, required, longest = OFFICE_FIELDS[key]
        if required and not value:
            raise LedgerError(f"“{label}”不能为空。")
        if len(value) > longest:
            raise LedgerError(f"“{label}”过长：{len(value)} 个字，最多 {longest} 个字。")
    with store.transaction() as session:
        office = session.scalar(select(Office).limit(1))
        if office is None:
            office = Office()
            session.add(office)
        for key, value in clean.items():
            setattr(office, key, value)


def office_is_set_up(office: Office) -> bool:
    return bool(office.county and office.office_name)


def parse_iso_date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise LedgerError(f"{field}“{text}”不是有效日期，应写作 YYYY-MM-DD，例如 2023-10-27。") from None


def save_setting(store: Store, var, value) -> None:
    """Write one declared setting (models.settings) in its own transaction."""
    with store.transaction() as session:
        var.set(session, value)


def read_setting(store: Store, var):
    with store.session() as session:
        return var.get(session)


def save_office_role(store: Store, role) -> None:
    """本单位 县级 / 市级: a city office verifies and consolidates the counties' returns."""
    from models.enums import OfficeRole

    with store.transaction() as session:
        office = session.scalar(select(Office).limit(1))
        if office is None:
            office = Office()
            session.add(office)
        office.role = OfficeRole(role)
