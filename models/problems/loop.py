"""The loop of an enterprise's problem: 登记 → 交办 → 签收 → 阶段答复 → 办结答复 → 回访 → 归档, with
延期, 退回, 改派, 重办 (after 不满意) and 举一反三 on the way.

Every action is one step (IssueStep: the day it happened, who recorded it and when) and is
checked first: a step the state does not allow, a date before the previous step, a missing
reason is refused with a Chinese message and changes nothing. What the issue shows (state,
unit, time limit, due date, closing day, verdict, 重办 count) is the replay of its steps
(``replay``), which also answers "how did it stand on day D" for the figures.

The ``*_issue`` functions are the user actions: each takes the store and owns its transaction,
returns an IssueView and is called by the window and by main.py alike. The session-level
functions beneath them serve the demo and the import, which work inside a larger transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterable

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from models.audit import actor_of
from models.errors import LedgerError
from models.plan import Plan, Task
from models.problems.checks import check_credit_code, check_phone
from models.problems.records import (
    CLOSED_STATES, OPEN_STATES, TOPIC_TAGS, Channel, EnterpriseIssue, IssueKind, IssueLink, IssueState, IssueStep,
    Satisfaction, StepKind,
)
from models.problems.working_days import add_working_days
from models.settings import as_of_date

TEXT_LIMIT = 2000
NAME_LIMIT = 100
MAX_TAGS = 8
MAX_LIMIT_DAYS = 60

# Which steps each state allows (链条: a step outside this table is refused, naming the state).
ALLOWED: dict[StepKind, tuple[IssueState, ...]] = {
    StepKind.ASSIGN: (IssueState.REGISTERED,),
    StepKind.REASSIGN: (IssueState.ASSIGNED, IssueState.HANDLING, IssueState.RETURNED),
    StepKind.RETURN: OPEN_STATES,
    StepKind.ACCEPT: (IssueState.ASSIGNED,),
    StepKind.INTERIM: (IssueState.HANDLING,),
    StepKind.REPLY: (IssueState.HANDLING,),
    StepKind.VISIT: (IssueState.REPLIED,),
    StepKind.EXTEND: OPEN_STATES,
    StepKind.ARCHIVE: (IssueState.VISITED,),
}


@dataclass
class IssueDraft:
    """What 登记 asks for; text as typed (checked by ``check_draft``)."""

    enterprise: str
    channel: str
    kind: str
    description: str
    received: date
    credit_code: str = ""
    contact: str = ""
    phone: str = ""
    tags: list[str] = field(default_factory=list)
    task_number: int | None = None


@dataclass
class Snapshot:
    """How an issue stands after its steps up to a day."""

    state: IssueState = IssueState.REGISTERED
    unit: str = ""
    co_units: list[str] = field(default_factory=list)
    limit_days: int | None = None
    assigned_on: date | None = None  # the start of the running time limit
    first_assigned_on: date | None = None
    due: date | None = None
    closed_on: date | None = None
    satisfaction: Satisfaction | None = None
    reopen_count: int = 0
    replied_ever: bool = False
    visits: int = 0  # every 回访, the one before a 重办 too
    satisfied_visits: int = 0

    @property
    def closed(self) -> bool:
        return self.state in CLOSED_STATES

    @property
    def on_time(self) -> bool:
        return self.closed and self.due is not None and self.closed_on is not None and self.closed_on <= self.due


def replay(steps: Iterable[IssueStep], until: date | None = None) -> Snapshot:
    """The snapshot after every step made on or before ``until`` (all steps: None)."""
    s = Snapshot()
    for step in steps:
        if until is not None and step.day > until:
            break
        match step.kind:
            case StepKind.ASSIGN | StepKind.REASSIGN:
                s.state, s.unit, s.co_units = IssueState.ASSIGNED, step.unit, list(step.co_units)
                s.limit_days, s.assigned_on, s.due = step.limit_days, step.day, step.due
                s.first_assigned_on = s.first_assigned_on or step.day
            case StepKind.RETURN:
                s.state, s.due, s.assigned_on = IssueState.RETURNED, None, None
            case StepKind.ACCEPT:
                s.state = IssueState.HANDLING
            case StepKind.REPLY:
                s.state, s.closed_on, s.replied_ever = IssueState.REPLIED, step.day, True
            case StepKind.VISIT:
                s.satisfaction = step.satisfaction
                s.state = IssueState.VISITED
                s.visits += 1
                s.satisfied_visits += step.satisfaction is not Satisfaction.UNSATISFIED
            case StepKind.REOPEN:
                s.state, s.closed_on, s.reopen_count = IssueState.HANDLING, None, s.reopen_count + 1
                s.assigned_on, s.due = step.day, step.due
            case StepKind.EXTEND:
                s.due = step.due
            case StepKind.ARCHIVE:
                s.state = IssueState.ARCHIVED
    return s


# ---- what the user sees of an issue ------------------------------------------------------------

@dataclass
class StepView:
    kind: str
    day: date
    who: str
    at: datetime
    unit: str
    due: date | None
    text: str
    satisfaction: str


@dataclass
class IssueView:
    """One issue as plain data (full contact details: for the window and the CLI, never a file)."""

    id: int
    number: str
    state: str
    state_label: str
    channel: str
    kind: str
    enterprise: str
    credit_code: str
    contact: str
    phone: str
    tags: list[str]
    description: str
    received: date
    task_number: int | None
    task_title: str
    lead_handler: str
    co_handlers: list[str]
    limit_days: int | None
    assigned_on: date | None
    due: date | None
    closed_on: date | None
    satisfaction: str
    reopen_count: int
    systemic_measure: str
    linked: list[str] = field(default_factory=list)
    steps: list[StepView] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["steps"] = [dict(s.__dict__) for s in self.steps]
        return data


def view(session: Session, issue: EnterpriseIssue, with_steps: bool = True) -> IssueView:
    linked = []
    if with_steps:
        rows = session.scalars(select(IssueLink).where(or_(IssueLink.first_id == issue.id,
                                                           IssueLink.second_id == issue.id))).all()
        others = [r.second_id if r.first_id == issue.id else r.first_id for r in rows]
        linked = [session.get(EnterpriseIssue, other).number for other in sorted(others)]
    return IssueView(
        issue.id, issue.number, issue.state.value, issue.state.label, issue.channel.label, issue.kind.label,
        issue.enterprise, issue.credit_code, issue.contact, issue.phone, list(issue.tags), issue.description,
        issue.received, issue.task.number if issue.task else None, issue.task.title if issue.task else "",
        issue.lead_handler, list(issue.co_handlers), issue.limit_days, issue.assigned_on, issue.due,
        issue.closed_on, issue.satisfaction.label if issue.satisfaction else "", issue.reopen_count,
        issue.systemic_measure, linked,
        [StepView(s.kind.label, s.day, s.who, s.at, s.unit, s.due, s.text,
                  s.satisfaction.label if s.satisfaction else "") for s in issue.steps] if with_steps else [])


# ---- checks ------------------------------------------------------------------------------------

def _text(label: str, value: str, limit: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise LedgerError(f"“{label}”不能为空。")
    if len(value) > limit:
        raise LedgerError(f"“{label}”最多 {limit} 个字，现有 {len(value)} 个字。")
    return value


def _choice(enum: type, label: str, text: str):
    try:
        return enum.from_label(text.strip())
    except ValueError:
        raise LedgerError(f"{label}“{text}”无法识别，可选：{'、'.join(m.label for m in enum)}。") from None


def parse_channel(text: str) -> Channel:
    """The channel by its label or value; the short names 12345, 热线, 走访, 沙龙, 恳谈, 体验官 too."""
    for word, channel in (("12345", Channel.HOTLINE), ("热线", Channel.HOTLINE), ("走访", Channel.VISIT),
                          ("沙龙", Channel.SALON), ("恳谈", Channel.SALON), ("体验官", Channel.OBSERVER),
                          ("线上", Channel.ONLINE), ("网上", Channel.ONLINE), ("来信", Channel.LETTER),
                          ("来访", Channel.LETTER)):
        if word in text:
            return channel
    return _choice(Channel, "来源渠道", text)


def parse_kind(text: str) -> IssueKind:
    return _choice(IssueKind, "问题类型", text)


def parse_satisfaction(text: str) -> Satisfaction:
    return _choice(Satisfaction, "满意度", text)


def check_tags(tags: Iterable[str]) -> list[str]:
    clean = list(dict.fromkeys(t.strip() for t in tags if t.strip()))
    if len(clean) > MAX_TAGS:
        raise LedgerError(f"问题标签最多 {MAX_TAGS} 个，现有 {len(clean)} 个。")
    for tag in clean:
        _text("问题标签", tag, 20)
    return clean


def check_units(units: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(_text("协办单位", u, NAME_LIMIT) for u in units if u.strip()))


def check_draft(session: Session, draft: IssueDraft) -> dict[str, Any]:
    """The draft as column values, or the first field at fault."""
    values = dict(
        enterprise=_text("企业名称", draft.enterprise, NAME_LIMIT, required=True),
        channel=parse_channel(draft.channel), kind=parse_kind(draft.kind),
        description=_text("问题描述", draft.description, TEXT_LIMIT, required=True),
        received=draft.received, credit_code=check_credit_code(draft.credit_code),
        contact=_text("联系人", draft.contact, 50), phone=check_phone(draft.phone), tags=check_tags(draft.tags),
        task_id=None)
    if draft.task_number is not None:  # a task of the newest plan, as models.plan_loader.current_plan
        task = session.scalar(select(Task).join(Plan).where(Task.number == draft.task_number, Task.archived.is_(False))
                              .order_by(Plan.year.desc(), Plan.id.desc()).limit(1))
        if task is None:
            raise LedgerError(f"关联任务：方案中没有第 {draft.task_number} 号任务。")
        values["task_id"] = task.id
    return values


def get_issue(session: Session, ref: int | str) -> EnterpriseIssue:
    """By id (12) or number (2023-0012)."""
    text = str(ref).strip()
    issue = None
    if text.isdigit():
        issue = session.get(EnterpriseIssue, int(text))
    elif "-" in text and all(part.isdigit() for part in text.split("-", 1)):
        year, seq = (int(part) for part in text.split("-", 1))
        issue = session.scalar(select(EnterpriseIssue).where(EnterpriseIssue.year == year, EnterpriseIssue.seq == seq))
    if issue is None:
        raise LedgerError(f"没有编号为“{text}”的涉企问题。")
    return issue


# ---- the steps -------------------------------------------------------------------------------

def _step(session: Session, issue: EnterpriseIssue, kind: StepKind, day: date, **values: Any) -> IssueStep:
    """Add one step after checking the state allows it and the day follows the last step."""
    if kind in ALLOWED and issue.state not in ALLOWED[kind]:
        raise LedgerError(f"问题 {issue.number} 当前为“{issue.state.label}”，不能{kind.label}"
                          f"（{kind.label}须在“{'、'.join(s.label for s in ALLOWED[kind])}”时进行）。")
    if day < issue.received:
        raise LedgerError(f"{kind.label}日期 {day.isoformat()} 早于问题受理日期 {issue.received.isoformat()}。")
    last = issue.steps[-1] if issue.steps else None
    if last is not None and day < last.day:
        raise LedgerError(f"{kind.label}日期 {day.isoformat()} 早于上一步（{last.kind.label} {last.day.isoformat()}）。")
    step = IssueStep(kind=kind, day=day, who=actor_of(session), **values)
    issue.steps.append(step)
    _apply(issue)
    session.flush()
    return step


def _apply(issue: EnterpriseIssue) -> None:
    s = replay(issue.steps)
    issue.state, issue.lead_handler, issue.co_handlers = s.state, s.unit, s.co_units
    issue.limit_days, issue.assigned_on, issue.due = s.limit_days, s.assigned_on, s.due
    issue.closed_on, issue.satisfaction, issue.reopen_count = s.closed_on, s.satisfaction, s.reopen_count


def register(session: Session, draft: IssueDraft) -> EnterpriseIssue:
    values = check_draft(session, draft)
    year = draft.received.year
    seq = (session.scalar(select(func.max(EnterpriseIssue.seq)).where(EnterpriseIssue.year == year)) or 0) + 1
    issue = EnterpriseIssue(year=year, seq=seq, co_handlers=[], **values)
    session.add(issue)
    issue.steps.append(IssueStep(kind=StepKind.REGISTER, day=draft.received, who=actor_of(session),
                                 text=f"来源：{issue.channel.label}"))
    session.flush()
    return issue


def _limit(days: int) -> int:
    if not 1 <= days <= MAX_LIMIT_DAYS:
        raise LedgerError(f"办理时限应为 1—{MAX_LIMIT_DAYS} 个工作日，现为 {days}。")
    return days


def assign(session: Session, issue: EnterpriseIssue, unit: str, days: int, day: date,
           co_units: Iterable[str] = (), reason: str = "") -> IssueStep:
    """交办 to a lead unit (主办) and co-handlers (协办); a second 交办 is 改派 and needs a reason."""
    unit = _text("主办单位", unit, NAME_LIMIT, required=True)
    co = [u for u in check_units(co_units) if u != unit]
    due = add_working_days(day, _limit(days))
    if issue.state is IssueState.REGISTERED:
        return _step(session, issue, StepKind.ASSIGN, day, unit=unit, co_units=co, limit_days=days, due=due,
                     text=_text("交办意见", reason, TEXT_LIMIT))
    reason = _text("改派理由", reason, TEXT_LIMIT, required=True)
    return _step(session, issue, StepKind.REASSIGN, day, unit=unit, co_units=co, limit_days=days, due=due, text=reason)


def accept(session: Session, issue: EnterpriseIssue, day: date) -> IssueStep:
    return _step(session, issue, StepKind.ACCEPT, day, unit=issue.lead_handler)


def reply(session: Session, issue: EnterpriseIssue, text: str, day: date, interim: bool = False) -> IssueStep:
    kind = StepKind.INTERIM if interim else StepKind.REPLY
    return _step(session, issue, kind, day, unit=issue.lead_handler,
                 text=_text(f"{kind.label}内容", text, TEXT_LIMIT, required=True))


def visit(session: Session, issue: EnterpriseIssue, satisfaction: Satisfaction, day: date, note: str = "") -> IssueStep:
    """回访: 满意 / 基本满意 close the loop for 归档; 不满意 sends it back to the unit (重办) with the
    same time limit, counted again from the visit."""
    note = _text("回访记录", note, TEXT_LIMIT)
    step = _step(session, issue, StepKind.VISIT, day, satisfaction=satisfaction, text=note)
    if satisfaction is Satisfaction.UNSATISFIED:
        days = issue.limit_days or 5
        step = _step(session, issue, StepKind.REOPEN, day, unit=issue.lead_handler, limit_days=days,
                     due=add_working_days(day, days), text=note or "企业不满意，退回重办。")
    return step


def extend(session: Session, issue: EnterpriseIssue, new_due: date, reason: str, day: date) -> IssueStep:
    reason = _text("延期理由", reason, TEXT_LIMIT, required=True)
    if issue.due is not None and new_due <= issue.due:
        raise LedgerError(f"延期后的办结期限 {new_due.isoformat()} 应晚于原期限 {issue.due.isoformat()}。")
    if new_due < day:
        raise LedgerError(f"延期后的办结期限 {new_due.isoformat()} 早于申请日期 {day.isoformat()}。")
    return _step(session, issue, StepKind.EXTEND, day, unit=issue.lead_handler, due=new_due, text=reason)


def return_to_office(session: Session, issue: EnterpriseIssue, reason: str, day: date) -> IssueStep:
    """退回: the unit hands the problem back (not its remit), to be 改派."""
    reason = _text("退回理由", reason, TEXT_LIMIT, required=True)
    return _step(session, issue, StepKind.RETURN, day, unit=issue.lead_handler, text=reason)


def archive(session: Session, issue: EnterpriseIssue, day: date) -> IssueStep:
    return _step(session, issue, StepKind.ARCHIVE, day)


def link(session: Session, issue: EnterpriseIssue, others: Iterable[EnterpriseIssue], measure: str,
         day: date) -> IssueStep:
    """举一反三: link similar problems and record the systemic measure (制度性举措) taken."""
    measure = _text("制度性举措", measure, TEXT_LIMIT, required=True)
    others = [o for o in others if o.id != issue.id]
    if not others:
        raise LedgerError("请指定至少一个与之类似的其他问题。")
    for other in others:
        first, second = sorted((issue.id, other.id))
        if session.scalar(select(IssueLink).where(IssueLink.first_id == first, IssueLink.second_id == second)) is None:
            session.add(IssueLink(first_id=first, second_id=second))
        other.systemic_measure = measure
    issue.systemic_measure = measure
    return _step(session, issue, StepKind.LINK, day, text=f"{measure}（关联：{'、'.join(o.number for o in others)}）")


# ---- the user actions: one transaction each ---------------------------------------------------
# ``day`` is the day the step happened; None: the working date (models.settings.as_of_date).

def _act(store, ref: int | str, day: date | None, who: str | None, action) -> IssueView:
    with store.transaction(who) as session:
        issue = session.scalar(select(EnterpriseIssue).where(EnterpriseIssue.id == get_issue(session, ref).id)
                               .options(selectinload(EnterpriseIssue.steps)))
        action(session, issue, as_of_date(session, day))
        return view(session, issue)


def register_issue(store, draft: IssueDraft, who: str | None = None) -> IssueView:
    with store.transaction(who) as session:
        return view(session, register(session, draft))


def assign_issue(store, ref: int | str, unit: str, days: int, day: date | None = None, co_units: Iterable[str] = (),
                 reason: str = "", who: str | None = None) -> IssueView:
    return _act(store, ref, day, who, lambda s, i, d: assign(s, i, unit, days, d, co_units, reason))


def accept_issue(store, ref: int | str, day: date | None = None, who: str | None = None) -> IssueView:
    return _act(store, ref, day, who, accept)


def reply_issue(store, ref: int | str, text: str, day: date | None = None, interim: bool = False,
                who: str | None = None) -> IssueView:
    return _act(store, ref, day, who, lambda s, i, d: reply(s, i, text, d, interim))


def visit_issue(store, ref: int | str, satisfaction: str, day: date | None = None, note: str = "",
                who: str | None = None) -> IssueView:
    verdict = parse_satisfaction(satisfaction)
    return _act(store, ref, day, who, lambda s, i, d: visit(s, i, verdict, d, note))


def extend_issue(store, ref: int | str, new_due: date, reason: str, day: date | None = None,
                 who: str | None = None) -> IssueView:
    return _act(store, ref, day, who, lambda s, i, d: extend(s, i, new_due, reason, d))


def return_issue(store, ref: int | str, reason: str, day: date | None = None, who: str | None = None) -> IssueView:
    return _act(store, ref, day, who, lambda s, i, d: return_to_office(s, i, reason, d))


def archive_issue(store, ref: int | str, day: date | None = None, who: str | None = None) -> IssueView:
    return _act(store, ref, day, who, archive)


def link_issues(store, ref: int | str, others: Iterable[int | str], measure: str, day: date | None = None,
                who: str | None = None) -> IssueView:
    def action(session: Session, issue: EnterpriseIssue, on: date) -> None:
        link(session, issue, [get_issue(session, other) for other in others], measure, on)

    return _act(store, ref, day, who, action)


def issue_detail(store, ref: int | str) -> IssueView:
    with store.session() as session:
        return view(session, get_issue(session, ref))


def known_units(store) -> list[str]:
    """Units problems were handed to before, for the 交办 form's suggestions."""
    with store.session() as session:
        return sorted(u for u in session.scalars(select(EnterpriseIssue.lead_handler).distinct()) if u)


def topic_tags() -> tuple[str, ...]:
    return TOPIC_TAGS
