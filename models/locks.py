"""What is read-only because a signed return contains it.

A return is made for a period of the plan's progress cycle (biweekly by default). Signing it
locks that period's progress reports and exactly the indicator values it contains: those due in
it (a monthly value for October is reported by the biweekly return whose span holds 31 October)
and present when it was signed. A value the return explained as missing stays open; the next
returns ask for it (补报, models.returns.completeness) and the first signed after it was entered
contains it and locks it. A withdrawal (ReturnState.WITHDRAWN) opens everything again.
"""
from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from models.enums import ReturnState
from models.errors import LedgerError
from models.ledger import IndicatorValue, Period
from models.office import Return

LOCKING_STATES = (ReturnState.SIGNED, ReturnState.SUBMITTED)


def locked_period_ids(session: Session) -> set[str]:
    covering = aliased(Period)
    rows = session.execute(
        select(Period.id)
        .join(covering, (Period.end >= covering.start) & (Period.end <= covering.end))
        .join(Return, Return.period_id == covering.id)
        .where(Return.state.in_(LOCKING_STATES))
    )
    return {row[0] for row in rows}


def locked_value_cells(session: Session, indicator_ids: Collection[int] | None = None,
                       period_ids: Collection[str] | None = None) -> set[tuple[int, str]]:
    """(indicator id, period id) of every value a signed return contains: present, and unchanged
    since a return for its period or a later one was signed. Only of ``indicator_ids`` and of
    ``period_ids`` where given.

    Worked out per period first (the latest signing of a return for it or a later period), so
    each value is compared once, not once per signed return."""
    value_period, return_period = aliased(Period), aliased(Period)
    latest = (select(value_period.id.label("period_id"), func.max(Return.signed_at).label("signed_at"))
              .select_from(value_period)
              .join(return_period, return_period.end >= value_period.end)
              .join(Return, (Return.period_id == return_period.id) & Return.state.in_(LOCKING_STATES))
              .group_by(value_period.id))
    if period_ids is not None:
        latest = latest.where(value_period.id.in_(period_ids))
    signed = latest.subquery()
    if session.execute(select(signed.c.period_id).limit(1)).first() is None:
        return set()  # no signed return covers these periods: no need to read the values
    query = (select(IndicatorValue.indicator_id, IndicatorValue.period_id)
             .join(signed, signed.c.period_id == IndicatorValue.period_id)
             .where(IndicatorValue.value.is_not(None), IndicatorValue.updated_at <= signed.c.signed_at))
    if indicator_ids is not None:
        query = query.where(IndicatorValue.indicator_id.in_(indicator_ids))
    return {(indicator_id, period_id) for indicator_id, period_id in session.execute(query)}


def lock_reason(session: Session, period_id: str, what: str) -> str:
    """Why ``what`` of the period is read-only (a signed return covers it, and how to open it), or ""."""
    if period_id not in locked_period_ids(session):
        return ""
    period = session.get(Period, period_id)
    label = period.label if period else period_id
    return f"{label}的报表已签发，{what}为只读。如需更正，请先在“报表报送”中撤回并说明原因。"


def ensure_unlocked(session: Session, period_id: str, what: str) -> None:
    """Refuse an edit of ``what`` in a period a signed return covers."""
    reason = lock_reason(session, period_id, what)
    if reason:
        raise LedgerError(reason)
