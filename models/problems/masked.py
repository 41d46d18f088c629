"""Problems as an exported file shows them: contact name, phone and any mobile number in the
description masked (models.problems.checks), each judged as it stood on a given day."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.problems.checks import mask_name, mask_phone, mask_text
from models.problems.loop import replay
from models.problems.records import EnterpriseIssue, IssueState


def masked_record(issue: EnterpriseIssue, judged: date | None = None) -> dict[str, Any]:
    """The fields of one problem for a file (exchange.returns.return_data.ProblemRecordRow's names)."""
    s = replay(issue.steps, judged)
    return dict(number=issue.number, received=issue.received, channel=issue.channel.label, kind=issue.kind.label,
                enterprise=issue.enterprise, contact=mask_name(issue.contact), phone=mask_phone(issue.phone),
                tags="、".join(issue.tags), description=mask_text(issue.description, (issue.contact,)),
                lead_handler=s.unit, due=s.due, state=s.state.label, closed_on=s.closed_on,
                satisfaction=s.satisfaction.label if s.satisfaction else "", reopen_count=s.reopen_count)


def handled_in(session: Session, start: date, judged: date) -> list[dict[str, Any]]:
    """The problems of a period ``start``…``judged``: received in it, or received before and not yet
    through 回访 at its start. Masked, judged as on ``judged``."""
    issues = session.scalars(select(EnterpriseIssue).where(EnterpriseIssue.received <= judged)
                             .order_by(EnterpriseIssue.year, EnterpriseIssue.seq)
                             .options(selectinload(EnterpriseIssue.steps))).all()
    before = start - timedelta(days=1)
    finished = (IssueState.VISITED, IssueState.ARCHIVED)
    return [masked_record(issue, judged) for issue in issues
            if issue.received >= start or replay(issue.steps, before).state not in finished]
