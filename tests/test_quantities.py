"""Reading and writing quantities as plans and spreadsheets write them (models.quantities)."""
import pytest

from models.quantities import (
    QuantityError, Target, format_number, format_percent, format_target, format_value, nice_ticks, parse_quantity,
    parse_target,
)


@pytest.mark.parametrize("text, unit, expected", [
    ("80", "天", 80),
    ("１，２３４．５", "", 1234.5),
    ("1,234,567", "人", 1234567),
    (" 92.5% ", "%", 92.5),
    ("590万", "人", 5_900_000),
    ("590万人", "人", 5_900_000),
    ("590万", "万人", 590),
    ("3.29", "万户", 3.29),
    ("18.19亿", "亿元", 18.19),
    ("1819万元", "亿元", 0.1819),
    ("18.19", "亿元", 18.19),  # a bare number is in the indicator's unit, multiplier and all
    ("158.51", "万元", 158.51),
    ("3000家", "家", 3000),
    ("-2.5", "个百分点", -2.5),
    ("1e3", "", 1000),
])
def test_quantities_read_in_the_indicators_unit(text, unit, expected):
    assert parse_quantity(text, unit) == pytest.approx(expected)


@pytest.mark.parametrize("text, unit, message", [
    ("", "天", "为空"),
    ("abc", "天", "不是数字"),
    ("12天半", "天", "不符"),
    ("NaN", "%", "不是有限"),
    ("inf", "%", "不是有限"),
    ("1e400", "%", "不是有限"),
    ("≥90%", "%", "目标的写法"),
    ("不少于10", "个", "目标的写法"),
    ("5公斤", "个", "不符"),
])
def test_bad_values_are_refused_with_a_reason(text, unit, message):
    with pytest.raises(QuantityError, match=message):
        parse_quantity(text, unit)


@pytest.mark.parametrize("text, unit, expected", [
    ("≥90%", "", Target(">=", 90, None, "%")),
    ("≤15", "", Target("<=", 15, None, "")),
    ("<=80天", "天", Target("<=", 80, None, "天")),
    ("超140亿元", "", Target(">", 140, None, "亿元")),
    ("3.29万", "", Target(">=", 32900, None, "")),
    ("51.26亿元", "亿元", Target(">=", 51.26, None, "亿元")),
    ("不少于10个", "", Target(">=", 10, None, "个")),
    ("100个以上", "", Target(">=", 100, None, "个")),
    ("2块及以上", "", Target(">=", 2, None, "块")),
    ("15天以内", "", Target("<=", 15, None, "天")),
    ("80—90%", "", Target("band", 80, 90, "%")),
    ("31/32", "", Target(">=", 96.875, None, "%")),
])
def test_targets_read_with_their_comparison(text, unit, expected):
    assert parse_target(text, unit) == expected


@pytest.mark.parametrize("text", ["一日办结", "", "90—80%", "1/0"])
def test_unreadable_targets_are_refused(text):
    with pytest.raises(QuantityError):
        parse_target(text)


@pytest.mark.parametrize("value, unit, decimals, expected", [
    (None, "天", 0, ""),
    (80, "天", 0, "80天"),
    (92.54, "%", 1, "92.5%"),
    (5_900_000, "人", 0, "590万人"),
    (1.819e9, "元", 2, "18.19亿元"),
    (140, "亿元", 1, "140.0亿元"),
    (3000, "家", 0, "3,000家"),
    (3.0, "个百分点", 1, "3.0个百分点"),
])
def test_values_are_written_as_a_reader_expects(value, unit, decimals, expected):
    assert format_value(value, unit, decimals) == expected


def test_targets_are_written_with_their_sign():
    assert format_target(">=", 90, "%", 1) == "≥90.0%"
    assert format_target("<=", 80, "天") == "≤80天"
    assert format_target("band", 80, "%", 0, 90) == "80—90%"


@pytest.mark.parametrize("typed, unit, decimals, expected", [
    ("0", "人", 0, "0人"),
    ("0.5", "", 1, "0.5"),
    ("0.5", "", None, "0.5"),
    ("1,928", "家", 0, "1,928家"),
    ("1928", "家", None, "1,928家"),
    ("547.12万", "人", 0, "547.12万人"),
    ("5471200", "人", None, "547.12万人"),
    ("547.12", "万人", 2, "547.12万人"),
    ("18.19亿", "元", 2, "18.19亿元"),
    ("−3", "", 0, "-3"),
    ("-0.0", "", 0, "0"),
    ("1e-4", "", None, "0.0001"),
    ("1e-4", "%", 4, "0.0001%"),
])
def test_typed_values_are_written_back_the_same_way_everywhere(typed, unit, decimals, expected):
    """One formatter for the grid, the charts, the PDFs and the workbooks: never e-notation, always
    the same thousands separators, 万 and 亿 from 100,000 up."""
    assert format_value(parse_quantity(typed, unit), unit, decimals) == expected
    assert "e" not in expected


@pytest.mark.parametrize("value, expected", [(0, "0"), (0.5, "0.5"), (1928, "1,928"), (-3, "-3"), (1e-4, "0.0001"),
                                             (5_471_200, "5,471,200"), (1 / 3, "0.33333333")])
def test_numbers_of_unknown_precision_show_what_they_hold(value, expected):
    assert format_number(value) == expected


def test_percentages_and_axis_ticks_are_round():
    assert format_percent(0.9484) == "94.8%"
    assert format_percent(None) == "—"
    assert format_percent(12.3456) == "1,234.6%"
    assert nice_ticks(0, 6_000_000) == [0, 2_000_000, 4_000_000, 6_000_000]
    assert [format_value(t) for t in nice_ticks(0, 6_000_000)] == ["0", "200万", "400万", "600万"]
    assert nice_ticks(0, 150) == [0, 50, 100, 150]
