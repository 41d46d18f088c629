"""Numbers as people write them in plans and spreadsheets, and back.

Reading: full-width digits and signs, thousands separators, %, the multipliers 万 and 亿 (and
千 / 百万), units after the number, comparisons written as signs or words (≥90%, ≤15, 不少于10个,
超140亿元, 100个以上), ratios such as 31/32, bands such as 80—90%. Writing: a value with its unit
and decimals, big amounts with 万 / 亿 as a Chinese reader expects (590万人, 18.19亿元).

One implementation for the indicator grid, the command line, plan import and the exports.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from models.errors import LedgerError

MULTIPLIERS = {"百万": 1e6, "千万": 1e7, "千": 1e3, "万": 1e4, "亿": 1e8}
# Comparison words before or after the number, longest first so that 不低于 wins over 低于.
_WORDS_BEFORE = [("不少于", ">="), ("不低于", ">="), ("不超过", "<="), ("不高于", "<="), ("不多于", "<="),
                 ("超过", ">"), ("高于", ">"), ("大于", ">"), ("低于", "<"), ("少于", "<"), ("小于", "<"),
                 ("达到", ">="), ("达", ">="), ("超", ">"), ("控制在", "<="), ("压缩至", "<="), ("压减至", "<=")]
_WORDS_AFTER = [("及以上", ">="), ("以上", ">="), ("以内", "<="), ("及以下", "<="), ("以下", "<=")]
_SIGNS = {"≥": ">=", ">=": ">=", "≤": "<=", "<=": "<=", ">": ">", "<": "<", "=": "="}
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_QUANTITY = re.compile(rf"^(?P<number>{_NUMBER})(?P<mult>百万|千万|千|万|亿)?(?P<unit>[^\d]*)$")
_RATIO = re.compile(rf"^(?P<num>{_NUMBER})/(?P<den>{_NUMBER})$")
_BAND = re.compile(rf"^(?P<low>{_NUMBER})(?P<lmult>万|亿)?\s*(?:-|—|～|~|至|到)\s*(?P<rest>.+)$")


class QuantityError(LedgerError, ValueError):
    """Text that does not read as a number; the message says what was expected."""


@dataclass(frozen=True, slots=True)
class Target:
    """A target as written: comparison, value (and upper bound of a band) in the indicator's unit."""

    comparison: str  # ">=", ">", "<=", "<", "=" or "band"
    value: float
    high: float | None = None
    unit: str = ""  # the unit written after the number, without its multiplier


def normalise(text: str) -> str:
    """Half-width digits and signs, no spaces or thousands separators."""
    text = unicodedata.normalize("NFKC", str(text)).strip()
    text = text.replace("＜", "<").replace("＞", ">").replace("≦", "≤").replace("≧", "≥").replace("−", "-")
    text = re.sub(r"(?<=\d)[,，](?=\d{3})", "", text)
    return re.sub(r"\s+", "", text)


def unit_multiplier(unit: str) -> tuple[float, str]:
    """亿元 → (1e8, 元); 万人 → (1e4, 人); 天 → (1, 天)."""
    for prefix, factor in MULTIPLIERS.items():
        if unit.startswith(prefix) and len(unit) > len(prefix):
            return factor, unit[len(prefix):]
    return 1.0, unit


def _finite(value: float, text: str) -> float:
    if math.isnan(value) or math.isinf(value):
        raise QuantityError(f"“{text}”不是有限的数值。")
    return value


def _scaled(number: str, mult: str | None, written_unit: str, unit: str, text: str) -> float:
    """A written number with its multiplier and unit, expressed in ``unit``."""
    value = _finite(float(number), text) * MULTIPLIERS.get(mult or "", 1.0)
    if not mult and not written_unit:
        return value  # a bare number is already in the indicator's unit: 18.19 for 亿元 is 18.19亿元
    factor, base = unit_multiplier(unit)
    if written_unit and written_unit not in (unit, base) and not (written_unit == "%" and unit in ("%", "％")):
        w_factor, w_base = unit_multiplier(written_unit)
        if w_base != base:
            expected = f"“{unit}”" if unit else "纯数字"
            raise QuantityError(f"“{text}”的单位“{written_unit}”与指标单位{expected}不符。")
        value *= w_factor
    return value / factor


def parse_quantity(text: str, unit: str = "") -> float:
    """A value typed or pasted for an indicator measured in ``unit``.

    ``590万`` for 人 is 5 900 000; for 万人 it is 590; ``18.19亿`` for 亿元 is 18.19. Comparisons
    (≥90%) are refused here: they belong to targets, not to values.
    """
    clean = normalise(text)
    if not clean:
        raise QuantityError("数值为空。")
    if clean.lower() in ("nan", "inf", "+inf", "-inf", "infinity", "-infinity"):
        raise QuantityError(f"“{text}”不是有限的数值。")
    if clean[0] in "≥≤<>=" or any(clean.startswith(w) for w, _ in _WORDS_BEFORE):
        raise QuantityError(f"“{text}”是目标的写法，实际值请只填数字（例如 92.5）。")
    match = _QUANTITY.match(clean)
    if not match:
        raise QuantityError(f"“{text}”不是数字。可以写 1234、1,234.5、590万、18.19亿、92.5%。")
    return _scaled(match["number"], match["mult"], match["unit"], unit, text)


def parse_target(text: str, unit: str = "", default_comparison: str = ">=") -> Target:
    """A target as the city writes it: ≥90%, 不少于10个, 超140亿元, ≤15天, 3.29万, 31/32, 80—90%."""
    clean = normalise(text)
    if not clean:
        raise QuantityError("目标值为空。")
    comparison = None
    for sign in ("≥", ">=", "≤", "<=", ">", "<", "="):
        if clean.startswith(sign):
            comparison, clean = _SIGNS[sign], clean[len(sign):]
            break
    if comparison is None:
        for word, sign in _WORDS_BEFORE:
            if clean.startswith(word):
                comparison, clean = sign, clean[len(word):]
                break
    for word, sign in _WORDS_AFTER:
        if clean.endswith(word):
            comparison, clean = comparison or sign, clean[: -len(word)]
            break
    if ratio := _RATIO.match(clean):
        denominator = _finite(float(ratio["den"]), text)
        if denominator == 0:
            raise QuantityError(f"目标“{text}”的分母为 0。")
        return Target(comparison or default_comparison, float(ratio["num"]) / denominator * 100, unit="%")
    if band := _BAND.match(clean):
        high_match = _QUANTITY.match(band["rest"])
        if high_match:
            target_unit = unit or _written_unit(high_match)
            high = _scaled(high_match["number"], high_match["mult"], high_match["unit"], target_unit, text)
            low = _scaled(band["low"], band["lmult"], high_match["unit"], target_unit, text)
            if low > high:
                raise QuantityError(f"目标区间“{text}”的下限大于上限。")
            return Target("band", low, high, target_unit)
    match = _QUANTITY.match(clean)
    if not match:
        raise QuantityError(f"目标“{text}”无法识别。可以写 ≥90%、≤15天、不少于10个、超140亿元、3.29万、31/32。")
    target_unit = unit or _written_unit(match)
    value = _scaled(match["number"], match["mult"], match["unit"], target_unit, text)
    return Target(comparison or default_comparison, value, None, target_unit)


def _written_unit(match: re.Match) -> str:
    """The unit a target names for itself: 亿元 keeps its 亿; a bare 3.29万 is a plain number."""
    return (match["mult"] or "") + match["unit"] if match["unit"] else ""


def format_number(value: float, decimals: int | None = None) -> str:
    """Fixed decimals with thousands separators, never e-notation: 1,234.5. ``None`` decimals:
    as many as the value has (up to 8), without trailing zeros: 0.0001, 0.5, 1,928."""
    if decimals is None:
        text = f"{value:,.8f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:,.{max(decimals, 0)}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text  # no “-0”


def format_value(value: float | None, unit: str = "", decimals: int | None = 0) -> str:
    """A value as a reader expects it: 80天, 92.5%, 547.12万人, 18.19亿元, 1,928家.

    The one formatter for the window, the charts, the PDFs and the workbooks. From 100,000 up a
    count is written in 万 (and from 1亿 in 亿) with at most two decimals, unless the unit carries
    its own multiplier (万人, 亿元) or is a percentage. ``decimals=None``: as many as the value needs.
    """
    if value is None:
        return ""
    factor, _base = unit_multiplier(unit)
    if unit in ("%", "％") or factor != 1.0 or unit.endswith("百分点"):
        return f"{format_number(value, decimals)}{unit}"
    for prefix, step in (("亿", 1e8), ("万", 1e5)):
        if abs(value) >= step:
            text = f"{value / MULTIPLIERS[prefix]:,.2f}".rstrip("0").rstrip(".")
            return f"{text}{prefix}{unit}"
    return f"{format_number(value, decimals)}{unit}"


def format_percent(ratio: float | None, empty: str = "—") -> str:
    """A share as a percentage with one decimal: 0.948 → 94.8%."""
    return empty if ratio is None else f"{format_number(ratio * 100, 1)}%"


def excel_number_format(value: float | None) -> str:
    """The cell format showing a number as ``format_number`` does: 1,928 and 547.12, not 1928."""
    return "#,##0" if value is None or value == int(value) else "#,##0.0###"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round axis ticks covering ``low``–``high`` (about ``count`` of them), to be labelled
    with ``format_value`` rather than a printf format that writes 6e+06."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks, n = [], 0
    while not ticks or ticks[-1] < high - step * 1e-9:
        ticks.append(round(first + n * step, 10))
        n += 1
    return ticks


def format_target(comparison: str, value: float | None, unit: str = "", decimals: int = 0,
                  high: float | None = None) -> str:
    """≥90.0%, ≤80天, 120—150家."""
    if value is None:
        return ""
    if comparison == "band" and high is not None:
        return f"{format_value(value, '', decimals)}—{format_value(high, unit, decimals)}"
    sign = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": ""}.get(comparison, "")
    return f"{sign}{format_value(value, unit, decimals)}"
