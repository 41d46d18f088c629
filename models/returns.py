"""The workflow of a period's return (报表), without Qt and without file formats.

Completeness first: every task has a report for the period and every indicator value due in it
(the value whose period ends inside the return's span, as models.locks counts it) is present —
or the gap carries a reason, which then goes into the return. A value an earlier signed return
explained as missing is asked for again (补报) by every later return until it is entered. Then 草稿 → 已审核 (reviewer and
time) → 已签发 (the signed files' paths and hashes recorded; the period is locked) → 已报送.
A review is tied to the data: it records the digest of the return as built then (``Return.digest``,
later the signed files' digest), and signing refuses a return whose data changed since the review.
A withdrawal needs a reason and opens the period again; the next signing is version n+1.
The files themselves are written by exchange.returns.returns_export.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.enums import ReturnState
from models.errors import LedgerError
from models.ledger import IndicatorValue, Period, ProgressReport
from models.locks import LOCKING_STATES, ensure_unlocked, locked_period_ids
from models.office import AuditEntry, Return
from models.periods import parse_period_id
from models.plan import Indicator, Task
from models.plan_loader import current_plan
from models.store import Store

OPEN_STATES = (ReturnState.DRAFT, ReturnState.REVIEWED)
# The digest of a return as it would be signed now (exchange.returns.return_data builds it; models build no files).
ContentDigest = Callable[[Return], str]
# What an audit entry's table is called when telling what changed since a review.
_CHANGED_WHAT = {"progress_report": "任务进展", "indicator_value": "指标数值", "task": "任务信息",
                 "milestone": "节点举措", "indicator": "指标定义", "office": "本单位信息", "setting": "设置",
                 "plan": "方案", "area": "领域", "list_kind": "清单类别", "period": "期次", "evidence": "佐证材料"}


@dataclass
class GapItem:
    """Something the return should hold and does not: a task's report or a due value."""

    kind: str  # 进展 / 指标 / 补报 (a value an earlier signed return explained as missing)
    ref_id: int  # Task.id or Indicator.id
    period_id: str  # the period of the missing report or value
    subject: str
    reason: str = ""


def get_period(session: Session, period_id: str) -> Period:
    period = session.get(Period, period_id.strip().upper())
    if period is None:
        raise LedgerError(f"期次“{period_id}”不存在（应如 2023-B22，且属于已载入方案的年度）。")
    return period


def due_value_period(session: Session, indicator: Indicator, period: Period) -> Period | None:
    """The period of ``indicator`` whose value is due in the return for ``period``."""
    return session.scalar(select(Period).where(
        Period.type == indicator.period_type, Period.end >= period.start, Period.end <= period.end))


def completeness(session: Session, period_id: str) -> list[GapItem]:
    """Tasks without a report for the period and due indicator values without a value."""
    period = get_period(session, period_id)
    plan = current_plan(session, period.year) or current_plan(session)
    if plan is None:
        return []
    reports = {r.task_id: r for r in session.scalars(
        select(ProgressReport).where(ProgressReport.period_id == period.id))}
    gaps = []
    for task in plan.tasks:
        report = reports.get(task.id)
        if not task.archived and (report is None or not report.progress.strip()):
            gaps.append(GapItem("进展", task.id, period.id, f"{task.number}. {task.title}",
                                report.gap_reason if report else ""))
    for indicator in plan.indicators:
        span = None if indicator.archived else due_value_period(session, indicator, period)
        if span is None:
            continue
        value = session.scalar(select(IndicatorValue).where(
            IndicatorValue.indicator_id == indicator.id, IndicatorValue.period_id == span.id))
        if value is None or value.value is None:
            when = parse_period_id(span.id).short_label
            gaps.append(GapItem("指标", indicator.id, span.id, f"{indicator.code} {indicator.name}（{when}数据）",
                                value.note if value else ""))
    return gaps + late_values(session, plan, period)


def late_values(session: Session, plan, period: Period) -> list[GapItem]:
    """补报: values due in an earlier, signed return that it explained as missing, still missing."""
    signed = locked_period_ids(session)
    earlier = {p.id: p for p in session.scalars(select(Period).where(Period.id.in_(signed), Period.end < period.start))}
    if not earlier:
        return []
    values = {(v.indicator_id, v.period_id): v for v in session.scalars(
        select(IndicatorValue).where(IndicatorValue.period_id.in_(earlier)))}
    gaps = []
    for indicator in plan.indicators:
        for span in sorted((p for p in earlier.values() if p.type is indicator.period_type and not indicator.archived),
                           key=lambda p: p.end):
            value = values.get((indicator.id, span.id))
            if value is None or value.value is None:
                when = parse_period_id(span.id).short_label
                gaps.append(GapItem("补报", indicator.id, span.id,
                                    f"{indicator.code} {indicator.name}（{when}数据，补报）", value.note if value else ""))
    return gaps


def explain_gap(session: Session, gap: GapItem, reason: str) -> None:
    """Record why the report or value is missing; the reason goes into the return."""
    reason = reason.strip()
    if gap.kind == "进展":  # a missing value stays open after signing (models.locks); a report's period does not
        ensure_unlocked(session, gap.period_id, "缺报说明")
        report = session.scalar(select(ProgressReport).where(
            ProgressReport.task_id == gap.ref_id, ProgressReport.period_id == gap.period_id))
        if report is None:
            report = ProgressReport(task=session.get(Task, gap.ref_id), period_id=gap.period_id)
            session.add(report)
        report.gap_reason = reason
    else:
        value = session.scalar(select(IndicatorValue).where(
            IndicatorValue.indicator_id == gap.ref_id, IndicatorValue.period_id == gap.period_id))
        if value is None:
            value = IndicatorValue(indicator=session.get(Indicator, gap.ref_id), period_id=gap.period_id, value=None)
            session.add(value)
        value.note = reason
    gap.reason = reason


def unexplained(gaps: list[GapItem]) -> list[GapItem]:
    return [g for g in gaps if not g.reason.strip()]


def history(session: Session, period_id: str | None = None) -> list[Return]:
    """Every version of every return (or of one period), newest first."""
    query = select(Return).order_by(Return.period_id.desc(), Return.version.desc())
    if period_id:
        query = query.where(Return.period_id == period_id)
    return list(session.scalars(query))


def latest_return(session: Session, period_id: str) -> Return | None:
    return session.scalar(select(Return).where(Return.period_id == period_id)
                          .order_by(Return.version.desc()).limit(1))


def next_version(session: Session, period_id: str) -> int:
    """The version the period's next signing gets: the open one's, else one past the last."""
    latest = latest_return(session, period_id)
    if latest is None:
        return 1
    return latest.version if latest.state in OPEN_STATES else latest.version + 1


def _open_return(session: Session, period_id: str) -> Return:
    period = get_period(session, period_id)
    latest = latest_return(session, period.id)
    if latest is not None and latest.state in LOCKING_STATES:
        raise LedgerError(f"{period.label}的报表（第 {latest.version} 版）已{latest.state.label}；"
                          "如需更正，请先撤回并说明原因。")
    if latest is not None and latest.state in OPEN_STATES:
        return latest
    ret = Return(period_id=period.id, version=next_version(session, period.id), state=ReturnState.DRAFT)
    session.add(ret)
    return ret


def review(session: Session, period_id: str, reviewer: str, content_digest: ContentDigest) -> Return:
    """草稿 → 已审核 (or 已审核 again): the reviewer's name, the time and the digest of the return
    as built now, with this reviewer on its cover, are kept."""
    if not reviewer.strip():
        raise LedgerError("请填写审核人姓名。")
    ret = _open_return(session, period_id)
    ret.state, ret.reviewed_by, ret.reviewed_at = ReturnState.REVIEWED, reviewer.strip(), datetime.now()
    session.flush()  # the digest is of the return as it reads from the store, reviewer included
    ret.digest = content_digest(ret)
    session.flush()
    return ret


def review_outdated(session: Session, ret: Return, digest: str) -> str:
    """Why a reviewed return cannot be signed as it is now (``digest``), or "" when it can."""
    if ret.state is not ReturnState.REVIEWED or digest == ret.digest:
        return ""
    if not ret.digest:
        return "审核时未记录报表内容摘要，请重新审核。"
    counts = session.execute(
        select(AuditEntry.entity, func.count(func.distinct(AuditEntry.entity_id)))
        .where(AuditEntry.at > ret.reviewed_at, AuditEntry.entity.in_(_CHANGED_WHAT))
        .group_by(AuditEntry.entity).order_by(AuditEntry.entity)).all()
    what = "、".join(f"{_CHANGED_WHAT[entity]} {n} 处" for entity, n in counts) or "统计日期或推算的状态已变化"
    return f"审核后台账数据已改动（{what}），请重新审核。"


def check_can_sign(session: Session, period_id: str, digest: str | None = None) -> Return:
    """The open, reviewed return of the period; refused while a gap has no reason, and — given the
    ``digest`` of the return about to be signed — when the data changed since the review."""
    ret = _open_return(session, period_id)
    label = ret.period.label if ret.period else period_id
    if ret.state is not ReturnState.REVIEWED:
        raise LedgerError(f"{label}的报表尚未审核，请先审核再签发。")
    missing = unexplained(completeness(session, period_id))
    if missing:
        listed = "、".join(g.subject for g in missing[:5]) + ("等" if len(missing) > 5 else "")
        raise LedgerError(f"还有 {len(missing)} 项缺报未说明原因（{listed}），补报或说明原因后才能签发。")
    outdated = review_outdated(session, ret, digest) if digest is not None else ""
    if outdated:
        raise LedgerError(f"{label}的报表{outdated}")
    return ret


@dataclass
class SignedFiles:
    digest: str
    xlsx_path: str
    xlsx_sha256: str
    pdf_path: str
    pdf_sha256: str


def mark_signed(session: Session, period_id: str, signer: str, files: SignedFiles) -> Return:
    """已审核 → 已签发: the files' hashes are recorded and the period is locked; refused when the
    signed content is not what was reviewed."""
    ret = check_can_sign(session, period_id, files.digest)
    ret.state, ret.signed_by, ret.signed_at = ReturnState.SIGNED, signer, datetime.now()
    ret.digest, ret.xlsx_path, ret.xlsx_sha256 = files.digest, files.xlsx_path, files.xlsx_sha256
    ret.pdf_path, ret.pdf_sha256 = files.pdf_path, files.pdf_sha256
    session.flush()
    return ret


def recorded_hashes(session: Session, path: str) -> set[str]:
    """The SHA-256 of every signed file recorded under ``path`` (any version, withdrawn included)."""
    rows = session.execute(select(Return.xlsx_path, Return.xlsx_sha256, Return.pdf_path, Return.pdf_sha256)
                           .where((Return.xlsx_path == path) | (Return.pdf_path == path))).all()
    return {sha for xlsx, xsha, pdf, psha in rows for where, sha in ((xlsx, xsha), (pdf, psha)) if where == path and sha}


def submit(session: Session, period_id: str) -> Return:
    """已签发 → 已报送 (the files were handed to the city)."""
    ret = latest_return(session, period_id)
    if ret is None or ret.state is not ReturnState.SIGNED:
        raise LedgerError("只有已签发的报表才能标记为已报送。")
    ret.state, ret.submitted_at = ReturnState.SUBMITTED, datetime.now()
    return ret


def withdraw(session: Session, period_id: str, reason: str) -> Return:
    """Open a signed period again; the next signing is a new version."""
    if not reason.strip():
        raise LedgerError("撤回报表必须说明原因。")
    ret = latest_return(session, period_id)
    if ret is None or ret.state not in LOCKING_STATES:
        raise LedgerError("只有已签发或已报送的报表才能撤回。")
    ret.state, ret.withdrawn_at, ret.withdraw_reason = ReturnState.WITHDRAWN, datetime.now(), reason.strip()
    return ret


def return_periods(session: Session, year: int | None = None) -> list[Period]:
    """The periods a return is made for: the plan's progress cycle, in its year (default: the newest)."""
    plan = current_plan(session, year)
    if plan is None:
        return []
    return list(session.scalars(select(Period).where(Period.type == plan.progress_cycle, Period.year == plan.year)
                                .order_by(Period.number)))


# ---- actions: each one transaction, as both fronts call them ------------------------------------

def explain_gaps(store: Store, period_id: str, reason: str) -> int:
    """Give every gap of the period that has no reason yet this one; returns how many."""
    with store.transaction() as session:
        gaps = unexplained(completeness(session, period_id))
        for gap in gaps:
            explain_gap(session, gap, reason)
        return len(gaps)


def explain_gap_item(store: Store, gap: GapItem, reason: str) -> None:
    """One gap's reason, as typed into the 缺报事项 table."""
    with store.transaction() as session:
        explain_gap(session, gap, reason)


def submit_return(store: Store, period_id: str) -> Return:
    with store.transaction() as session:
        return submit(session, period_id)


def withdraw_return(store: Store, period_id: str, reason: str) -> Return:
    with store.transaction() as session:
        return withdraw(session, period_id, reason)


def return_history(store: Store, period_id: str | None = None, year: int | None = None) -> list[Return]:
    """Every version of every return (of one period, or of one year's periods), newest first."""
    with store.session() as session:
        return [r for r in history(session, period_id) if year is None or r.period.year == year]


def latest_return_of(store: Store, period_id: str) -> Return | None:
    with store.session() as session:
        return latest_return(session, period_id)


def periods_with_returns(store: Store) -> list[Period]:
    """The periods a return is made for (``return_periods``), for the period chooser."""
    with store.session() as session:
        return return_periods(session)
