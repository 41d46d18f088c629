"""The return (报表) of one office for one period, as one object both files are written from.

``build_return`` gathers it from the store, judging tasks with models.status and indicators with
models.indicator_rules (the one rule each); ``flat_rows`` / ``from_flat_rows`` turn it into the rows
of the 报送数据 sheet and back, and ``return_digest`` is the fingerprint of those rows that the
printed pages and the workbook share.
"""
from __future__ import annotations

import functools
import hashlib
import json
import types
import typing
from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.enums import Direction, IndicatorStatus, TaskStatus
from models.errors import LedgerError
from models.indicator_rules import effective_target, evaluate_latest
from models.ledger import IndicatorValue, Period, ProgressReport
from models.returns import completeness, get_period, latest_return
from models.office import Office, Return
from models.plan import Indicator, Task
from models.plan_loader import plan_of_year_or_newest
from models.problems.figures import figures, format_rate
from models.problems.masked import handled_in
from models.quantities import format_target, format_value
from models.settings import LAG_TOLERANCE
from models.status import milestone_done, task_facts, task_status


def _label(text: str) -> Any:
    return field(metadata={"label": text})


@dataclass
class Cover:
    county: str = _label("县（市、区）")
    office: str = _label("报送单位")
    plan: str = _label("方案")
    period_id: str = _label("期次编号")
    period_label: str = _label("期次")
    period_start: date = _label("起始日期")
    period_end: date = _label("截止日期")
    due: date = _label("报送截止日期")
    as_of: date = _label("统计日期")
    version: int = _label("版本")
    preparer: str = _label("填报人")
    reviewer: str = _label("审核人")
    approver: str = _label("签发人")
    phone: str = _label("联系电话")


@dataclass
class TaskRow:
    number: int = _label("序号")
    area: str = _label("领域")
    title: str = _label("任务")
    origin: str = _label("类型")
    unit: str = _label("责任单位")
    leader: str = _label("责任领导")
    contact: str = _label("联系人")
    status: str = _label("状态")
    milestones_done: int = _label("已完成节点")
    milestones_total: int = _label("节点总数")
    progress: str = _label("本期进展")
    problems: str = _label("存在问题")
    next_steps: str = _label("下步计划")
    gap_reason: str = _label("未报送说明")


@dataclass
class MilestoneRow:
    task_number: int = _label("任务序号")
    seq: int = _label("节点序号")
    title: str = _label("节点举措")
    due: date = _label("计划完成日期")
    done: date | None = _label("实际完成日期")
    state: str = _label("状态")


@dataclass
class IndicatorRow:
    code: str = _label("指标编号")
    name: str = _label("指标名称")
    unit: str = _label("单位")
    target: float | None = _label("目标值")
    target_text: str = _label("目标")
    value_period: str = _label("数据期次")
    value: float | None = _label("本期值")
    value_text: str = _label("本期值（文字）")
    completion: float | None = _label("完成率")
    time_progress: float = _label("序时进度")
    status: str = _label("状态")
    note: str = _label("说明")


@dataclass
class Gap:
    kind: str = _label("类别")  # 进展 / 指标
    subject: str = _label("事项")
    reason: str = _label("原因说明")


@dataclass
class Summary:
    tasks_done: int = _label("已完成任务")
    tasks_on_track: int = _label("推进中任务")
    tasks_lagging: int = _label("滞后任务")
    tasks_not_started: int = _label("未启动任务")
    milestones_done_in_period: int = _label("本期完成节点")
    milestones_overdue: int = _label("逾期未完成节点")
    indicators_achieved: int = _label("已达标指标")
    indicators_normal: int = _label("正常推进指标")
    indicators_lagging: int = _label("滞后指标")
    indicators_no_data: int = _label("未填报指标")
    text: str = _label("情况综述")


@dataclass
class ProblemFigureRow:
    """营商台账 figures: 本期 and 本年累计 in total, and 本年累计 per handling unit."""

    scope: str = _label("统计范围")
    unit: str = _label("主办单位")
    received: int = _label("受理件数")
    closed: int = _label("办结件数")
    closed_on_time: int = _label("按期办结件数")
    visited: int = _label("回访件数")
    satisfied: int = _label("满意件数")
    reopened: int = _label("重办件数")
    close_rate: float | None = _label("办结率")
    on_time_rate: float | None = _label("按期办结率")
    satisfaction_rate: float | None = _label("满意率")
    reopen_rate: float | None = _label("重办率")
    mean_close_days: float | None = _label("平均办结用时（工作日）")


@dataclass
class ProblemRecordRow:
    """One problem handled in the period, its personal data masked."""

    number: str = _label("问题编号")
    received: date = _label("受理日期")
    channel: str = _label("来源渠道")
    kind: str = _label("问题类型")
    enterprise: str = _label("企业名称")
    contact: str = _label("联系人")
    phone: str = _label("联系电话")
    tags: str = _label("问题标签")
    description: str = _label("问题描述")
    lead_handler: str = _label("主办单位")
    due: date | None = _label("办结期限")
    state: str = _label("办理状态")
    closed_on: date | None = _label("办结日期")
    satisfaction: str = _label("回访满意度")
    reopen_count: int = _label("重办次数")


@dataclass
class ReturnData:
    cover: Cover
    tasks: list[TaskRow]
    milestones: list[MilestoneRow]
    indicators: list[IndicatorRow]
    summary: Summary
    gaps: list[Gap]
    problem_figures: list[ProblemFigureRow] = field(default_factory=list)
    problems: list[ProblemRecordRow] = field(default_factory=list)

    @property
    def file_stem(self) -> str:
        """``<county>_<period>_v<version>``, the name both files share."""
        return f"{self.cover.county}_{self.cover.period_id}_v{self.cover.version}"


def _latest_value(session: Session, indicator: Indicator, until: date) -> IndicatorValue | None:
    """The newest value given by the end of the period (an explained gap holds no value)."""
    return session.scalar(
        select(IndicatorValue).join(Period, IndicatorValue.period_id == Period.id)
        .where(IndicatorValue.indicator_id == indicator.id, IndicatorValue.value.is_not(None), Period.end <= until)
        .order_by(Period.end.desc()).limit(1))


def build_return(session: Session, period_id: str, as_of: date, version: int = 1) -> ReturnData:
    """Everything the city asks for about ``period_id``, judged as of the period's end (or
    ``as_of``, if the period is still running)."""
    period = get_period(session, period_id)
    plan = plan_of_year_or_newest(session, period.year, "，无法生成报表")
    office = session.scalar(select(Office).limit(1)) or Office()
    judged = min(as_of, period.end)
    tolerance = LAG_TOLERANCE.get(session)
    reviewed = latest_return(session, period.id)
    reviewer = reviewed.reviewed_by if reviewed is not None and reviewed.version == version else ""
    cover = Cover(office.county or "", office.office_name or "", plan.name, period.id, period.label,
                  period.start, period.end, period.due, judged, version, office.preparer or "",
                  reviewer or office.reviewer or "", office.approver or "", office.phone or "")

    reports = {r.task_id: r for r in session.scalars(
        select(ProgressReport).where(ProgressReport.period_id == period.id))}
    tasks = session.scalars(
        select(Task).where(Task.plan_id == plan.id, Task.archived.is_(False)).order_by(Task.number)
        .options(selectinload(Task.milestones), selectinload(Task.area))).all()
    task_rows, milestone_rows = [], []
    statuses: Counter[TaskStatus] = Counter()
    done_in_period = overdue = 0
    for task in tasks:
        report = reports.get(task.id)
        has_text = report is not None and bool(report.progress.strip())
        facts = task_facts(task, has_text)
        status = task_status(facts, judged, tolerance)
        statuses[status] += 1
        done = sum(milestone_done(m, judged) for m in facts.milestones)
        task_rows.append(TaskRow(
            task.number, task.area.name, task.title, task.origin.label, task.county_unit or task.lead_unit,
            task.leader, task.contact, status.label, done, len(task.milestones),
            report.progress if report else "", report.problems if report else "",
            report.next_steps if report else "", report.gap_reason if report else ""))
        for m in task.milestones:
            done_here = m.done_date is not None and period.start <= m.done_date <= judged
            due_here = period.start <= m.due_date <= period.end
            late = m.done_date is None and m.due_date < judged
            if done_here or due_here or late:
                state = "本期完成" if done_here else "逾期未完成" if late else "已完成" if m.done_date else "本期到期"
                done_in_period += done_here
                overdue += late
                milestone_rows.append(MilestoneRow(task.number, m.seq, m.title, m.due_date, m.done_date, state))

    indicator_rows = []
    indicator_statuses: Counter[IndicatorStatus] = Counter()
    for indicator in plan.indicators:
        if indicator.archived:
            continue
        row_value = _latest_value(session, indicator, period.end)
        value = row_value.value if row_value else None
        result = evaluate_latest(indicator, value, row_value.period.end if row_value else None, judged, plan.year)
        indicator_statuses[result.status] += 1
        target = effective_target(indicator)
        indicator_rows.append(IndicatorRow(
            indicator.code, indicator.name, indicator.unit, target,
            format_target("band" if indicator.direction is Direction.BAND else indicator.comparison, target,
                          indicator.unit, indicator.decimals, indicator.target_high) or indicator.target_text,
            row_value.period_id if row_value else "", value,
            format_value(value, indicator.unit, indicator.decimals),
            None if result.completion is None else round(result.completion, 4),
            round(result.time_progress, 4), result.status.label, row_value.note if row_value else ""))

    gaps = [Gap(g.kind, g.subject, g.reason) for g in completeness(session, period.id)]
    summary = Summary(
        statuses[TaskStatus.DONE], statuses[TaskStatus.ON_TRACK], statuses[TaskStatus.LAGGING],
        statuses[TaskStatus.NOT_STARTED], done_in_period, overdue,
        indicator_statuses[IndicatorStatus.ACHIEVED], indicator_statuses[IndicatorStatus.NORMAL],
        indicator_statuses[IndicatorStatus.LAGGING], indicator_statuses[IndicatorStatus.NO_DATA], "")
    problem_figures, problem_records = problem_section(session, period.start, period.end, judged)
    summary.text = _summary_text(cover, summary, len(task_rows), len(indicator_rows), gaps) \
        + _problem_text(problem_figures)
    return ReturnData(cover, task_rows, milestone_rows, indicator_rows, summary, gaps, problem_figures, problem_records)


def problem_section(session: Session, start: date, end: date, judged: date) -> tuple[
        list[ProblemFigureRow], list[ProblemRecordRow]]:
    """The 营商台账 part of a return: figures for the period and the year so far, per unit for the
    year, and the problems handled in the period (received in it, or still open at its start)."""
    def rows(scope: str, report) -> list[ProblemFigureRow]:
        return [ProblemFigureRow(scope, f.unit, f.received, f.closed, f.closed_on_time, f.visited, f.satisfied,
                                 f.reopened, f.close_rate, f.on_time_rate, f.satisfaction_rate, f.reopen_rate,
                                 f.mean_close_days) for f in [report.total] + (report.units if scope == "本年累计" else [])]

    period = figures(session, start, end, judged)
    year = figures(session, date(end.year, 1, 1), end, judged)
    if not year.total.received and not period.total.received:
        return [], []
    records = [ProblemRecordRow(**r) for r in handled_in(session, start, judged)]
    return rows("本期", period) + rows("本年累计", year), records


def _problem_text(rows: list[ProblemFigureRow]) -> str:
    year = next((r for r in rows if r.scope == "本年累计"), None)
    if year is None:
        return ""
    return (f"营商台账本年受理涉企问题{year.received}件、办结{year.closed}件，办结率{format_rate(year.close_rate)}、"
            f"按期办结率{format_rate(year.on_time_rate)}、满意率{format_rate(year.satisfaction_rate)}、"
            f"重办率{format_rate(year.reopen_rate)}。")


def _summary_text(cover: Cover, s: Summary, tasks: int, indicators: int, gaps: list[Gap]) -> str:
    text = (f"截至{cover.as_of.month}月{cover.as_of.day}日，{cover.county}共承担改革任务{tasks}项，"
            f"已完成{s.tasks_done}项、推进中{s.tasks_on_track}项、滞后{s.tasks_lagging}项、"
            f"未启动{s.tasks_not_started}项；本期完成节点{s.milestones_done_in_period}项，"
            f"逾期未完成节点{s.milestones_overdue}项。{indicators}项指标中，已达标{s.indicators_achieved}项、"
            f"正常推进{s.indicators_normal}项、滞后{s.indicators_lagging}项、未填报{s.indicators_no_data}项。")
    if gaps:
        text += f"本期缺报事项{len(gaps)}项，" + ("均已说明原因。" if all(g.reason for g in gaps) else "尚有未说明原因的。")
    return text


# ---- the flat rows of 报送数据, and back ------------------------------------------------------

FLAT_HEADER = ("类别", "编号", "字段", "字段名称", "值")
_SECTIONS = {"封面": Cover, "任务": TaskRow, "节点": MilestoneRow, "指标": IndicatorRow, "汇总": Summary, "缺报": Gap,
             "问题统计": ProblemFigureRow, "涉企问题": ProblemRecordRow}


def _cell(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def flat_rows(data: ReturnData) -> list[tuple[str, str, str, str, Any]]:
    """One row per datum: (section, key, field, label, value); dates as ISO text."""
    rows: list[tuple[str, str, str, str, Any]] = []

    def add(section: str, key: str, item: Any) -> None:
        for f in fields(item):
            rows.append((section, key, f.name, f.metadata["label"], _cell(getattr(item, f.name))))

    add("封面", "", data.cover)
    for t in data.tasks:
        add("任务", str(t.number), t)
    for m in data.milestones:
        add("节点", f"{m.task_number}-{m.seq}", m)
    for i in data.indicators:
        add("指标", i.code, i)
    add("汇总", "", data.summary)
    for n, g in enumerate(data.gaps, 1):
        add("缺报", str(n), g)
    for n, f in enumerate(data.problem_figures, 1):
        add("问题统计", str(n), f)
    for p in data.problems:
        add("涉企问题", p.number, p)
    return rows


def _parse(kind: Any, raw: Any, where: str) -> Any:
    optional = typing.get_origin(kind) in (typing.Union, types.UnionType)
    base = next(a for a in typing.get_args(kind) if a is not type(None)) if optional else kind
    if raw is None or raw == "":
        if optional:
            return None
        return "" if base is str else _fail(where, "不能为空")
    try:
        if base is date:
            return date.fromisoformat(str(raw))
        if base is int:
            return int(raw)
        if base is float:
            return float(raw)
        return str(raw)
    except (TypeError, ValueError):
        return _fail(where, f"“{raw}”不是{ {date: '日期', int: '整数', float: '数值'}.get(base, '文字') }")


def _fail(where: str, why: str) -> Any:
    raise LedgerError(f"{where}：{why}。")


@functools.cache
def _field_types(cls: type) -> dict[str, Any]:
    """A row type's field types, worked out once (a return has thousands of rows)."""
    return typing.get_type_hints(cls)


def from_flat_rows(rows: list[tuple[Any, ...]], where: str = "报送数据") -> ReturnData:
    """Rebuild the return from (section, key, field, label, value) rows; a bad row is named."""
    grouped: dict[tuple[str, str], dict[str, tuple[Any, str]]] = {}
    order: list[tuple[str, str]] = []
    for n, (section, key, name, _label_text, value) in enumerate(rows, 2):
        section, key = str(section or ""), str(key or "")
        if section not in _SECTIONS:
            _fail(f"{where} 第 {n} 行", f"类别“{section}”无法识别")
        if (section, key) not in grouped:
            grouped[(section, key)] = {}
            order.append((section, key))
        grouped[(section, key)][str(name)] = (value, f"{where} 第 {n} 行")

    def make(section: str, key: str) -> Any:
        cls = _SECTIONS[section]
        hints = _field_types(cls)
        values = grouped[(section, key)]
        args = {}
        for f in fields(cls):
            if f.name not in values:
                _fail(f"{where}（{section} {key}）", f"缺少字段“{f.metadata['label']}”")
            raw, row_where = values[f.name]
            args[f.name] = _parse(hints[f.name], raw, row_where)
        return cls(**args)

    def many(section: str) -> list[Any]:
        return [make(s, k) for s, k in order if s == section]

    for single in ("封面", "汇总"):
        if (single, "") not in grouped:
            _fail(where, f"缺少“{single}”数据")
    return ReturnData(make("封面", ""), many("任务"), many("节点"), many("指标"), make("汇总", ""), many("缺报"),
                      many("问题统计"), many("涉企问题"))


def return_digest(data: ReturnData) -> str:
    """SHA-256 of the return's content (its flat rows), printed on every page and kept in the
    workbook, so a paper copy can be matched to the upload."""
    text = json.dumps(flat_rows(data), ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_digest(session: Session, as_of: date) -> Callable[[Return], str]:
    """The digest of a return as it would be signed now: what a review is tied to
    (models.returns.review / review_outdated)."""
    return lambda ret: return_digest(build_return(session, ret.period_id, as_of, ret.version))
