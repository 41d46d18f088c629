"""Completion and status (models.indicator_rules) by direction and kind, at the start, middle and
end of a year; period-over-period change; the robust z-score outlier check."""
from datetime import date

import pytest

from models.enums import Direction, IndicatorStatus as S, ValueKind
from models.indicator_rules import evaluate, is_outlier, period_change, robust_z
from models.plan import Indicator

START, MIDDLE, END = date(2023, 1, 14), date(2023, 7, 2), date(2023, 12, 31)  # 序时进度 3.8 %, 50.1 %, 100 %
UP, DOWN, BAND = Direction.HIGHER, Direction.LOWER, Direction.BAND
CUM, POINT = ValueKind.CUMULATIVE, ValueKind.POINT


def indicator(direction, kind, target, comparison=">=", high=None, county=None):
    return Indicator(code="T", name="测试", direction=direction, kind=kind, target=target, target_high=high,
                     comparison=comparison, county_target=county)


@pytest.mark.parametrize("direction, kind, comparison, target, high, day, value, completion, status", [
    # higher better, cumulative (e.g. 新增网店 3000家): judged against 序时进度
    (UP, CUM, ">=", 100, None, START, 0, 0.0, S.NORMAL),
    (UP, CUM, ">=", 100, None, START, 5, 0.05, S.NORMAL),
    (UP, CUM, ">=", 100, None, MIDDLE, 50, 0.5, S.NORMAL),
    (UP, CUM, ">=", 100, None, MIDDLE, 30, 0.3, S.LAGGING),
    (UP, CUM, ">=", 100, None, END, 96, 0.96, S.NORMAL),
    (UP, CUM, ">=", 100, None, END, 90, 0.9, S.LAGGING),
    (UP, CUM, ">=", 100, None, END, 100, 1.0, S.ACHIEVED),
    (UP, CUM, ">", 140, None, END, 140, 1.0, S.NORMAL),  # 超140亿元: exactly 140 is not yet above
    # higher better, point-in-time (e.g. 一网通办率 ≥90%): judged against the target all year
    (UP, POINT, ">=", 90, None, START, 80, 80 / 90, S.LAGGING),
    (UP, POINT, ">=", 90, None, MIDDLE, 86, 86 / 90, S.NORMAL),
    (UP, POINT, ">=", 90, None, END, 90, 1.0, S.ACHIEVED),
    # lower better, point-in-time (e.g. 审批时间 ≤80天): completion = ceiling / actual
    (DOWN, POINT, "<=", 80, None, START, 100, 0.8, S.LAGGING),
    (DOWN, POINT, "<=", 80, None, MIDDLE, 82, 80 / 82, S.NORMAL),
    (DOWN, POINT, "<=", 80, None, END, 75, 80 / 75, S.ACHIEVED),
    # lower better, cumulative (a ceiling on a running total): under the ceiling is achieved
    (DOWN, CUM, "<=", 100, None, START, 10, 10.0, S.ACHIEVED),
    (DOWN, CUM, "<=", 100, None, END, 125, 0.8, S.LAGGING),
    # band (e.g. 80—90%): 1 inside, falling with the distance outside
    (BAND, POINT, "=", 80, 90, START, 85, 1.0, S.ACHIEVED),
    (BAND, POINT, "=", 80, 90, MIDDLE, 78, 0.975, S.NORMAL),
    (BAND, POINT, "=", 80, 90, END, 95, 1 - 5 / 80, S.LAGGING),
    (BAND, CUM, "=", 80, 90, MIDDLE, 40, 0.5, S.NORMAL),  # half of the way at half of the year
    (BAND, CUM, "=", 80, 90, MIDDLE, 20, 0.25, S.LAGGING),
    (BAND, CUM, "=", 80, 90, END, 88, 1.0, S.ACHIEVED),
])
def test_completion_and_status(direction, kind, comparison, target, high, day, value, completion, status):
    result = evaluate(indicator(direction, kind, target, comparison, high), value, day, 2023)
    assert result.completion == pytest.approx(completion)
    assert result.status is status


@pytest.mark.parametrize("day, progress", [(START, 14 / 365), (MIDDLE, 183 / 365), (END, 1.0)])
def test_time_progress_and_no_data(day, progress):
    result = evaluate(indicator(UP, CUM, 100), None, day, 2023)
    assert result.status is S.NO_DATA and result.completion is None
    assert result.time_progress == pytest.approx(progress)


def test_the_county_target_wins_over_the_city_target():
    result = evaluate(indicator(UP, POINT, 90, county=95), 92, MIDDLE, 2023)
    assert result.completion == pytest.approx(92 / 95)
    assert result.status is S.NORMAL


@pytest.mark.parametrize("previous, current, delta, ratio", [
    (100, 110, 10, 0.1), (80, 60, -20, -0.25), (0, 5, 5, None), (-10, -5, 5, 0.5),
])
def test_period_change(previous, current, delta, ratio):
    change = period_change(previous, current)
    assert change.delta == pytest.approx(delta)
    assert change.ratio == (pytest.approx(ratio) if ratio is not None else None)


def test_no_change_without_both_values():
    assert period_change(None, 5) is None and period_change(5, None) is None


HISTORY = [5_400_000, 5_420_000, 5_455_000, 5_471_000, 5_480_000, 5_502_000]


@pytest.mark.parametrize("value, history, outlier", [
    (5_520_000, HISTORY, False),          # the next month, as expected
    (552, HISTORY, True),                  # typed in 万 by mistake
    (55_200_000_000, HISTORY, True),       # 万 written twice
    (5_300_000, HISTORY, False),           # a drop, but within reach
    (552, HISTORY[:3], False),             # too little history to judge
    (80, [80, 80, 80, 80, 80], False),     # steady series: the same figure is no outlier
    (800, [80, 80, 80, 80, 80], True),     # …but tenfold is
    (85, [80, 80, 80, 80, 80], False),
])
def test_robust_outliers(value, history, outlier):
    assert is_outlier(value, history) is outlier


def test_robust_z_is_immune_to_one_earlier_outlier():
    z_clean = robust_z(120, [100, 101, 99, 102, 98, 100])
    z_dirty = robust_z(120, [100, 101, 99, 102, 98, 100, 1_000_000])
    assert abs(z_clean - z_dirty) < 2
