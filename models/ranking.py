"""晾晒: how the city compares counties — ranks per indicator, scores and ranks per area.

Ranks are competition ranks (1, 2, 2, 4): equal completion, equal place. A county without a
completion for an indicator is not ranked on it. An area's score is the mean of a task score
(已完成 100, 推进中 80, 未启动 60, 滞后 0 — a lagging task costs most) and, where the area has
indicators, the mean indicator completion capped at 120 % (so one runaway figure cannot hide the
rest); the score is the ranking board's single number, the table beside it shows its parts.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from models.enums import TaskStatus

TASK_SCORES = {TaskStatus.DONE.label: 100.0, TaskStatus.ON_TRACK.label: 80.0,
               TaskStatus.NOT_STARTED.label: 60.0, TaskStatus.LAGGING.label: 0.0}
COMPLETION_CAP = 1.2
# Units of rates, durations and scores: summing them over counties means nothing.
NON_ADDITIVE_UNITS = ("%", "％", "‰", "百分点", "天", "日", "个工作日", "工作日", "小时", "分钟", "分", "倍", "位", "名", "次/人")


def competition_ranks(scores: Mapping[str, float | None]) -> dict[str, int | None]:
    """Higher score, better place; ties share a place; None is unranked."""
    ordered = sorted((s for s in scores.values() if s is not None), reverse=True)
    return {key: None if s is None else ordered.index(s) + 1 for key, s in scores.items()}


def is_additive(unit: str) -> bool:
    """Counts and amounts (个, 家, 亿元, 人) add up to a city total; rates and durations do not."""
    return bool(unit) and unit not in NON_ADDITIVE_UNITS and not unit.endswith("%")


@dataclass
class AreaScore:
    county: str
    tasks: dict[str, int] = field(default_factory=dict)  # status label → count
    task_score: float | None = None
    indicator_score: float | None = None  # mean capped completion, in percent
    score: float | None = None
    rank: int | None = None


def area_score(county: str, task_statuses: list[str], completions: list[float | None]) -> AreaScore:
    result = AreaScore(county, {label: task_statuses.count(label) for label in TASK_SCORES})
    scored = [TASK_SCORES[s] for s in task_statuses if s in TASK_SCORES]
    if scored:
        result.task_score = sum(scored) / len(scored)
    known = [min(c, COMPLETION_CAP) * 100 for c in completions if c is not None]
    if known:
        result.indicator_score = sum(known) / len(known)
    parts = [p for p in (result.task_score, result.indicator_score) if p is not None]
    result.score = round(sum(parts) / len(parts), 1) if parts else None
    return result


def rank_areas(scores: list[AreaScore]) -> list[AreaScore]:
    """The scores ranked and sorted best first (unranked last, by county name)."""
    ranks = competition_ranks({s.county: s.score for s in scores})
    for item in scores:
        item.rank = ranks[item.county]
    return sorted(scores, key=lambda s: (s.rank is None, s.rank or 0, s.county))


@dataclass
class ProblemScore:
    """营商台账 on the 晾晒榜: one county's year-to-date figures and its place."""

    county: str
    received: int
    closed: int
    close_rate: float | None
    on_time_rate: float | None
    satisfaction_rate: float | None
    reopen_rate: float | None
    mean_close_days: float | None
    score: float | None = None
    rank: int | None = None


def rank_problem_boards(scores: list[ProblemScore]) -> list[ProblemScore]:
    """The score is the mean, in percent, of 办结率, 按期办结率, 满意率 and (1 − 重办率), of those a
    county has; ranked like the areas, best first."""
    for item in scores:
        parts = [r for r in (item.close_rate, item.on_time_rate, item.satisfaction_rate,
                             None if item.reopen_rate is None else 1 - item.reopen_rate) if r is not None]
        item.score = round(sum(parts) / len(parts) * 100, 1) if parts else None
    ranks = competition_ranks({s.county: s.score for s in scores})
    for item in scores:
        item.rank = ranks[item.county]
    return sorted(scores, key=lambda s: (s.rank is None, s.rank or 0, s.county))
