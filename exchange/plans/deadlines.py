"""完成时限 as people write them in plan workbooks, read into dated steps of the plan's year.

A deadline may name one day (2024-06-30, 6月底前, 三季度末, 12月中旬, 年底前, 2024年全年), a
recurring step (每季度 → one step at each quarter's end, 每月, 每半年), or no end at all (长期坚持,
持续推进, 常态化 → the year's end, marked continuing). What cannot be read is taken as the year's
end and flagged as a doubt, so the import goes on and the user is told which cell to check.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from models.quantities import normalise

_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_QUARTER_LABELS = ("一季度", "二季度", "三季度", "四季度")
_DAY_OF_PART = {"初": 10, "上旬": 10, "中旬": 20}  # 下旬, 底, 末 and 份 mean the month's end
_FULL_DATE = re.compile(r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?")
_MONTH = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(?:(\d{1,2})[日号]|(初|上旬|中旬|下旬|底|末|份))?")
_QUARTER = re.compile(r"(?:第)?([一二三四1-4])季度")
_YEAR_ONLY = re.compile(r"^(\d{4})年?(?:底|末|全年|年底|年内)?(?:前|之前|以前)?$")
_CONTINUING = re.compile(r"长期|持续|常态|坚持|每年")
_YEAR_END = re.compile(r"年底|年末|全年|年内|下半年|四季度末")


@dataclass
class Deadline:
    """The steps one deadline cell stands for: (label to add to the step's title, due date)."""

    dues: list[tuple[str, date]] = field(default_factory=list)
    continuing: bool = False  # 长期坚持: no end, judged at the year's end
    doubt: str = ""  # why the reading is a guess (taken as the year's end)

    @property
    def last(self) -> date:
        return self.dues[-1][1]


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def examples(year: int) -> str:
    """What a user may write, in the plan's own year."""
    return f"{year}-06-30、6月底前、三季度末、每季度、年底前、长期坚持"


def read_deadline(value: Any, year: int) -> Deadline | None:
    """The deadline in a cell; None for an empty cell."""
    if isinstance(value, datetime):
        return Deadline([("", value.date())])
    if isinstance(value, date):
        return Deadline([("", value)])
    text = normalise(str(value or "")).replace("\n", "")
    if not text:
        return None
    if match := re.match(r"^(\d{4})年?", text):  # a year written before the words: 2024年全年, 2024年每季度
        year = int(match[1])
    if re.search(r"每季|按季|逐季", text):
        return Deadline([(f"（{label}）", month_end(year, 3 * n)) for n, label in enumerate(_QUARTER_LABELS, 1)])
    if re.search(r"每半年|半年一次", text):
        return Deadline([("（上半年）", date(year, 6, 30)), ("（下半年）", date(year, 12, 31))])
    if re.search(r"每月|按月|逐月", text):
        return Deadline([(f"（{m}月）", month_end(year, m)) for m in range(1, 13)])
    if _CONTINUING.search(text):
        return Deadline([("", date(year, 12, 31))], continuing=True)
    day = _one_day(text, year)
    if day is not None:
        return Deadline([("", day)])
    return Deadline([("", date(year, 12, 31))], doubt=f"完成时限“{text}”无法识别，按年底（{year}-12-31）计")


def _one_day(text: str, year: int) -> date | None:
    """The last day a text names (a range 3月—6月 ends in June), or None."""
    try:
        if dates := _FULL_DATE.findall(text):
            y, m, d = dates[-1]
            return date(int(y), int(m), int(d))
        if months := _MONTH.findall(text):
            y, m, d, part = months[-1]
            y, m = int(y or year), int(m)
            if d:
                return date(y, m, int(d))
            return date(y, m, _DAY_OF_PART[part]) if part in _DAY_OF_PART else month_end(y, m)
    except ValueError:  # 13月, 2月30日: not a day
        return None
    if quarters := _QUARTER.findall(text):
        return month_end(year, 3 * _QUARTERS[quarters[-1]])
    if "上半年" in text:
        return date(year, 6, 30)
    if _YEAR_END.search(text) or _YEAR_ONLY.match(text):
        return date(year, 12, 31)
    return None
