"""督办: the three colours of a problem a unit holds, the list of problems with them, and the
counts for 首页 and for a unit's 督办单.

红: past its due date. 蓝: due today or on one of the next 2 working days. 黄: more than half of its
working days used. A problem nobody holds against a time limit (待交办, 已退回, 已办结 …) has no
colour. The order of the tests is the order of urgency: 红 before 蓝 before 黄.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from models.enums import LabelledEnum
from models.errors import LedgerError
from models.office import Office
from models.problems.checks import mask_name, mask_phone, mask_text
from models.problems.records import OPEN_STATES, EnterpriseIssue, IssueState
from models.problems.working_days import working_days_between
from models.settings import as_of_date

DUE_SOON_WORKING_DAYS = 2


class Colour(LabelledEnum):
    RED = "red", "红"
    BLUE = "blue", "蓝"
    YELLOW = "yellow", "黄"


COLOUR_MEANING = {Colour.RED: "已逾期", Colour.BLUE: f"{DUE_SOON_WORKING_DAYS}个工作日内到期",
                  Colour.YELLOW: "时限已过半"}


def colour(state: IssueState, assigned_on: date | None, due: date | None, as_of: date) -> Colour | None:
    if state not in OPEN_STATES or due is None or assigned_on is None:
        return None
    if as_of > due:
        return Colour.RED
    if working_days_between(as_of, due) <= DUE_SOON_WORKING_DAYS:
        return Colour.BLUE  # due today or on one of the next two working days
    total = working_days_between(assigned_on, due)
    if working_days_between(assigned_on, as_of) * 2 > total:
        return Colour.YELLOW
    return None


@dataclass
class IssueRow:
    """One line of the 涉企问题 list (contact details in full: for the window and the CLI only)."""

    id: int
    number: str
    received: date
    channel: str
    kind: str
    enterprise: str
    contact: str
    phone: str
    tags: list[str]
    description: str
    state: str
    state_label: str
    lead_handler: str
    co_handlers: list[str]
    limit_days: int | None
    due: date | None
    closed_on: date | None
    satisfaction: str
    reopen_count: int
    colour: str  # red / blue / yellow / ""
    colour_label: str  # 红（已逾期）
    days_left: int | None  # working days to the due date; negative: overdue by that many

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _row(issue: EnterpriseIssue, as_of: date) -> IssueRow:
    mark = colour(issue.state, issue.assigned_on, issue.due, as_of)
    left = None
    if issue.state in OPEN_STATES and issue.due is not None:
        left = working_days_between(as_of, issue.due) if as_of <= issue.due else -working_days_between(issue.due, as_of)
    return IssueRow(issue.id, issue.number, issue.received, issue.channel.label, issue.kind.label, issue.enterprise,
                    issue.contact, issue.phone, list(issue.tags), issue.description, issue.state.value,
                    issue.state.label, issue.lead_handler, list(issue.co_handlers), issue.limit_days, issue.due,
                    issue.closed_on, issue.satisfaction.label if issue.satisfaction else "", issue.reopen_count,
                    mark.value if mark else "", f"{mark.label}（{COLOUR_MEANING[mark]}）" if mark else "", left)


def parse_state(text: str) -> IssueState:
    try:
        return IssueState.from_label(text.strip())
    except ValueError:
        raise LedgerError(f"状态“{text}”无法识别，可选：{'、'.join(f'{s.value}（{s.label}）' for s in IssueState)}。") from None


def list_issues(store, as_of: date | None = None, state: str | None = None, overdue: bool = False,
                unit: str | None = None) -> list[IssueRow]:
    """The problems, oldest first, judged on ``as_of`` (None: the working date); ``state`` by value
    or label, ``overdue``: 红 only, ``unit``: one 主办单位's."""
    query = select(EnterpriseIssue).order_by(EnterpriseIssue.year, EnterpriseIssue.seq)
    if state:
        query = query.where(EnterpriseIssue.state == parse_state(state))
    if unit:
        query = query.where(EnterpriseIssue.lead_handler == unit)
    with store.session() as session:
        as_of = as_of_date(session, as_of)
        if overdue:
            query = query.where(EnterpriseIssue.state.in_(OPEN_STATES), EnterpriseIssue.due < as_of)
        return [_row(issue, as_of) for issue in session.scalars(query)]


@dataclass
class Attention:
    """首页's cards: what is open and how it stands."""

    open: int
    colours: dict[str, int]  # colour value → count
    awaiting_assignment: int  # 待交办 and 已退回
    awaiting_visit: int  # 已办结, not yet visited
    received_this_year: int


def attention(store, as_of: date | None = None) -> Attention:
    with store.session() as session:
        as_of = as_of_date(session, as_of)
        # Only the four columns counted, not whole problems: 首页 asks for this at every start.
        issues = session.execute(select(EnterpriseIssue.state, EnterpriseIssue.assigned_on, EnterpriseIssue.due,
                                        EnterpriseIssue.received)).all()
        counts: Counter[str] = Counter()
        for issue in issues:
            mark = colour(issue.state, issue.assigned_on, issue.due, as_of)
            if mark:
                counts[mark.value] += 1
        return Attention(sum(i.state in OPEN_STATES for i in issues), {c.value: counts[c.value] for c in Colour},
                         sum(i.state in (IssueState.REGISTERED, IssueState.RETURNED) for i in issues),
                         sum(i.state is IssueState.REPLIED for i in issues),
                         sum(i.received.year == as_of.year and i.received <= as_of for i in issues))


def units_with_open_issues(store) -> list[str]:
    """The units a 督办单 can be printed for: those holding a problem now."""
    with store.session() as session:
        return sorted(u for u in session.scalars(select(EnterpriseIssue.lead_handler).distinct()
                                                 .where(EnterpriseIssue.state.in_(OPEN_STATES))) if u)


@dataclass
class NoticeLine:
    """One problem on a unit's 督办单, its personal data masked (the sheet leaves the office)."""

    number: str
    received: date
    enterprise: str
    contact: str
    phone: str
    description: str
    assigned_on: date | None
    due: date | None
    days_left: int | None
    colour: str
    colour_label: str
    state_label: str


@dataclass
class Notice:
    """督办单: what one unit holds, overdue first, then by due date."""

    unit: str
    as_of: date
    county: str
    office: str
    lines: list[NoticeLine]

    @property
    def overdue(self) -> list[NoticeLine]:
        return [line for line in self.lines if line.colour == Colour.RED.value]


def supervision_notice(store, unit: str, as_of: date | None = None) -> Notice:
    with store.session() as session:
        as_of = as_of_date(session, as_of)
        office = session.scalar(select(Office).limit(1)) or Office(county="", office_name="")
        issues = session.scalars(select(EnterpriseIssue).where(EnterpriseIssue.lead_handler == unit,
                                                               EnterpriseIssue.state.in_(OPEN_STATES))).all()
        if not issues:
            raise LedgerError(f"“{unit}”目前没有在办的涉企问题，无需督办。")
        lines = []
        for issue in issues:
            row = _row(issue, as_of)
            lines.append(NoticeLine(issue.number, issue.received, issue.enterprise, mask_name(issue.contact),
                                    mask_phone(issue.phone), mask_text(issue.description, (issue.contact,)),
                                    issue.assigned_on, issue.due, row.days_left, row.colour, row.colour_label,
                                    issue.state.label))
    lines.sort(key=lambda line: (line.colour != Colour.RED.value, line.due or date.max, line.number))
    return Notice(unit, as_of, office.county or "", office.office_name or "", lines)
