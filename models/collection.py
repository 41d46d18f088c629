"""Collecting progress from the responsible units (填报表 → 回收), without files and without Qt.

Every period the office asks each responsible unit (a task's county unit, 县发改局 …) for its
tasks' progress and the indicator values it is the source of. ``form_contents`` says what one
unit's form holds; exchange.collection writes it as a workbook and ``record_form`` keeps what was
sent: the form's identifier, the text of every locked cell, where each answer goes and what the
ledger held then (the base). A received workbook is read back into a ``ReceivedForm``;
``review_forms`` checks it — this ledger's form (``ledger_uid``, kept in the store), a period not
signed, the plan the form was made from, no locked cell changed — and compares every answer
with the ledger: 新增 (the ledger is empty), 修改 (the ledger still holds what the form showed),
冲突 (the clerk changed it since the form was sent), or 不能接受 with the reason, by the same
rules as typing (models.tasks, models.indicator_values). ``apply_answers`` writes what is
accepted in one transaction, each unit's entries in the audit log with its file as the reason;
``undo_answers`` puts everything back. ``collection_status`` says who answered, who is late
against the due date and what each answer changed.
"""
from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import audit, tasks
from models.enums import TaskStatus
from models.errors import LedgerError
from models.indicator_values import CellEdit, ValueState, check_block, write_block, write_states
from models.ledger import IndicatorValue, Period
from models.office import Office
from models.locks import ensure_unlocked, locked_period_ids
from models.plan import Indicator, Milestone, Plan, Task
from models.plan_loader import require_plan
from models.plan_update import plan_to_data
from models.quantities import format_number, format_target, format_value
from models.returns import due_value_period, get_period
from models.settings import LAG_TOLERANCE
from models.status import task_statuses
from models.store import Store
from models.unit_forms import LedgerIdentity, UnitForm, UnitFormReceipt

FORM_MARK = "改革台账填报表"  # the first value of the hidden sheet: what the file is
NEW, CHANGED, CONFLICT, REFUSED = "新增", "修改", "冲突", "不能接受"
USABLE, REFUSED_FILE, SUPERSEDED = "可采用", "已拒绝", "已被较新的文件取代"
DONE, NOT_DONE = "已完成", "未完成"
MESSAGE_LINES = 20
# What a spreadsheet shows for a formula that fails: never taken as an answer.
SPREADSHEET_ERRORS = {"#NAME?", "#VALUE!", "#REF!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!"}  # differences a refusal lists before it says “and N more”


def ledger_uid(session: Session) -> str:
    return session.scalars(select(LedgerIdentity.uid).order_by(LedgerIdentity.id)).one()


def plan_version(plan: Plan) -> str:
    """A short digest of what the city's plan says: a reissued plan has another."""
    text = json.dumps(plan_to_data(plan), ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def unit_of_task(task: Task) -> str:
    """The unit that reports for a task: the county's own unit, else the plan's lead unit."""
    return task.county_unit or task.lead_unit


def unit_of_indicator(indicator: Indicator) -> str:
    """An indicator's values come from its task's unit, else from the unit the plan names as source."""
    return unit_of_task(indicator.task) if indicator.task is not None else indicator.source_unit


def cell_text(value: Any) -> str:
    """A cell's content compared as text: the same whichever program saved the workbook last."""
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n").strip()


def cells_digest(cells: dict[str, str]) -> str:
    text = "\n".join(f"{where}={text}" for where, text in sorted(cells.items()) if text)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---- what a form holds ---------------------------------------------------------------------------

@dataclass
class FormTask:
    task_id: int
    number: int
    title: str
    milestones: str  # the milestones due or open, one a line
    progress: str  # the starting texts of the input cells
    problems: str
    next_steps: str
    base: dict[str, str]  # the stored report's texts (empty without a report)


@dataclass
class FormMilestone:
    milestone_id: int
    task_number: int
    task_title: str
    seq: int
    title: str
    due: date
    base: str  # the stored done date (ISO) or ""


@dataclass
class FormIndicator:
    indicator_id: int
    code: str
    name: str
    unit: str
    target: str
    range_text: str
    range_min: float | None
    range_max: float | None
    decimals: int
    period_id: str
    period_label: str
    previous: str  # the latest earlier value, as a reader writes it
    value: float | None  # the stored value of the period, the starting value of the input cell
    note: str


@dataclass
class FormContent:
    ledger_uid: str
    form_uid: str
    unit: str
    county: str
    office: str
    contact: str
    phone: str
    plan_name: str
    plan_version: str
    period_id: str
    period_label: str
    due: date
    sent_on: date
    tasks: list[FormTask] = field(default_factory=list)
    milestones: list[FormMilestone] = field(default_factory=list)
    indicators: list[FormIndicator] = field(default_factory=list)

    def plan_items(self) -> dict[str, str]:
        """The unit's tasks, milestones and indicators as the form shows them."""
        items = {f"任务 {t.number}": t.title for t in self.tasks}
        items.update({f"节点 {m.task_number}-{m.seq}": f"{m.title}（{m.due.isoformat()}）" for m in self.milestones})
        items.update({f"指标 {i.code}": f"{i.name}（{i.unit}，{i.range_text or '不限'}）" for i in self.indicators})
        return items


def report_key(task_id: int, name: str) -> str:
    return f"report:{task_id}:{name}"


def milestone_key(milestone_id: int) -> str:
    return f"milestone:{milestone_id}"


def value_key(indicator_id: int, period_id: str) -> str:
    return f"value:{indicator_id}:{period_id}"


def range_text(indicator: Indicator) -> str:
    low, high, unit, decimals = indicator.range_min, indicator.range_max, indicator.unit, indicator.decimals
    if low is None and high is None:
        return ""
    if high is None:
        return f"不小于 {format_number(low, decimals)}{unit}"
    if low is None:
        return f"不大于 {format_number(high, decimals)}{unit}"
    return f"{format_number(low, decimals)}～{format_number(high, decimals)}{unit}"


def _open_milestones(task: Task, period: Period) -> list[Milestone]:
    """Not done: those due by the period's end, else the next one, so an early finish can be told."""
    open_ = [m for m in task.milestones if m.done_date is None]
    due = [m for m in open_ if m.due_date <= period.end]
    return due or open_[:1]


def units_of_period(session: Session) -> list[str]:
    """Every unit with a current task or an indicator to report, in the plan's order."""
    plan = require_plan(session, "，无法生成填报表")
    units = [unit_of_task(t) for t in plan.tasks if not t.archived]
    units += [unit_of_indicator(i) for i in plan.indicators if not i.archived]
    return list(dict.fromkeys(u for u in units if u))


def form_contents(session: Session, period_id: str, due: date, as_of: date,
                  units: list[str] | None = None) -> list[FormContent]:
    """One form per unit (or per unit of ``units``) for the period: its open tasks, their open
    milestones, and the indicator values due in the period that the unit is the source of."""
    period = get_period(session, period_id)
    plan = require_plan(session, "，无法生成填报表")
    office = session.scalar(select(Office).limit(1)) or Office(county="", office_name="", preparer="", phone="")
    wanted = units if units is not None else units_of_period(session)
    base = dict(ledger_uid=ledger_uid(session), county=office.county or "", office=office.office_name or "",
                contact=office.preparer or "", phone=office.phone or "", plan_name=plan.name,
                plan_version=plan_version(plan), period_id=period.id, period_label=period.label, due=due, sent_on=as_of)
    forms = {unit: FormContent(form_uid=uuid.uuid4().hex, unit=unit, **base) for unit in wanted}
    plan_tasks = session.scalars(select(Task).where(Task.plan_id == plan.id, Task.archived.is_(False))
                                 .order_by(Task.number).options(selectinload(Task.milestones))).all()
    for task in plan_tasks:
        form = forms.get(unit_of_task(task))
        if form is None:
            continue
        milestones = _open_milestones(task, period)
        draft = tasks.report_for_edit(session, task.id, period.id)
        stored = tasks.get_report(session, task.id, period.id)
        form.tasks.append(FormTask(
            task.id, task.number, task.title,
            "\n".join(f"{m.seq}. {m.title}（{m.due_date.month}月{m.due_date.day}日{'，已逾期' if m.due_date < as_of else ''}）"
                      for m in milestones),
            draft.progress, draft.problems, draft.next_steps,
            {name: getattr(stored, name) if stored else "" for name in tasks.REPORT_FIELDS}))
        form.milestones += [FormMilestone(m.id, task.number, task.title, m.seq, m.title, m.due_date, "")
                            for m in milestones]
    indicators = session.scalars(select(Indicator).where(Indicator.plan_id == plan.id, Indicator.archived.is_(False))
                                 .order_by(Indicator.code).options(selectinload(Indicator.task))).all()
    for indicator in indicators:
        form = forms.get(unit_of_indicator(indicator))
        span = due_value_period(session, indicator, period) if form is not None else None
        if span is None:
            continue
        stored = session.scalar(select(IndicatorValue).where(IndicatorValue.indicator_id == indicator.id,
                                                             IndicatorValue.period_id == span.id))
        before = session.scalar(
            select(IndicatorValue.value).join(Period, IndicatorValue.period_id == Period.id)
            .where(IndicatorValue.indicator_id == indicator.id, IndicatorValue.value.is_not(None), Period.end < span.start)
            .order_by(Period.end.desc()).limit(1))
        comparison = "band" if indicator.direction.value == "band" else indicator.comparison
        form.indicators.append(FormIndicator(
            indicator.id, indicator.code, indicator.name, indicator.unit,
            format_target(comparison, indicator.county_target if indicator.county_target is not None else indicator.target,
                          indicator.unit, indicator.decimals, indicator.target_high) or indicator.target_text,
            range_text(indicator), indicator.range_min, indicator.range_max, indicator.decimals, span.id, span.label,
            format_value(before, indicator.unit, indicator.decimals),
            stored.value if stored else None, stored.note if stored else ""))
    return [f for f in forms.values() if f.tasks or f.indicators]


def record_form(session: Session, content: FormContent, file_name: str, locked_cells: dict[str, str],
                inputs: dict[str, Any]) -> UnitForm:
    """Keep what was sent: the locked cells' text and, per answer, its cells and the ledger's base."""
    form = UnitForm(uid=content.form_uid, unit=content.unit, period_id=content.period_id,
                    plan_version=content.plan_version, due=content.due, sent_at=datetime.now(), file_name=file_name,
                    locked_digest=cells_digest(locked_cells), locked_cells=locked_cells, inputs=inputs,
                    items=content.plan_items())
    session.add(form)
    session.flush()
    return form


# ---- what comes back -----------------------------------------------------------------------------

@dataclass
class ReceivedForm:
    """A returned workbook as read: the hidden sheet's entries and the text of every cell."""

    ref: str  # the file's path: what identifies it in a review
    name: str
    sha256: str
    saved_at: datetime | None
    meta: dict[str, str]
    cells: dict[str, str]  # "sheet!A1" → text, every non-empty cell of the visible sheets


@dataclass
class Answer:
    """One answer compared with the ledger."""

    key: str
    kind: str  # 进展 / 节点 / 指标
    subject: str
    where: str  # sheet and cell(s)
    ledger: str
    answer: str
    state: str  # NEW / CHANGED / CONFLICT / REFUSED
    error: str = ""
    outlier: bool = False
    payload: Any = None  # what is written: a text, a date or a CellEdit


@dataclass
class FormReview:
    ref: str
    name: str
    state: str  # USABLE / REFUSED_FILE / SUPERSEDED
    message: str = ""
    unit: str = ""
    period_id: str = ""
    saved_at: datetime | None = None
    answers: list[Answer] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        answers = [{k: v for k, v in vars(a).items() if k != "payload"} for a in self.answers]
        return {k: v for k, v in vars(self).items() if k != "answers"} | {"answers": answers}

    @property
    def acceptable(self) -> list[Answer]:
        return [a for a in self.answers if a.state != REFUSED] if self.state == USABLE else []


def refused_file(ref: str, name: str, message: str) -> FormReview:
    """A file that is no form of this ledger, or cannot be read: listed with the reason."""
    return FormReview(ref, name, REFUSED_FILE, message)


def _listed(lines: list[str]) -> str:
    shown = lines[:MESSAGE_LINES]
    return "\n".join(shown + ([f"……另有 {len(lines) - MESSAGE_LINES} 处"] if len(lines) > MESSAGE_LINES else []))


@dataclass(frozen=True)
class _Ledger:
    """What every received form is checked against, read once per batch."""

    uid: str
    plan_version: str
    locked: set[str]


def _refusal(session: Session, received: ReceivedForm, form: UnitForm | None, ledger: _Ledger, as_of: date) -> str:
    """Why a form is not taken at all, or ""."""
    meta = received.meta
    if meta.get("台账标识") != ledger.uid:
        return (f"这是另一个台账发出的填报表（台账标识 {meta.get('台账标识', '')[:8]}…，本台账为 "
                f"{ledger.uid[:8]}…），未读取。")
    if form is None:
        return f"本台账没有发出过这份填报表（表单编号 {meta.get('表单编号', '')[:8]}…），未读取。"
    if form.period_id in ledger.locked:
        return (f"{form.period.label}的报表已签发，不再接收该期的填报表。"
                "如需更正，请先在“报表报送”中撤回并说明原因。")
    if form.plan_version != ledger.plan_version:
        now = form_contents(session, form.period_id, form.due, as_of, [form.unit])
        current = now[0].plan_items() if now else {}
        changed = [f"{key}：原为“{old}”，现为“{current[key]}”" for key, old in form.items.items()
                   if key in current and current[key] != old]
        changed += [f"{key}：已不在本单位的任务中（原为“{old}”）" for key, old in form.items.items() if key not in current]
        changed += [f"{key}：新增“{new}”" for key, new in current.items() if key not in form.items]
        if changed:
            return (f"这份填报表按已更新前的方案生成（方案版本 {form.plan_version}，现为 {ledger.plan_version}），"
                    f"本单位的以下内容已改变，请重新发送本期填报表：\n{_listed(changed)}")
    inputs = {where for spec in form.inputs.values() for where in spec["cells"].values()}
    if cells_digest({k: v for k, v in received.cells.items() if k not in inputs}) != form.locked_digest:
        edited = [f"{where}：原为“{old}”，现为“{received.cells.get(where, '')}”"
                  for where, old in sorted(form.locked_cells.items()) if received.cells.get(where, "") != old]
        edited += [f"{where}：原为空，现为“{text}”" for where, text in sorted(received.cells.items())
                   if where not in inputs and where not in form.locked_cells]
        return f"锁定的单元格被改动（工作表!单元格），整份未采用，请用原表重新填写：\n{_listed(edited)}"
    return ""


def parse_date_text(text: str) -> date | None:
    """2023-11-05, 2023/11/5, 2023.11.5, 2023年11月5日, or a date-time as a spreadsheet gives it."""
    match = re.match(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?\s*$", text)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _compare(ledger: str, base: str, answer: str) -> str | None:
    """The state of an answer, or None when it changes nothing."""
    if answer == ledger:
        return None
    if ledger != base:
        return CONFLICT
    return NEW if not ledger else CHANGED


def _task_answers(session: Session, form: UnitForm, received: ReceivedForm) -> list[Answer]:
    answers = []
    for key, spec in form.inputs.items():
        kind, *ids = key.split(":")
        if kind == "report":
            task = session.get(Task, int(ids[0]))
            name, where = ids[1], spec["cells"]["text"]
            answer = received.cells.get(where, "")
            # An emptied cell never clears what the ledger holds; a starting text left as it was
            # (the last 下步计划) is no answer.
            if task is None or not answer or (answer == spec["start"] != spec["base"]):
                continue
            report = tasks.get_report(session, task.id, form.period_id)
            ledger = getattr(report, name) if report else ""
            state = _compare(ledger, spec["base"], answer)
            if state is None:
                continue
            label = tasks.REPORT_FIELDS[name]
            item = Answer(key, "进展", f"{task.number}. {task.title} · {label}", where, ledger, answer, state,
                          payload=answer)
            try:
                tasks.check_text(label, answer, tasks.REPORT_TEXT_LIMIT)
                if answer in SPREADSHEET_ERRORS:
                    raise LedgerError(f"单元格中是出错的公式（{answer}），请改为直接填写文字。")
            except LedgerError as error:
                item.state, item.error = REFUSED, str(error)
            answers.append(item)
        elif kind == "milestone":
            milestone = session.get(Milestone, int(ids[0]))
            if milestone is None:
                continue
            state_where, date_where = spec["cells"]["state"], spec["cells"]["date"]
            said, written = received.cells.get(state_where, ""), received.cells.get(date_where, "")
            if not written and said in ("", NOT_DONE):
                continue
            ledger = milestone.done_date.isoformat() if milestone.done_date else ""
            done = parse_date_text(written) if written else None
            item = Answer(key, "节点", f"{milestone.task.number}-{milestone.seq} {milestone.title} · 完成日期",
                          date_where, ledger, done.isoformat() if done else written, NEW, payload=done)
            if not written:
                item.error = f"已选“{DONE}”，但没有填写完成日期。"
            elif done is None:
                item.error = f"完成日期“{written}”无法识别，应写作 2023-11-05。"
            elif said == NOT_DONE:
                item.error = f"填写了完成日期 {done.isoformat()}，完成情况却是“{NOT_DONE}”。"
            else:
                state = _compare(ledger, spec["base"], done.isoformat())
                if state is None:
                    continue
                item.state = state
                try:
                    tasks.check_done(milestone.task.plan, done)
                except LedgerError as error:
                    item.error = str(error)
            if item.error:
                item.state = REFUSED
            answers.append(item)
    return answers


def _value_answers(session: Session, form: UnitForm, received: ReceivedForm) -> list[Answer]:
    edits, bases = [], {}
    for key, spec in form.inputs.items():
        if not key.startswith("value:"):
            continue
        _kind, indicator_id, period_id = key.split(":")
        cells = spec["cells"]
        text, note = received.cells.get(cells["value"], ""), received.cells.get(cells["note"], "")
        if not text and not note:
            continue
        edits.append(CellEdit(int(indicator_id), period_id, text, note, form.unit, where=cells["value"]))
        bases[cells["value"]] = (key, spec["base"])
    answers = []
    for check in check_block(session, edits).checks:
        key, base = bases[check.edit.where]
        old = check.old
        ledger = check.shown(old.value) + (f"（{old.note}）" if old.note else "") if old.exists else ""
        answer = (check.edit.text if check.error else check.shown(check.value)) + (f"（{check.note}）" if check.note else "")
        if check.error:
            state = REFUSED
        elif not check.changed:
            continue
        elif old.exists and [old.value, old.note] != base:
            state = CONFLICT
        else:
            state = CHANGED if old.exists and old.value is not None else NEW
        answers.append(Answer(key, "指标", check.label, check.edit.where, ledger or "（空）", answer, state,
                              check.error, check.outlier and check.value != old.value, check.edit))
    return answers


def review_forms(session: Session, received: list[ReceivedForm], as_of: date,
                 unreadable: list[FormReview] = ()) -> list[FormReview]:
    """Every received file checked and compared with the ledger; a unit's later file wins."""
    ledger = _Ledger(ledger_uid(session), plan_version(require_plan(session)), locked_period_ids(session))
    forms = {f.uid: f for f in session.scalars(select(UnitForm).where(
        UnitForm.uid.in_([r.meta.get("表单编号", "") for r in received])))}
    reviews = list(unreadable)
    usable: dict[tuple[str, str], list[tuple[FormReview, ReceivedForm]]] = defaultdict(list)
    for item in received:
        form = forms.get(item.meta.get("表单编号", ""))
        why = _refusal(session, item, form, ledger, as_of)
        if why:
            reviews.append(refused_file(item.ref, item.name, why))
            if form is not None:
                reviews[-1].unit, reviews[-1].period_id = form.unit, form.period_id
            continue
        review = FormReview(item.ref, item.name, USABLE, "", form.unit, form.period_id, item.saved_at)
        reviews.append(review)
        usable[form.unit, form.period_id].append((review, item))
    for (unit, period_id), group in usable.items():
        accepted = session.execute(
            select(UnitFormReceipt.file_name, UnitFormReceipt.saved_at).join(UnitForm)
            .where(UnitForm.unit == unit, UnitForm.period_id == period_id, UnitFormReceipt.saved_at.is_not(None))
            .order_by(UnitFormReceipt.saved_at.desc()).limit(1)).first()
        group.sort(key=lambda pair: (pair[0].saved_at or datetime.min, pair[0].name))
        latest, item = group[-1]
        for review, _item in group[:-1]:
            review.state, review.message = SUPERSEDED, f"同一单位的 {latest.name} 保存得更晚，以它为准；本文件未采用。"
        if accepted and latest.saved_at and accepted.saved_at > latest.saved_at:
            latest.state = SUPERSEDED
            latest.message = f"此前已接收本单位保存得更晚的 {accepted.file_name}，本文件未采用。"
            continue
        form = forms[item.meta["表单编号"]]
        latest.answers = _task_answers(session, form, item) + _value_answers(session, form, item)
        if form.plan_version != ledger.plan_version:
            latest.message = "方案已更新，但本单位的任务和指标未变，仍可采用。"
    return reviews


# ---- accepting answers ---------------------------------------------------------------------------

@dataclass
class AnswersUndo:
    """What accepted answers replaced: put back by ``undo_answers``."""

    snapshots: dict[int, tasks.Snapshot] = field(default_factory=dict)
    values: list[ValueState] = field(default_factory=list)
    receipts: list[int] = field(default_factory=list)
    periods: set[str] = field(default_factory=set)


@dataclass
class AcceptResult:
    reviews: list[FormReview]
    written: int
    undo: AnswersUndo


class OutliersToConfirm(LedgerError):
    """Accepted values far from the indicator's history that were not confirmed; nothing written."""

    confirmable = True  # confirmed, the same answers would be written: a front may offer that


def apply_answers(store: Store, received: list[ReceivedForm], as_of: date,
                  accepted: set[tuple[str, str]] | None = None, take_conflicts: bool = False,
                  confirm_outliers: bool = False, who: str | None = None) -> AcceptResult:
    """Write the accepted answers — ``accepted`` as (file, answer key), or by default every
    acceptable answer, conflicts only with ``take_conflicts`` — in one transaction."""
    with store.transaction(who) as session:
        reviews = review_forms(session, received, as_of)
        chosen: dict[str, list[Answer]] = {}
        for review in reviews:
            if accepted is None:
                picked = [a for a in review.acceptable if a.state != CONFLICT or take_conflicts]
            else:
                picked = [a for a in review.answers if (review.ref, a.key) in accepted]
                bad = [a for a in picked if a.state == REFUSED or review.state != USABLE]
                if bad:
                    raise LedgerError(f"{review.name}：{bad[0].where} 不能接受（{bad[0].error or review.message}），未写入任何内容。")
            if picked:
                chosen[review.ref] = picked
        outliers = [f"{review.name} {a.where}（{a.subject}）：{a.answer}" for review in reviews
                    for a in chosen.get(review.ref, []) if a.outlier]
        if outliers and not confirm_outliers:
            raise OutliersToConfirm("以下数值远离该指标以往的数据（例如多写或少写了“万”），请核对后确认：\n"
                                    + _listed(outliers))
        undo = AnswersUndo()
        written = 0
        by_ref = {r.ref: r for r in received}
        for review in reviews:
            picked = chosen.get(review.ref)
            if not picked:
                continue
            audit.set_reason(session, f"回收填报表 {review.name}（{review.unit}）")
            _write_answers(session, review, picked, undo)
            item = by_ref[review.ref]
            form = session.scalar(select(UnitForm).where(UnitForm.uid == item.meta["表单编号"]))
            receipt = UnitFormReceipt(form_id=form.id, file_name=item.name, file_sha256=item.sha256,
                                      saved_at=item.saved_at, received_at=datetime.now(), received_on=as_of,
                                      changes=[f"{a.state} {a.subject}：{a.answer}" for a in picked])
            session.add(receipt)
            session.flush()
            undo.receipts.append(receipt.id)
            undo.periods.add(review.period_id)
            written += len(picked)
        audit.set_reason(session, "")
        return AcceptResult(reviews, written, undo)


def _write_answers(session: Session, review: FormReview, picked: list[Answer], undo: AnswersUndo) -> None:
    texts: dict[int, dict[str, str]] = defaultdict(dict)
    edits = []
    for answer in picked:
        kind, *ids = answer.key.split(":")
        if kind == "report":
            texts[int(ids[0])][ids[1]] = answer.payload
        elif kind == "milestone":
            milestone = session.get(Milestone, int(ids[0]))
            undo.snapshots.setdefault(milestone.task_id, tasks.task_snapshot(session, milestone.task_id))
            ensure_unlocked(session, review.period_id, "节点举措")
            tasks.set_milestone_done(session, milestone.id, answer.payload)
        else:
            edits.append(answer.payload)
    for task_id, fields in texts.items():
        undo.snapshots.setdefault(task_id, tasks.task_snapshot(session, task_id))
        current = tasks.get_report(session, task_id, review.period_id)
        merged = {name: fields.get(name, getattr(current, name) if current else "") for name in tasks.REPORT_FIELDS}
        tasks.save_report(session, task_id, review.period_id, merged["progress"], merged["problems"],
                          merged["next_steps"])
    if edits:
        _preview, before = write_block(session, edits, confirm_outliers=True, what=f"{review.name}：")
        undo.values += before
    session.flush()


def undo_answers(store: Store, undo: AnswersUndo, who: str | None = None) -> None:
    """Put back what accepted answers replaced, and forget their receipts; refused, whole, once
    the period is signed."""
    with store.transaction(who) as session:
        for period_id in sorted(undo.periods):
            ensure_unlocked(session, period_id, "回收的填报内容")
        for task_id, snapshot in undo.snapshots.items():
            tasks.restore_task(session, task_id, snapshot)
        write_states(session, undo.values)
        for receipt_id in undo.receipts:
            receipt = session.get(UnitFormReceipt, receipt_id)
            if receipt is not None:
                session.delete(receipt)


# ---- who answered, who is late -------------------------------------------------------------------

@dataclass
class LaggingTask:
    number: int
    title: str
    overdue: list[str]  # the milestones past their date, as lines


@dataclass
class UnitStatus:
    unit: str
    state: str  # 已报送 / 逾期报送 / 逾期未报 / 未报送 / 未发送
    late: bool  # no answer by the due date
    due: date | None = None
    sent_at: datetime | None = None
    form_file: str = ""
    received_at: datetime | None = None
    received_file: str = ""
    earlier_files: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)  # what the form asks for, for a reminder
    lagging: list[LaggingTask] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def collection_status(session: Session, period_id: str, as_of: date) -> list[UnitStatus]:
    """Per unit: the form sent for the period, its answer (the latest accepted file) and
    whether it is late against the due date; the unit's lagging tasks."""
    period = get_period(session, period_id)
    plan = require_plan(session)
    forms = session.scalars(select(UnitForm).where(UnitForm.period_id == period.id).order_by(UnitForm.sent_at)).all()
    latest_form = {f.unit: f for f in forms}
    receipts: dict[str, list[UnitFormReceipt]] = defaultdict(list)
    for receipt in session.scalars(select(UnitFormReceipt).join(UnitForm).where(UnitForm.period_id == period.id)
                                   .order_by(UnitFormReceipt.received_at)):
        receipts[receipt.form.unit].append(receipt)
    statuses = task_statuses(session, plan, as_of, LAG_TOLERANCE.get(session))
    lagging: dict[str, list[LaggingTask]] = defaultdict(list)
    for task in plan.tasks:
        if not task.archived and statuses.get(task.id) is TaskStatus.LAGGING:
            overdue = [f"{m.seq}. {m.title}（应于 {m.due_date.isoformat()} 完成，已逾期 {(as_of - m.due_date).days} 天）"
                       for m in task.milestones if m.done_date is None and m.due_date < as_of]
            lagging[unit_of_task(task)].append(LaggingTask(task.number, task.title, overdue))
    result = []
    for unit in dict.fromkeys(units_of_period(session) + list(latest_form)):
        form = latest_form.get(unit)
        got = receipts.get(unit, [])
        if form is None:
            result.append(UnitStatus(unit, "未发送", False, lagging=lagging.get(unit, [])))
            continue
        status = UnitStatus(unit, "", False, form.due, form.sent_at, form.file_name, lagging=lagging.get(unit, []))
        status.expected = [key for key in form.items if key.startswith(("任务", "指标"))]
        status.expected = [f"{key} {form.items[key]}" for key in status.expected]
        if got:
            answer = max(got, key=lambda r: (r.saved_at or r.received_at, r.received_at))
            status.received_at, status.received_file = answer.received_at, answer.file_name
            status.earlier_files = [r.file_name for r in got if r is not answer]
            status.changes = list(answer.changes)
            status.state = "逾期报送" if answer.received_on > form.due else "已报送"
        else:
            status.late = as_of > form.due
            status.state = "逾期未报" if status.late else "未报送"
        result.append(status)
    return result


@dataclass(frozen=True)
class PeriodChoice:
    id: str
    label: str
    end: date


def collection_periods(store: Store, as_of: date) -> tuple[list[PeriodChoice], str]:
    """The periods forms are sent for (the plan's progress cycle) and the one ``as_of`` falls in."""
    from models.returns import return_periods

    with store.session() as session:
        periods = [PeriodChoice(p.id, p.label, p.end) for p in return_periods(session)]
    current = next((p.id for p in periods if p.end >= as_of), periods[-1].id if periods else "")
    return periods, current


def unit_statuses(store: Store, period_id: str, as_of: date) -> list[UnitStatus]:
    """``collection_status`` in a session of its own, for the window."""
    with store.session() as session:
        return collection_status(session, period_id, as_of)
