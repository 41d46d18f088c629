"""The 营商台账's figures for a span of days, in total and per handling unit (主办单位).

The problems counted are those received in the span; each is judged as it stood at the end of
the span (or on the working date, if that is earlier), by replaying its steps:

- 受理 (received): problems received in the span;
- 办结 (closed): of them, those with a standing 办结答复 (已办结, 已回访 or 已归档);
- 办结率 = 办结 ÷ 受理; 按期办结率 = 办结 on or before the due date then in force (a granted 延期
  moves it) ÷ 办结;
- 满意率 = (满意 + 基本满意) ÷ 回访, counting every 回访 (the 不满意 one before a 重办 too);
- 重办率 = problems sent back at least once (不满意 → 重办) ÷ problems that were answered at least once;
- 平均办结用时: working days from the first 交办 to the 办结答复, over the closed problems.

A rate with nothing to divide by is None (shown as —), never 0.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models.errors import LedgerError
from models.periods import parse_period_id
from models.problems.loop import Snapshot, replay
from models.problems.records import EnterpriseIssue
from models.problems.working_days import working_days_between
from models.settings import as_of_date

ALL_UNITS = "全部"


@dataclass
class Figures:
    unit: str
    received: int = 0
    closed: int = 0
    closed_on_time: int = 0
    visited: int = 0
    satisfied: int = 0
    answered: int = 0
    reopened: int = 0
    close_days_total: int = 0

    @property
    def close_rate(self) -> float | None:
        return _rate(self.closed, self.received)

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.closed_on_time, self.closed)

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.satisfied, self.visited)

    @property
    def reopen_rate(self) -> float | None:
        return _rate(self.reopened, self.answered)

    @property
    def mean_close_days(self) -> float | None:
        return None if not self.closed else round(self.close_days_total / self.closed, 1)

    def count(self, s: Snapshot) -> None:
        self.received += 1
        self.answered += s.replied_ever
        self.reopened += s.reopen_count > 0
        self.visited += s.visits
        self.satisfied += s.satisfied_visits
        if s.closed:
            self.closed += 1
            self.closed_on_time += s.on_time
            if s.first_assigned_on is not None and s.closed_on is not None:
                self.close_days_total += working_days_between(s.first_assigned_on, s.closed_on)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__, close_rate=self.close_rate, on_time_rate=self.on_time_rate,
                     satisfaction_rate=self.satisfaction_rate, reopen_rate=self.reopen_rate,
                     mean_close_days=self.mean_close_days)


def _rate(part: int, whole: int) -> float | None:
    return None if not whole else round(part / whole, 4)


@dataclass
class FigureReport:
    start: date
    end: date
    judged: date
    total: Figures
    units: list[Figures]  # by received, most first

    def as_dict(self) -> dict[str, Any]:
        return {"from": self.start, "to": self.end, "judged": self.judged, "total": self.total.as_dict(),
                "units": [u.as_dict() for u in self.units]}


def figures(session, start: date, end: date, as_of: date) -> FigureReport:
    if end < start:
        raise LedgerError(f"统计区间有误：截止日期 {end.isoformat()} 早于起始日期 {start.isoformat()}。")
    judged = min(end, as_of)
    total = Figures(ALL_UNITS)
    units: dict[str, Figures] = defaultdict(lambda: Figures(""))
    issues = session.scalars(select(EnterpriseIssue).where(EnterpriseIssue.received >= start,
                                                           EnterpriseIssue.received <= min(end, judged))
                             .options(selectinload(EnterpriseIssue.steps))).all()
    for issue in issues:
        snapshot = replay(issue.steps, judged)
        total.count(snapshot)
        unit = snapshot.unit or "（未交办）"
        units[unit].unit = unit
        units[unit].count(snapshot)
    ranked = sorted(units.values(), key=lambda f: (-f.received, f.unit))
    return FigureReport(start, end, judged, total, ranked)


def problem_figures(store, start: date | None = None, end: date | None = None, as_of: date | None = None,
                    period_id: str | None = None) -> FigureReport:
    """The figures of the days ``start``…``end``, or of a period (2023-B22, 2023-M10, 2023-Q3,
    2023-Y), judged on ``as_of`` (None: the working date)."""
    if period_id:
        span = parse_period_id(period_id)
        start, end = span.start, span.end
    elif start is None or end is None:
        raise LedgerError("请指定统计区间（起始和截止日期），或指定期次。")
    with store.session() as session:
        return figures(session, start, end, as_of_date(session, as_of))


def format_rate(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
