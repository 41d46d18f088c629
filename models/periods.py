"""Reporting periods and time progress (序时进度). Pure functions, no database.

Biweekly periods are 14-day blocks counted from 1 January: 第1期 is 1–14 January, 第26期 starts
on day 351 and runs to 31 December (so it has 15 days, 16 in a leap year). A return is due a few
days after its period ends; the grace depends on the period type (RETURN_GRACE_DAYS).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from models.enums import PeriodType
from models.errors import LedgerError

BIWEEKLY_COUNT = 26
RETURN_GRACE_DAYS = {
    PeriodType.BIWEEKLY: 3,
    PeriodType.MONTHLY: 5,
    PeriodType.QUARTERLY: 10,
    PeriodType.YEARLY: 15,
}
_LETTER = {PeriodType.BIWEEKLY: "B", PeriodType.MONTHLY: "M", PeriodType.QUARTERLY: "Q", PeriodType.YEARLY: "Y"}
_TYPE_OF_LETTER = {letter: ptype for ptype, letter in _LETTER.items()}
_COUNT = {PeriodType.BIWEEKLY: BIWEEKLY_COUNT, PeriodType.MONTHLY: 12, PeriodType.QUARTERLY: 4, PeriodType.YEARLY: 1}
_QUARTER_NAMES = "一二三四"
_ID_PATTERN = re.compile(r"^(\d{4})-(?:([BMQ])(\d{1,2})|Y)$")


class PeriodError(LedgerError, ValueError):
    """A period id or date that does not name a period; the message is for users."""


@dataclass(frozen=True, slots=True)
class PeriodSpan:
    type: PeriodType
    year: int
    number: int
    start: date
    end: date

    @property
    def id(self) -> str:
        if self.type is PeriodType.YEARLY:
            return f"{self.year}-Y"
        width = 2 if self.type in (PeriodType.BIWEEKLY, PeriodType.MONTHLY) else 1
        return f"{self.year}-{_LETTER[self.type]}{self.number:0{width}d}"

    @property
    def due(self) -> date:
        return self.end + timedelta(days=RETURN_GRACE_DAYS[self.type])

    @property
    def label(self) -> str:
        dates = f"{_md(self.start)}—{_md(self.end)}"
        match self.type:
            case PeriodType.BIWEEKLY:
                return f"{self.year}年第{self.number}期（{dates}）"
            case PeriodType.MONTHLY:
                return f"{self.year}年{self.number}月（{dates}）"
            case PeriodType.QUARTERLY:
                return f"{self.year}年第{_QUARTER_NAMES[self.number - 1]}季度（{dates}）"
            case _:
                return f"{self.year}年度（{dates}）"

    @property
    def short_label(self) -> str:
        match self.type:
            case PeriodType.BIWEEKLY:
                return f"第{self.number}期"
            case PeriodType.MONTHLY:
                return f"{self.number}月"
            case PeriodType.QUARTERLY:
                return f"{_QUARTER_NAMES[self.number - 1]}季度"
            case _:
                return "全年"

    @property
    def name(self) -> str:
        """The period as a reader names it, without dates: 2023年第22期, 2023年10月, 2023年第三季度."""
        match self.type:
            case PeriodType.QUARTERLY:
                return f"{self.year}年第{self.short_label}"
            case PeriodType.YEARLY:
                return f"{self.year}年度"
            case _:
                return f"{self.year}年{self.short_label}"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _md(day: date) -> str:
    return f"{day.month}月{day.day}日"


def period(ptype: PeriodType, year: int, number: int) -> PeriodSpan:
    if not 1 <= number <= _COUNT[ptype]:
        raise PeriodError(f"{year}年没有第{number}个{ptype.label}期次（共{_COUNT[ptype]}个）")
    match ptype:
        case PeriodType.BIWEEKLY:
            start = date(year, 1, 1) + timedelta(days=14 * (number - 1))
            end = date(year, 12, 31) if number == BIWEEKLY_COUNT else start + timedelta(days=13)
        case PeriodType.MONTHLY:
            start = date(year, number, 1)
            end = date(year, number, calendar.monthrange(year, number)[1])
        case PeriodType.QUARTERLY:
            start = date(year, 3 * number - 2, 1)
            last_month = 3 * number
            end = date(year, last_month, calendar.monthrange(year, last_month)[1])
        case _:
            start, end = date(year, 1, 1), date(year, 12, 31)
    return PeriodSpan(ptype, year, number, start, end)


def periods_of_year(year: int, ptype: PeriodType) -> list[PeriodSpan]:
    return [period(ptype, year, n) for n in range(1, _COUNT[ptype] + 1)]


def period_containing(day: date, ptype: PeriodType) -> PeriodSpan:
    match ptype:
        case PeriodType.BIWEEKLY:
            number = min((day - date(day.year, 1, 1)).days // 14 + 1, BIWEEKLY_COUNT)
        case PeriodType.MONTHLY:
            number = day.month
        case PeriodType.QUARTERLY:
            number = (day.month - 1) // 3 + 1
        case _:
            number = 1
    return period(ptype, day.year, number)


@lru_cache(maxsize=4096)  # a grid or a pasted block names the same few dozen periods again and again
def parse_period_id(text: str) -> PeriodSpan:
    """``2023-B10``, ``2023-M05``, ``2023-Q2``, ``2023-Y`` → the period they name."""
    match = _ID_PATTERN.match(text.strip().upper())
    if not match:
        raise PeriodError(
            f"期次编号“{text}”无法识别：应为 2023-B10（双周）、2023-M05（月）、2023-Q2（季）或 2023-Y（年）"
        )
    year = int(match.group(1))
    if match.group(2) is None:
        return period(PeriodType.YEARLY, year, 1)
    return period(_TYPE_OF_LETTER[match.group(2)], year, int(match.group(3)))


def period_name(period_id: str) -> str:
    """``2023-M10`` → 2023年10月: what a person reads instead of the id; other text unchanged."""
    try:
        return parse_period_id(period_id).name
    except PeriodError:
        return period_id


def time_progress(as_of: date, start: date, end: date) -> float:
    """序时进度: the share of the span [start, end] elapsed by the end of day ``as_of``, in 0..1."""
    if end < start:
        raise ValueError("end before start")
    elapsed = (as_of - start).days + 1
    total = (end - start).days + 1
    return min(max(elapsed / total, 0.0), 1.0)


def year_progress(as_of: date, year: int) -> float:
    return time_progress(as_of, date(year, 1, 1), date(year, 12, 31))


def list_periods(year: int | None, ptype: PeriodType | str) -> list[PeriodSpan]:
    """A year's periods of one type, as the ``periods`` command lists them."""
    if year is None:
        raise PeriodError("请用 --year 指定年份，例如 periods --year 2024")
    if not 1900 <= year <= 2100:
        raise PeriodError(f"年份 {year} 超出范围（1900—2100）")
    return periods_of_year(year, PeriodType(ptype))
