"""Reviewing a period's return and reading where it stands: both tied to the return's content as
it would be signed now (exchange.returns.return_data.content_digest), so a review records what it
saw and the status says when the ledger changed since ("changed since review").

The 报表报送 workspace and the ``returns review`` / ``returns status`` commands call these.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from exchange.returns.return_data import content_digest
from models.enums import ReturnState
from models.office import Return
from models.returns import GapItem, completeness, get_period, history, latest_return, next_version, review, \
    review_outdated
from models.settings import as_of_date
from models.store import Store


@dataclass
class ReturnStatus:
    period_id: str
    period_label: str
    gaps: list[GapItem]
    history: list[Return]  # every version of the period's return, newest first
    latest: Return | None
    next_version: int  # the version the next signing makes
    outdated: str  # why the reviewed return cannot be signed as the ledger is now; "" when it can
    unrecorded_files: list[str]  # signed files of the period the store has no record of (when checked)

    @property
    def state(self) -> ReturnState:
        return self.latest.state if self.latest else ReturnState.DRAFT

    @property
    def state_text(self) -> str:
        if self.latest is None:
            return "尚无报表"
        return f"第 {self.latest.version} 版 {self.latest.state.label}" + (f"（{self.outdated}）" if self.outdated else "")

    @property
    def unexplained(self) -> int:
        return sum(not g.reason for g in self.gaps)


def return_status(store: Store, period_id: str, as_of: date | None = None, check_files: bool = False) -> ReturnStatus:
    """The period's gaps, versions and state; a review is outdated when the data changed since.
    ``check_files``: also name the signed files of the period the store has no record of."""
    unrecorded = []
    if check_files:
        # reportlab and pyHanko come with the exporter: only when files are to be checked
        from exchange.returns.returns_export import returns_folder, unrecorded_files

        unrecorded = unrecorded_files(store, period_id, [returns_folder(store)])
    with store.session() as session:
        period = get_period(session, period_id)
        latest = latest_return(session, period.id)
        outdated = ""
        if latest is not None and latest.state is ReturnState.REVIEWED:
            judged = as_of_date(session, as_of, period.year)
            outdated = review_outdated(session, latest, content_digest(session, judged)(latest))
        return ReturnStatus(period.id, period.label, completeness(session, period.id), history(session, period.id),
                            latest, next_version(session, period.id), outdated, unrecorded)


def review_return(store: Store, period_id: str, reviewer: str, as_of: date | None = None) -> Return:
    """审核: the reviewer, the time and the digest of the return as it would be signed now."""
    with store.transaction() as session:
        year = get_period(session, period_id).year
        return review(session, period_id, reviewer, content_digest(session, as_of_date(session, as_of, year)))
