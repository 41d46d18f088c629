"""Periods: numbering, labels, year boundaries, leap years, time progress."""
from datetime import date

import pytest

from models.enums import PeriodType
from models.periods import (
    PeriodError, parse_period_id, period, period_containing, periods_of_year, time_progress, year_progress,
)


def test_26_biweekly_periods_cover_the_year_without_gaps():
    for year in (2023, 2024):
        spans = periods_of_year(year, PeriodType.BIWEEKLY)
        assert len(spans) == 26
        assert spans[0].start == date(year, 1, 1)
        assert spans[-1].end == date(year, 12, 31)
        for before, after in zip(spans, spans[1:]):
            assert (after.start - before.end).days == 1


def test_last_biweekly_period_absorbs_the_leftover_days():
    assert (period(PeriodType.BIWEEKLY, 2023, 26).end - period(PeriodType.BIWEEKLY, 2023, 26).start).days + 1 == 15
    assert (period(PeriodType.BIWEEKLY, 2024, 26).end - period(PeriodType.BIWEEKLY, 2024, 26).start).days + 1 == 16


def test_labels_name_the_dates():
    assert period(PeriodType.BIWEEKLY, 2024, 3).label == "2024年第3期（1月29日—2月11日）"
    assert period(PeriodType.MONTHLY, 2023, 2).label == "2023年2月（2月1日—2月28日）"
    assert period(PeriodType.MONTHLY, 2024, 2).end == date(2024, 2, 29)
    assert period(PeriodType.QUARTERLY, 2023, 2).label == "2023年第二季度（4月1日—6月30日）"
    assert period(PeriodType.YEARLY, 2023, 1).label == "2023年度（1月1日—12月31日）"


@pytest.mark.parametrize("text,ptype,number", [
    ("2023-B10", PeriodType.BIWEEKLY, 10), ("2023-M05", PeriodType.MONTHLY, 5),
    ("2023-Q2", PeriodType.QUARTERLY, 2), ("2023-Y", PeriodType.YEARLY, 1), (" 2023-b01 ", PeriodType.BIWEEKLY, 1),
])
def test_ids_round_trip(text, ptype, number):
    span = parse_period_id(text)
    assert (span.type, span.number) == (ptype, number)
    assert parse_period_id(span.id) == span


@pytest.mark.parametrize("text", ["2023-B27", "2023-B00", "2023-M13", "2023-Q5", "2023", "B10", "2023-X1", ""])
def test_bad_ids_are_refused_in_chinese(text):
    with pytest.raises(PeriodError) as info:
        parse_period_id(text)
    assert "期" in str(info.value) or "无法识别" in str(info.value)


def test_period_containing_at_boundaries():
    assert period_containing(date(2023, 1, 14), PeriodType.BIWEEKLY).number == 1
    assert period_containing(date(2023, 1, 15), PeriodType.BIWEEKLY).number == 2
    assert period_containing(date(2023, 12, 31), PeriodType.BIWEEKLY).number == 26
    assert period_containing(date(2024, 12, 31), PeriodType.BIWEEKLY).number == 26
    assert period_containing(date(2023, 10, 27), PeriodType.BIWEEKLY).id == "2023-B22"
    assert period_containing(date(2023, 3, 31), PeriodType.QUARTERLY).id == "2023-Q1"
    assert period_containing(date(2023, 4, 1), PeriodType.QUARTERLY).id == "2023-Q2"


def test_due_date_follows_period_end():
    span = period(PeriodType.BIWEEKLY, 2023, 26)
    assert span.due == date(2024, 1, 3)  # a return for the last period is due in the next year
    assert period(PeriodType.MONTHLY, 2023, 1).due == date(2023, 2, 5)


def test_time_progress():
    start, end = date(2023, 1, 1), date(2023, 12, 31)
    assert time_progress(date(2022, 12, 31), start, end) == 0.0
    assert time_progress(date(2023, 1, 1), start, end) == pytest.approx(1 / 365)
    assert time_progress(date(2023, 7, 2), start, end) == pytest.approx(183 / 365)
    assert time_progress(date(2023, 12, 31), start, end) == 1.0
    assert time_progress(date(2024, 6, 1), start, end) == 1.0
    assert year_progress(date(2024, 12, 31), 2024) == 1.0
    assert year_progress(date(2024, 2, 29), 2024) == pytest.approx(60 / 366)
    with pytest.raises(ValueError):
        time_progress(date(2023, 1, 1), end, start)


def test_periods_are_named_for_readers_not_by_their_ids():
    from models.periods import period_name

    assert [period_name(i) for i in ("2023-B22", "2023-M10", "2023-Q3", "2023-Y")] == [
        "2023年第22期", "2023年10月", "2023年第三季度", "2023年度"]
    assert period_name("") == "" and period_name("（不明）") == "（不明）"
