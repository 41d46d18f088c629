"""Working days by the Chinese calendar: public holidays and their make-up working days (调休),
from the maintained ``chinese_calendar`` library rather than a hand-kept list.

A time limit of N working days is counted from the next working day after the day it starts:
5 working days from 2023-09-28 end on 2023-10-11 (国庆 and 中秋 2023-09-29—10-06 off, the
Saturday 10-07 and Sunday 10-08 made up). A year the library does not cover yet is refused with a
Chinese message, never guessed.
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from models.errors import LedgerError

# The library's range (chinese_calendar 1.11: 2004—2026); a later year needs a newer release.
FIRST_YEAR, LAST_YEAR = 2004, 2026


def _check_year(day: date) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise LedgerError(f"{day.year}年的法定节假日安排尚未收录（工作日历只覆盖 {FIRST_YEAR}—{LAST_YEAR} 年），"
                          f"无法按工作日计算 {day.isoformat()} 前后的时限。请升级程序后再试。")


@cache  # the library scans its whole table at every call; 首页 asks of the same days over and over
def is_working_day(day: date) -> bool:
    _check_year(day)
    import chinese_calendar  # its tables load in a few ms; kept out of start-up all the same

    return chinese_calendar.is_workday(day)


def add_working_days(start: date, count: int) -> date:
    """The day on which ``count`` working days counted from the day after ``start`` end."""
    if count < 1:
        raise LedgerError(f"办理时限应为至少 1 个工作日，现为 {count}。")
    day = start
    left = count
    while left:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]: how many of a time limit starting on ``start`` are used by
    the end of ``end`` (0 when ``end`` is not after ``start``)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count
