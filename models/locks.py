"""Which periods are read-only because a signed return covers them.

A return is made for a period of the plan's progress cycle (biweekly by default). Signing it
locks that period's progress reports and every indicator value whose period ends within it
(a monthly value for October is reported, and locked, by the biweekly return whose span holds
31 October). A withdrawal (ReturnState.WITHDRAWN) opens them again.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from models.enums import ReturnState
from models.errors import LedgerError
from models.ledger import Period
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
