"""Entering indicator values (指标数据) and editing indicator definitions. No Qt.

One path for every way a value comes in — a typed cell, a pasted block, the ``value`` command,
an imported workbook: the cells are first checked together (``check_block``: which change,
which are refused and why, which are outliers), then written all-or-nothing in one transaction
(``apply_block``): one statement per kind of change for the whole block, with its audit entries
(models.audit.record). A preview the user has seen is written as it was checked when the store
still holds what it was checked against (``BlockPreview.basis``), else checked again: each value
is checked once, and never written on a stale check. ``restore_values`` puts cells back as they
were, for undo.

Rules checked per cell: the text reads as a number in the indicator's unit
(models.quantities); the period is one of the indicator's period type and is not locked by a
signed return; the value lies in the indicator's range and has no more decimals than it allows;
a cumulative value (累计值) does not fall below the previous period's of the same year without a
note saying why; a value far outside the indicator's own history (models.indicator_rules) is
written only when confirmed. An empty cell with a note is kept: a missing value needs a comment.
"""
from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import NamedTuple

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, selectinload

from models import audit
from models.collector import collector_paused

from models.enums import Direction, Origin, PeriodType, ValueKind
from models.errors import LedgerError
from models.indicator_rules import Evaluation, PeriodChange, evaluate_latest, is_outlier, period_change
from models.ledger import IndicatorValue, Period
from models.locks import locked_value_cells
from models.periods import PeriodError, parse_period_id, period, period_name
from models.plan import Indicator, Plan, Task
from models.plan_loader import current_plan, ensure_periods, require_plan
from models.quantities import QuantityError, format_number, format_target, format_value, parse_quantity, parse_target
from models.settings import as_of_date
from models.store import Store

# How many refusals a message lists before it says “and N more”.
MESSAGE_LINES = 30


@dataclass(frozen=True, slots=True)
class CellEdit:
    """One cell to write. ``note``/``source`` None keep what is stored; ``where`` names the cell
    in messages (a grid position, or sheet, row and column of a workbook)."""

    indicator_id: int
    period_id: str
    text: str
    note: str | None = None
    source: str | None = None
    where: str = ""


@dataclass(frozen=True, slots=True)
class ValueState:
    """A cell as stored, or its absence: what undo puts back."""

    indicator_id: int
    period_id: str
    exists: bool
    value: float | None = None
    note: str = ""
    source: str = ""
    outlier_confirmed: bool = False


class StoredValue(NamedTuple):
    """A stored value read as plain columns: the grid reads thousands, ORM objects cost too much."""

    indicator_id: int
    period_id: str
    value: float | None
    note: str
    source: str
    outlier_confirmed: bool


_STORED_COLUMNS = (IndicatorValue.indicator_id, IndicatorValue.period_id, IndicatorValue.value, IndicatorValue.note,
                   IndicatorValue.source, IndicatorValue.outlier_confirmed)


class RowValues(Mapping[str, StoredValue]):
    """One indicator's stored values by period id. Held as plain tuples, which Python's garbage
    collector stops tracking: a grid holds tens of thousands, and each tracked one would make the
    full collections that follow a refresh come sooner and last longer."""

    __slots__ = ("_cells",)

    def __init__(self) -> None:
        self._cells: dict[str, tuple] = {}

    def add(self, value: StoredValue | tuple) -> None:
        self._cells[value[1]] = tuple(value)

    def __getitem__(self, period_id: str) -> StoredValue:
        return StoredValue._make(self._cells[period_id])

    def get(self, period_id: str, default: StoredValue | None = None) -> StoredValue | None:  # type: ignore[override]
        cell = self._cells.get(period_id)
        return default if cell is None else StoredValue._make(cell)

    def __contains__(self, period_id: object) -> bool:
        return period_id in self._cells

    def __iter__(self) -> Iterator[str]:
        return iter(self._cells)

    def __len__(self) -> int:
        return len(self._cells)

    def latest_filled(self, begun: Collection[str], ends: Mapping[str, date], count: int) -> list[StoredValue]:
        """The last ``count`` cells holding a number, of periods in ``begun``, in the order of
        their periods' ends (read from the plain tuples: no value object made for the others)."""
        cells = sorted((cell for cell in self._cells.values() if cell[2] is not None and cell[1] in begun),
                       key=lambda cell: ends[cell[1]])
        return [StoredValue._make(cell) for cell in cells[-count:]]


def stored_values(session: Session, *conditions) -> list[StoredValue]:
    # Core rows through the session's connection, fetched at once: ORM row processing, or a
    # fetch per row, costs more than the query.
    return list(map(StoredValue._make, session.connection().execute(select(*_STORED_COLUMNS).where(*conditions)).all()))


@dataclass(slots=True)
class CellCheck:
    edit: CellEdit
    label: str  # indicator and period, for messages
    old: ValueState
    value: float | None = None
    note: str = ""
    source: str = ""
    error: str = ""
    outlier: bool = False
    unit: str = ""
    decimals: int = 0

    @property
    def changed(self) -> bool:
        old = self.old
        return (not old.exists and (self.value is not None or bool(self.note) or bool(self.source))) or (
            old.exists and (old.value, old.note, old.source) != (self.value, self.note, self.source))

    def describe(self) -> str:
        place = f"{self.edit.where}（{self.label}）" if self.edit.where else self.label
        return f"{place}：{self.error}"

    def shown(self, value: float | None) -> str:
        return format_value(value, self.unit, self.decimals) if value is not None else "（空）"


@dataclass(slots=True)
class CheckBasis:
    """What a block's checks read from the store, for its indicators: their definitions, every
    stored value (all years: the history outliers are judged on), the locked cells, the periods
    that exist. Equal bases give equal checks."""

    indicators: dict[int, Indicator]
    stored: dict[tuple[int, str], StoredValue]
    locked: set[tuple[int, str]]
    periods: set[str]

    def key(self) -> tuple:
        definitions = sorted((i.id, i.name, i.unit, i.decimals, i.range_min, i.range_max, i.archived, i.period_type,
                              i.kind) for i in self.indicators.values())
        return definitions, self.stored, self.locked, self.periods


def read_basis(session: Session, indicator_ids: set[int]) -> CheckBasis:
    indicators = {i.id: i for i in session.scalars(select(Indicator).where(Indicator.id.in_(indicator_ids)))}
    stored = {(row.indicator_id, row.period_id): row
              for row in stored_values(session, IndicatorValue.indicator_id.in_(indicators))}
    return CheckBasis(indicators, stored, locked_value_cells(session, set(indicators)),
                      set(session.scalars(select(Period.id))))


@dataclass
class BlockPreview:
    """What a block of edits would do: the cells that change, those refused, the outliers.
    Built once its checks are complete; the lists are worked out on first use. ``basis`` is
    what the checks were made against."""

    checks: list[CellCheck] = field(default_factory=list)
    basis: CheckBasis | None = None

    def accepted(self) -> BlockPreview:
        """The changing cells alone, as a block to write. Their checks hold for it as they are:
        a check reads the store and the block's unrefused cells, and an unchanged cell holds
        what the store holds."""
        return BlockPreview(self.changes, self.basis)

    @cached_property
    def changes(self) -> list[CellCheck]:
        return [c for c in self.checks if not c.error and c.changed]

    @cached_property
    def refused(self) -> list[CellCheck]:
        return [c for c in self.checks if c.error]

    @cached_property
    def outliers(self) -> list[CellCheck]:
        """New values far from the history, which need the user's confirmation."""
        return [c for c in self.changes if c.outlier and c.value != c.old.value]

    def refusal_message(self, what: str = "") -> str:
        lines = [c.describe() for c in self.refused]
        shown = lines[:MESSAGE_LINES] + ([f"……另有 {len(lines) - MESSAGE_LINES} 处"] if len(lines) > MESSAGE_LINES else [])
        return "\n".join([f"{what}有 {len(lines)} 处数值不能接受，全部未写入：", *shown])

    def outlier_message(self) -> str:
        lines = [f"{c.edit.where}（{c.label}）：{c.shown(c.value)}" if c.edit.where else f"{c.label}：{c.shown(c.value)}"
                 for c in self.outliers]
        return "\n".join(["以下数值远离该指标以往的数据（例如多写或少写了“万”），请核对：", *lines[:MESSAGE_LINES]])


class OutlierError(LedgerError):
    """Outliers that were not confirmed; nothing was written."""

    confirmable = True  # the same edit, confirmed, would be written: a front may offer that

    def __init__(self, preview: BlockPreview) -> None:
        super().__init__(preview.outlier_message())
        self.preview = preview


def check_block(session: Session, edits: list[CellEdit]) -> BlockPreview:
    """Check every cell of a block against the store and the block's other cells."""
    return _check(edits, read_basis(session, {e.indicator_id for e in edits}))


class _History:
    """One indicator's stored values: what a new value of one of its periods is judged against
    (every value but that period's own)."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.position: dict[str, int] = {}

    def add(self, period_id: str, value: float) -> None:
        self.position[period_id] = len(self.values)
        self.values.append(value)

    def without(self, period_id: str) -> list[float]:
        at = self.position.get(period_id)
        return self.values if at is None else self.values[:at] + self.values[at + 1:]


def _check(edits: list[CellEdit], basis: CheckBasis) -> BlockPreview:
    history: dict[int, _History] = {}
    for row in basis.stored.values():
        if row.value is not None:
            history.setdefault(row.indicator_id, _History()).add(row.period_id, row.value)
    checks = [_read_cell(e, basis.indicators.get(e.indicator_id), basis.stored, basis.locked) for e in edits]
    pending = {(c.edit.indicator_id, c.edit.period_id): c.value for c in checks if not c.error}
    for check in checks:
        if not check.error and check.changed:
            _check_against_neighbours(check, basis.indicators[check.edit.indicator_id], basis.stored, pending, history)
    return BlockPreview(checks, basis)


def _read_cell(edit: CellEdit, indicator: Indicator | None, stored: dict[tuple[int, str], StoredValue],
               locked: set[tuple[int, str]]) -> CellCheck:
    row = stored.get((edit.indicator_id, edit.period_id))
    old = _state_of(edit.indicator_id, edit.period_id, row)
    check = CellCheck(edit, edit.period_id, old, old.value, old.note, old.source)
    if indicator is None:
        check.error = "未知指标。"
        return check
    check.unit, check.decimals = indicator.unit, indicator.decimals
    try:
        span = parse_period_id(edit.period_id)
    except PeriodError as error:
        check.label = f"{indicator.name} {period_name(edit.period_id)}"
        check.error = str(error)
        return check
    check.label = f"{indicator.name} {span.year}年{span.short_label}"
    if indicator.archived:
        check.error = "该指标已停用，不能再填报。"
    elif span.type is not indicator.period_type:
        check.error = f"该指标按{indicator.period_type.label}填报，{span.id} 是{span.type.label}期次。"
    elif (edit.indicator_id, edit.period_id) in locked:
        check.error = "该期报表已签发，数值为只读。如需更正，请先在“报表报送”中撤回。"
    if check.error:
        return check
    check.note = old.note if edit.note is None else edit.note.strip()
    check.source = old.source if edit.source is None else edit.source.strip()
    if not edit.text.strip():
        check.value = None
        return check
    try:
        check.value = parse_quantity(edit.text, indicator.unit)
    except QuantityError as error:
        check.error = str(error)
        return check
    check.error = _out_of_bounds(indicator, check.value)
    return check


def _out_of_bounds(indicator: Indicator, value: float) -> str:
    unit, decimals = indicator.unit, indicator.decimals
    if indicator.range_min is not None and value < indicator.range_min:
        return f"{format_value(value, unit, decimals)}小于允许的最小值 {format_value(indicator.range_min, unit, decimals)}。"
    if indicator.range_max is not None and value > indicator.range_max:
        return f"{format_value(value, unit, decimals)}大于允许的最大值 {format_value(indicator.range_max, unit, decimals)}。"
    if abs(round(value, decimals) - value) > 1e-9 * max(1.0, abs(value)):
        shown = format_number(value, None)
        return f"{shown} 的小数位数过多：该指标最多 {decimals} 位小数。" if decimals else f"{shown} 应为整数。"
    return ""


def _check_against_neighbours(check: CellCheck, indicator: Indicator, stored: dict[tuple[int, str], StoredValue],
                              pending: dict[tuple[int, str], float | None], history: dict[int, _History]) -> None:
    if check.value is None:
        return
    span = parse_period_id(check.edit.period_id)
    if indicator.kind is ValueKind.CUMULATIVE and span.number > 1 and not check.note:
        previous_id = period(span.type, span.year, span.number - 1).id
        key = (indicator.id, previous_id)
        previous = pending[key] if key in pending else (stored[key].value if key in stored else None)
        if previous is not None and check.value < previous:
            check.error = (f"累计值 {check.shown(check.value)} 低于上一期的 {check.shown(previous)}；"
                           "如确属调整，请在备注中说明原因。")
            return
    if check.value == check.old.value:
        check.outlier = check.old.outlier_confirmed  # confirmed once, it stays flagged
    else:
        earlier = history[indicator.id].without(check.edit.period_id) if indicator.id in history else []
        check.outlier = is_outlier(check.value, earlier)


def _state_of(indicator_id: int, period_id: str, row: StoredValue | None) -> ValueState:
    if row is None:
        return ValueState(indicator_id, period_id, False)
    return ValueState(indicator_id, period_id, True, row.value, row.note, row.source, row.outlier_confirmed)


def apply_block(store: Store, edits: list[CellEdit], who: str | None = None, confirm_outliers: bool = False,
                what: str = "", checked: BlockPreview | None = None) -> tuple[BlockPreview, list[ValueState]]:
    """Write the block all-or-nothing; return its preview and the states before, for undo.
    ``checked``: a preview of these same edits made earlier (the one the user accepted).

    Raises LedgerError naming every refused cell, or OutlierError when outliers are unconfirmed.
    """
    with store.transaction(who) as session, collector_paused():
        return write_block(session, edits, confirm_outliers, what, checked)


def write_block(session: Session, edits: list[CellEdit], confirm_outliers: bool = False,
                what: str = "", checked: BlockPreview | None = None) -> tuple[BlockPreview, list[ValueState]]:
    """``apply_block`` inside the caller's transaction, for an action that writes more than values."""
    basis = read_basis(session, {e.indicator_id for e in edits})
    if checked is not None and checked.basis is not None and checked.basis.key() == basis.key() \
            and [c.edit for c in checked.checks] == edits:
        preview = checked  # checked against what the store holds now: not checked twice
    else:
        preview = _check(edits, basis)
    if preview.refused:
        raise LedgerError(preview.refusal_message(what))
    if preview.outliers and not confirm_outliers:
        raise OutlierError(preview)
    for year in sorted({parse_period_id(c.edit.period_id).year for c in preview.changes
                        if c.edit.period_id not in basis.periods}):
        ensure_periods(session, year)  # a year before the plan's: its periods are made on first use
    before = [c.old for c in preview.changes]
    _store_states(session, [ValueState(c.edit.indicator_id, c.edit.period_id, True, c.value, c.note, c.source,
                                       c.outlier) for c in preview.changes])
    return preview, before


def restore_values(store: Store, states: list[ValueState], who: str | None = None) -> None:
    """Put cells back as they were (undo); refused, whole, if a period has since been locked."""
    with store.transaction(who) as session:
        write_states(session, states)


def write_states(session: Session, states: list[ValueState]) -> None:
    """``restore_values`` inside the caller's transaction."""
    cells = {(s.indicator_id, s.period_id) for s in states}
    locked = {period_id for _indicator, period_id in
              locked_value_cells(session, {c[0] for c in cells}, {c[1] for c in cells}) & cells}
    if locked:
        raise LedgerError(f"{'、'.join(sorted(locked))} 的报表已签发，数值为只读，无法撤销。")
    _store_states(session, states)


def _store_states(session: Session, states: list[ValueState]) -> None:
    """Store the cells' states, with one statement per kind of change (inserts, updates, deletes)
    for the whole block and the audit entries the ORM's flush would have written. A cell with no
    value, note or source is no row at all."""
    session.flush()  # what the transaction did through the ORM first (periods made on first use)
    table, connection = IndicatorValue.__table__, session.connection()
    keys = {(s.indicator_id, s.period_id) for s in states}
    rows = {(r.indicator_id, r.period_id): r for r in connection.execute(
        select(table.c.id, *_STORED_COLUMNS).where(table.c.indicator_id.in_({k[0] for k in keys}),
                                                   table.c.period_id.in_({k[1] for k in keys})))}
    inserts, updates, deletes, entries = [], [], [], []
    for state in states:
        row = rows.get((state.indicator_id, state.period_id))
        fields = dict(value=state.value, note=state.note, source=state.source,
                      outlier_confirmed=state.outlier_confirmed)
        if not state.exists or (state.value is None and not state.note and not state.source):
            if row is not None:
                deletes.append({"row_id": row.id})
                entries.append(("delete", table.name, str(row.id), "", audit.row_text(row._asdict()), None))
        elif row is None:
            inserts.append(dict(indicator_id=state.indicator_id, period_id=state.period_id, **fields))
        else:
            changed = {name: value for name, value in fields.items()
                       if value != getattr(row, name) and audit.to_text(value) != audit.to_text(getattr(row, name))}
            if changed:
                updates.append({"row_id": row.id, **fields})
                entries += [("update", table.name, str(row.id), name, audit.to_text(getattr(row, name)),
                             audit.to_text(value)) for name, value in changed.items()]
    if deletes:
        connection.execute(table.delete().where(table.c.id == bindparam("row_id")), deletes)
    if updates:
        connection.execute(table.update().where(table.c.id == bindparam("row_id")), updates)
    if inserts:
        made = connection.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True), inserts)
        entries += [("insert", table.name, str(row_id), "", None, audit.row_text({"id": row_id, **fields}))
                    for row_id, fields in zip(made.scalars(), inserts)]
    audit.record(session, entries)


def find_indicator(session: Session, plan: Plan, ref: str, where: str = "") -> Indicator:
    """An indicator of the plan by its code or its exact name."""
    ref = ref.strip()
    found = session.scalar(select(Indicator).where(Indicator.plan_id == plan.id, Indicator.code == ref)) or \
        session.scalar(select(Indicator).where(Indicator.plan_id == plan.id, Indicator.name == ref))
    if found is None:
        raise LedgerError(f"{where}未知指标“{ref}”：{plan.name}中没有这个编号或名称的指标。")
    return found


def set_value(store: Store, ref: str, period_id: str, text: str, note: str | None = None,
              source: str | None = None, confirm_outlier: bool = False, who: str | None = None) -> CellCheck:
    """One value of the current plan's indicator ``ref`` (code or name), as the ``value`` command
    sets it; returns the check of the written cell."""
    with store.session() as session:
        indicator = find_indicator(session, require_plan(session), ref, "参数 --indicator：")
    edit = CellEdit(indicator.id, period_id.strip().upper(), text, note, source, where="")
    preview, _ = apply_block(store, [edit], who, confirm_outlier)
    return preview.checks[0]


# ---- indicator definitions -------------------------------------------------------------------

_UNSET = object()


def _direction_of(comparison: str) -> Direction:
    return {"band": Direction.BAND, "<=": Direction.LOWER, "<": Direction.LOWER}.get(comparison, Direction.HIGHER)


def add_county_indicator(store: Store, *, code: str, name: str, unit: str, target_text: str,
                         kind: ValueKind = ValueKind.POINT, period_type: PeriodType = PeriodType.MONTHLY,
                         decimals: int = 0, range_min: float | None = None, range_max: float | None = None,
                         task_number: int | None = None, indicator_id: int | None = None, who: str | None = None) -> int:
    """A county's own indicator (自选指标) in the current plan; its target is the county's to set. Returns its id.
    ``indicator_id`` re-creates one under its old id (redo), so later steps still find it."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise LedgerError("指标编号和名称不能为空。")
    target = parse_target(target_text, unit)
    _check_range(range_min, range_max)
    with store.transaction(who) as session:
        plan = require_plan(session)
        if session.scalar(select(Indicator.id).where(Indicator.plan_id == plan.id, Indicator.code == code)):
            raise LedgerError(f"指标编号“{code}”已存在。")
        if indicator_id is not None and session.get(Indicator, indicator_id) is not None:
            raise LedgerError(f"无法重做新增指标“{name}”：其间已新增了另一个指标。")
        task_id = None
        if task_number is not None:
            task_id = session.scalar(select(Task.id).where(Task.plan_id == plan.id, Task.number == task_number))
            if task_id is None:
                raise LedgerError(f"没有第 {task_number} 号任务。")
        comparison = "band" if target.comparison == "band" else target.comparison
        indicator = Indicator(id=indicator_id, plan_id=plan.id, task_id=task_id, code=code, name=name, origin=Origin.COUNTY,
                              unit=unit, direction=_direction_of(comparison),
                              comparison="=" if comparison == "band" else comparison, kind=kind,
                              target=target.value, target_high=target.high, target_text=target_text.strip(),
                              range_min=range_min, range_max=range_max, decimals=decimals, period_type=period_type)
        session.add(indicator)
        session.flush()
        return indicator.id


def remove_county_indicator(store: Store, indicator_id: int, who: str | None = None) -> None:
    """Take back a county indicator that was just added (undo). Only while nothing was entered
    for it: a value or a note on a missing value is the clerk's data and is never dropped."""
    with store.transaction(who) as session:
        indicator = session.get(Indicator, indicator_id)
        if indicator is None:
            return
        if indicator.origin is not Origin.COUNTY:
            raise LedgerError(f"“{indicator.name}”是市级下达的指标，不能删除。")
        entered = session.scalar(select(func.count()).where(IndicatorValue.indicator_id == indicator_id))
        if entered:
            raise LedgerError(f"无法撤销新增指标“{indicator.name}”：它已有 {entered} 个填报数值或说明。"
                              "如确需撤销，请先清除这些数值。")
        session.delete(indicator)


def edit_indicator(store: Store, indicator_id: int, *, county_target_text: object = _UNSET,
                   target_text: object = _UNSET, range_min: object = _UNSET, range_max: object = _UNSET,
                   decimals: object = _UNSET, who: str | None = None) -> None:
    """Change the county target, range or decimals; the target itself only of a county indicator."""
    with store.transaction(who) as session:
        indicator = session.get(Indicator, indicator_id)
        if indicator is None:
            raise LedgerError("指标不存在。")
        if target_text is not _UNSET:
            if indicator.origin is Origin.CITY:
                raise LedgerError(f"“{indicator.name}”是市级下达的指标，其目标值为只读；可以填写县级目标。")
            target = parse_target(str(target_text), indicator.unit)
            indicator.target, indicator.target_high, indicator.target_text = target.value, target.high, str(target_text)
        if county_target_text is not _UNSET:
            text = str(county_target_text or "").strip()
            indicator.county_target = parse_target(text, indicator.unit).value if text else None
        low = indicator.range_min if range_min is _UNSET else range_min
        high = indicator.range_max if range_max is _UNSET else range_max
        _check_range(low, high)
        indicator.range_min, indicator.range_max = low, high
        if decimals is not _UNSET:
            if not isinstance(decimals, int) or not 0 <= decimals <= 6:
                raise LedgerError("小数位数应为 0 到 6 之间的整数。")
            indicator.decimals = decimals


def _check_range(low: object, high: object) -> None:
    if low is not None and high is not None and low > high:  # type: ignore[operator]
        raise LedgerError(f"允许范围的下限 {low} 大于上限 {high}。")


# ---- reading: the grid, the command line and the side panel share these ----------------------

@dataclass(slots=True)
class IndicatorRow:
    indicator: Indicator
    area: str
    task: str
    values: RowValues  # this year's, by period id
    latest: StoredValue | None
    evaluation: Evaluation
    change: PeriodChange | None

    def target_text(self) -> str:
        i = self.indicator
        return format_target("band" if i.direction is Direction.BAND else i.comparison, i.target, i.unit,
                             i.decimals, i.target_high)


def indicator_rows(session: Session, plan: Plan, as_of: date, only: Collection[int] | None = None) -> list[IndicatorRow]:
    """Every live indicator of the plan (or those of ``only``) with its year's values, latest
    value, completion, status. One query per table.

    The latest value is judged on its own period's end (a September figure against September's
    序时进度), or on ``as_of`` if that is earlier.
    """
    with collector_paused():
        return _indicator_rows(session, plan, as_of, only)


def _indicator_rows(session: Session, plan: Plan, as_of: date, only: Collection[int] | None) -> list[IndicatorRow]:
    chosen = [Indicator.plan_id == plan.id, Indicator.archived.is_(False)]
    if only is not None:
        chosen.append(Indicator.id.in_(only))
    indicators = session.scalars(select(Indicator).where(*chosen).order_by(Indicator.code)
                                 .options(selectinload(Indicator.task).selectinload(Task.area))).all()
    spans = {pid: (start, end) for pid, start, end in
             session.execute(select(Period.id, Period.start, Period.end).where(Period.year == plan.year))}
    values: dict[int, RowValues] = {}
    query = select(*_STORED_COLUMNS).where(IndicatorValue.period_id.in_(spans))
    if only is not None:
        query = query.where(IndicatorValue.indicator_id.in_(only))
    for chunk in session.connection().execute(query).partitions(500):  # not all rows alive at once
        for value in chunk:
            if value[0] not in values:
                values[value[0]] = RowValues()
            values[value[0]].add(value)
    begun = {pid for pid, (start, _end) in spans.items() if start <= as_of}
    ends = {pid: end for pid, (_start, end) in spans.items()}
    rows = []
    for indicator in indicators:
        own = values.get(indicator.id) or RowValues()
        filled = own.latest_filled(begun, ends, 2)
        latest = filled[-1] if filled else None
        evaluation = evaluate_latest(indicator, latest.value if latest else None,
                                     ends[latest.period_id] if latest else None, as_of, plan.year)
        change = period_change(filled[-2].value, latest.value) if len(filled) > 1 else None
        task = indicator.task
        rows.append(IndicatorRow(indicator, task.area.name if task else "", f"{task.number}. {task.title}" if task else "",
                                 own, latest, evaluation, change))
    return rows


@dataclass
class IndicatorTable:
    year: int
    as_of: date
    rows: list[IndicatorRow]


def indicator_table(store: Store, as_of: date | None = None, year: int | None = None) -> IndicatorTable:
    """The indicators of the plan of ``year`` (default: the newest) with their latest values,
    completion and status."""
    with store.session() as session:
        plan = require_plan(session, year=year)
        as_of = as_of_date(session, as_of, plan.year)
        return IndicatorTable(plan.year, as_of, indicator_rows(session, plan, as_of))


def year_periods(session: Session, year: int, types: set[PeriodType]) -> list[Period]:
    """The year's periods of the given types, biweekly first, each type in order."""
    order = list(PeriodType)
    found = session.scalars(select(Period).where(Period.year == year, Period.type.in_(types))).all()
    return sorted(found, key=lambda p: (order.index(p.type), p.number))


def indicator_history(session: Session, indicator_id: int) -> list[tuple[Period, StoredValue]]:
    """All values of one indicator, every year, oldest first."""
    periods = {p.id: p for p in session.scalars(select(Period).join(
        IndicatorValue, IndicatorValue.period_id == Period.id).where(IndicatorValue.indicator_id == indicator_id))}
    values = stored_values(session, IndicatorValue.indicator_id == indicator_id)
    return sorted(((periods[v.period_id], v) for v in values), key=lambda pair: pair[0].end)


# ---- what 指标填报 reads ------------------------------------------------------------------------

@dataclass
class IndicatorGrid:
    plan_name: str
    year: int
    rows: list[IndicatorRow]
    periods: list[Period]  # the year's periods of the indicators' period types
    locked: set[tuple[int, str]]  # (indicator id, period id) of those values a signed return contains


def indicator_grid(store: Store, as_of: date) -> IndicatorGrid | None:
    """The grid of 指标填报 (None before a plan is loaded)."""
    with store.session() as session:
        plan = current_plan(session)
        if plan is None:
            return None
        rows = indicator_rows(session, plan, as_of)
        periods = year_periods(session, plan.year, {r.indicator.period_type for r in rows})
        return IndicatorGrid(plan.name, plan.year, rows, periods,
                             locked_value_cells(session, period_ids=[p.id for p in periods]))


def indicator_grid_rows(store: Store, as_of: date,
                        indicator_ids: Collection[int]) -> tuple[list[IndicatorRow], set[tuple[int, str]]]:
    """The grid's rows of these indicators alone, and their locked cells: what a write of their
    values changes in 指标填报."""
    with store.session() as session:
        plan = current_plan(session)
        if plan is None:
            return [], set()
        rows = indicator_rows(session, plan, as_of, indicator_ids)
        periods = {pid for row in rows for pid in row.values}  # a locked cell holds a value
        return rows, locked_value_cells(session, indicator_ids, periods)


def value_history(store: Store, indicator_id: int) -> list[tuple[Period, StoredValue]]:
    with store.session() as session:
        return indicator_history(session, indicator_id)


def preview_block(store: Store, edits: list[CellEdit]) -> BlockPreview:
    """What writing ``edits`` would do, cell by cell, without writing anything."""
    with store.session() as session, collector_paused():
        return check_block(session, edits)
