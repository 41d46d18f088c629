"""What is read-only because a signed return contains it.

A return is made for a period of the plan's progress cycle (biweekly by default). Signing it
locks that period's progress reports and exactly the indicator values it contains: those due in
it (a monthly value for October is reported by the biweekly return whose span holds 31 October)
and present when it was signed. A value the return explained as missing stays open; the next
returns ask for it (补报, models.returns.completeness) and the first signed after it was entered
contains it and locks it. A withdrawal (ReturnState.WITHDRAWN) opens everything again.
"""
from __future__ import annotations

from sqlalchemy import select
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


def locked_value_cells(session: Session) -> set[tuple[int, str]]:
    """(indicator id, period id) of every value a signed return contains: present, and unchanged
    since a return for its period or a later one was signed."""
    value_period, return_period = aliased(Period), aliased(Period)
    rows = session.execute(
        select(IndicatorValue.indicator_id, IndicatorValue.period_id)
        .join(value_period, value_period.id == IndicatorValue.period_id)
        .join(Return, Return.state.in_(LOCKING_STATES) & (Return.signed_at >= IndicatorValue.updated_at))
        .join(return_period, (return_period.id == Return.period_id) & (return_period.end >= value_period.end))
        .where(IndicatorValue.value.is_not(None)).distinct())
    return {(indicator_id, period_id) for indicator_id, period_id in rows}


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
