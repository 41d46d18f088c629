"""Entering values (models.indicator_values): parsing and validation as tables of cases, the
all-or-nothing block, cumulative values, outliers, audit, locked periods, definitions."""
from datetime import datetime

import pytest
from sqlalchemy import select

from models.enums import Origin, PeriodType, ReturnState, ValueKind
from models.errors import LedgerError
from models.indicator_values import (
    CellEdit, OutlierError, add_county_indicator, apply_block, check_block, edit_indicator, indicator_rows,
    restore_values, set_value,
)
from models.ledger import IndicatorValue
from models.office import AuditEntry, Return
from models.plan import Indicator
from models.plan_loader import current_plan


def ids(store) -> dict[str, int]:
    with store.session() as session:
        return {i.code: i.id for i in session.scalars(select(Indicator))}


def stored(store, code, period_id):
    with store.session() as session:
        return session.scalar(select(IndicatorValue).join(Indicator).where(
            Indicator.code == code, IndicatorValue.period_id == period_id))


def plan_of(store):
    with store.session() as session:
        return current_plan(session)


@pytest.mark.parametrize("code, period_id, text, expected", [
    ("JH23-01", "2023-M05", "80", 80),
    ("JH23-01", "2023-M05", "８０", 80),              # full-width digits
    ("JH23-01", "2023-M05", "80天", 80),              # the unit written out
    ("JH23-08", "2023-M05", "590万", 5_900_000),      # 万 multiplier
    ("JH23-08", "2023-M05", "5,900,000", 5_900_000),  # thousands separators
    ("JH23-08", "2023-M05", "5，900，000", 5_900_000),  # full-width separators
    ("JH23-14", "2023-M05", "18.2亿", 18.2),          # 亿 in an 亿元 indicator
    ("JH23-14", "2023-M05", "1820000000元", 18.2),    # the same amount in 元
    ("JH23-09", "2023-M05", "92.5%", 92.5),
    ("JH23-09", "2023-M05", " 92.5 ", 92.5),
])
def test_values_read_in_the_indicators_unit(plan_store, code, period_id, text, expected):
    preview = check_block(plan_store.session(), [CellEdit(ids(plan_store)[code], period_id, text)])
    assert not preview.refused, preview.refusal_message()
    assert preview.checks[0].value == pytest.approx(expected)


@pytest.mark.parametrize("code, period_id, text, message", [
    ("JH23-09", "2023-M05", "abc", "不是数字"),
    ("JH23-09", "2023-M05", "NaN", "不是有限"),
    ("JH23-09", "2023-M05", "inf", "不是有限"),
    ("JH23-09", "2023-M05", "-Infinity", "不是有限"),
    ("JH23-09", "2023-M05", "≥90%", "目标的写法"),       # a target where a value belongs
    ("JH23-09", "2023-M05", "101", "大于允许的最大值"),
    ("JH23-09", "2023-M05", "-0.5", "小于允许的最小值"),
    ("JH23-09", "2023-M05", "92.55", "最多 1 位小数"),
    ("JH23-01", "2023-M05", "12.5", "应为整数"),
    ("JH23-01", "2023-M05", "1,234", "大于允许的最大值"),
    ("JH23-01", "2023-M05", "80公斤", "不符"),
    ("JH23-14", "2023-M05", "1819万元", "小数位数过多"),  # 0.1819亿元 at one decimal
    ("JH23-09", "2023-Q2", "90", "按月度填报"),          # a period outside the indicator's type
    ("JH23-13", "2023-M06", "1", "按季度填报"),
    ("JH23-09", "2023-X9", "90", "无法识别"),
])
def test_bad_values_are_refused_naming_the_cell(plan_store, code, period_id, text, message):
    edit = CellEdit(ids(plan_store)[code], period_id, text, where="第2行第3列")
    preview = check_block(plan_store.session(), [edit])
    assert [c.edit for c in preview.refused] == [edit]
    assert message in preview.refused[0].error
    assert preview.refusal_message().splitlines()[1].startswith("第2行第3列（")


def test_unknown_indicator_is_refused(plan_store):
    with pytest.raises(LedgerError, match="未知指标“XX-99”"):
        set_value(plan_store, "XX-99", "2023-M05", "1")


def test_a_block_with_one_bad_cell_writes_nothing(plan_store):
    i = ids(plan_store)
    edits = [CellEdit(i["JH23-01"], "2023-M05", "70"), CellEdit(i["JH23-09"], "2023-M05", "abc", where="B2"),
             CellEdit(i["JH23-08"], "2023-M05", "590万")]
    with pytest.raises(LedgerError, match="有 1 处数值不能接受，全部未写入") as raised:
        apply_block(plan_store, edits)
    assert "B2" in str(raised.value)
    with plan_store.session() as session:
        assert session.scalar(select(IndicatorValue)) is None


def test_cumulative_value_may_not_fall_without_a_note(plan_store):
    set_value(plan_store, "JH23-12", "2023-M05", "1000")
    with pytest.raises(LedgerError, match="低于上一期的 1,000家"):
        set_value(plan_store, "JH23-12", "2023-M06", "900")
    set_value(plan_store, "JH23-12", "2023-M06", "900", note="5月数据含重复统计，已核减")
    assert stored(plan_store, "JH23-12", "2023-M06").value == 900
    # A new year starts again from zero: January is compared with nothing.
    i = ids(plan_store)["JH23-12"]
    assert not check_block(plan_store.session(), [CellEdit(i, "2024-M01", "5")]).refused


def test_cumulative_fall_inside_one_block_is_caught(plan_store):
    i = ids(plan_store)["JH23-12"]
    preview = check_block(plan_store.session(), [CellEdit(i, "2023-M05", "1000"), CellEdit(i, "2023-M06", "900")])
    assert [c.edit.period_id for c in preview.refused] == ["2023-M06"]


def test_outliers_need_confirmation_and_stay_flagged(demo_store):
    with pytest.raises(OutlierError, match="远离该指标以往的数据"):
        set_value(demo_store, "JH23-08", "2023-M10", "552")  # 552万 typed as 552
    assert stored(demo_store, "JH23-08", "2023-M10") is None
    set_value(demo_store, "JH23-08", "2023-M10", "552", confirm_outlier=True)
    assert stored(demo_store, "JH23-08", "2023-M10").outlier_confirmed is True
    set_value(demo_store, "JH23-08", "2023-M10", "552万")  # corrected: no longer an outlier
    row = stored(demo_store, "JH23-08", "2023-M10")
    assert (row.value, row.outlier_confirmed) == (5_520_000, False)


def test_an_empty_value_keeps_its_note(plan_store):
    set_value(plan_store, "JH23-01", "2023-M05", "", note="部门统计口径调整，本月暂缺")
    row = stored(plan_store, "JH23-01", "2023-M05")
    assert (row.value, row.note) == (None, "部门统计口径调整，本月暂缺")
    set_value(plan_store, "JH23-01", "2023-M05", "", note="")  # nothing left: no row at all
    assert stored(plan_store, "JH23-01", "2023-M05") is None


def test_every_change_is_audited_with_old_and_new(plan_store):
    set_value(plan_store, "JH23-01", "2023-M05", "85", source="市政管办")
    set_value(plan_store, "JH23-01", "2023-M05", "78")
    with plan_store.session() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.entity == "indicator_value")).all()
    assert entries[0].action == "insert" and '"value": "85.0"' in entries[0].new
    updates = [(e.field, e.old, e.new) for e in entries if e.action == "update"]
    assert updates == [("value", "85.0", "78.0")]


def test_restore_puts_cells_back(plan_store):
    i = ids(plan_store)
    set_value(plan_store, "JH23-01", "2023-M05", "85", note="原值")
    _, before = apply_block(plan_store, [CellEdit(i["JH23-01"], "2023-M05", "70", note=""),
                                         CellEdit(i["JH23-09"], "2023-M05", "91.5")])
    restore_values(plan_store, before)
    row = stored(plan_store, "JH23-01", "2023-M05")
    assert (row.value, row.note) == (85, "原值")
    assert stored(plan_store, "JH23-09", "2023-M05") is None


def sign(store, period_id):
    with store.transaction() as session:
        # signed now: it holds the values as they are
        session.add(Return(period_id=period_id, state=ReturnState.SIGNED, signed_at=datetime.now()))


def test_locked_periods_are_refused_and_unchanged(demo_store):
    before = stored(demo_store, "JH23-01", "2023-M09").value
    sign(demo_store, "2023-B20")  # 9月24日—10月7日 holds 30 September: September's values are locked
    with pytest.raises(LedgerError, match="已签发"):
        set_value(demo_store, "JH23-01", "2023-M09", "70")
    assert stored(demo_store, "JH23-01", "2023-M09").value == before
    set_value(demo_store, "JH23-01", "2023-M10", "70")  # October is open


def test_undo_into_a_locked_period_is_refused(plan_store):
    i = ids(plan_store)["JH23-01"]
    _, before = apply_block(plan_store, [CellEdit(i, "2023-M09", "70")])
    sign(plan_store, "2023-B20")
    with pytest.raises(LedgerError, match="无法撤销"):
        restore_values(plan_store, before)
    assert stored(plan_store, "JH23-01", "2023-M09").value == 70


def test_county_indicators_and_targets(plan_store):
    new_id = add_county_indicator(plan_store, code="WC-01", name="区级惠企政策直达率", unit="%",
                                  target_text="≥95%", kind=ValueKind.POINT, period_type=PeriodType.QUARTERLY,
                                  decimals=1, range_min=0, range_max=100, task_number=31)
    with pytest.raises(LedgerError, match="已存在"):
        add_county_indicator(plan_store, code="WC-01", name="重复", unit="%", target_text="90%")
    edit_indicator(plan_store, new_id, target_text="≥96%")
    city = ids(plan_store)["JH23-09"]
    with pytest.raises(LedgerError, match="目标值为只读"):
        edit_indicator(plan_store, city, target_text="≥80%")
    edit_indicator(plan_store, city, county_target_text="95%", range_min=50.0)
    with pytest.raises(LedgerError, match="下限 99.0 大于上限"):
        edit_indicator(plan_store, city, range_min=99.0, range_max=10.0)
    with plan_store.session() as session:
        county, city_row = session.get(Indicator, new_id), session.get(Indicator, city)
        assert (county.origin, county.target, county.comparison) == (Origin.COUNTY, 96, ">=")
        assert (city_row.target, city_row.county_target, city_row.range_min, city_row.range_max) == (90, 95, 50, 100)


def test_rows_judge_the_latest_value_on_its_own_period(demo_store):
    from datetime import date
    with demo_store.session() as session:
        rows = {r.indicator.code: r for r in indicator_rows(session, plan_of(demo_store), date(2023, 10, 27))}
    row = rows["JH23-12"]  # cumulative, monthly: September's value against September's 序时进度
    assert row.latest.period_id == "2023-M09"
    assert row.evaluation.time_progress == pytest.approx(273 / 365)
    assert row.change.delta == pytest.approx(row.latest.value - row.values["2023-M08"].value)


def test_an_accepted_preview_is_written_as_checked_and_checked_again_once_the_store_changed(plan_store):
    """The preview the user accepted is not checked a second time while the store holds what it
    was checked against; once a return covering its period is signed meanwhile, it is checked
    again, refused, and nothing is written."""
    from models.indicator_values import preview_block

    i = ids(plan_store)["JH23-01"]
    edits = [CellEdit(i, "2023-M08", "71"), CellEdit(i, "2023-M09", "70")]
    checked = preview_block(plan_store, edits).accepted()
    preview, _ = apply_block(plan_store, edits, checked=checked)
    assert preview is checked
    assert [stored(plan_store, "JH23-01", p).value for p in ("2023-M08", "2023-M09")] == [71, 70]

    edits = [CellEdit(i, "2023-M09", "69")]
    checked = preview_block(plan_store, edits).accepted()
    assert not checked.refused
    sign(plan_store, "2023-B20")  # signed after the preview: September is locked now
    with pytest.raises(LedgerError, match="已签发"):
        apply_block(plan_store, edits, checked=checked)
    assert stored(plan_store, "JH23-01", "2023-M09").value == 70


def test_a_block_written_at_once_is_audited_cell_by_cell(plan_store):
    i = ids(plan_store)
    apply_block(plan_store, [CellEdit(i["JH23-01"], "2023-M05", "85"), CellEdit(i["JH23-09"], "2023-M05", "91.5")])
    apply_block(plan_store, [CellEdit(i["JH23-01"], "2023-M05", "80", note="口径调整"),
                             CellEdit(i["JH23-09"], "2023-M05", "")])  # the second: nothing left, no row
    with plan_store.session() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.entity == "indicator_value")
                                  .order_by(AuditEntry.id)).all()
    inserts, later = entries[:2], entries[2:]
    assert [e.action for e in inserts] == ["insert", "insert"]
    assert '"value": "85.0"' in inserts[0].new and '"value": "91.5"' in inserts[1].new
    assert sorted((e.action, e.field, e.old if e.action == "update" else None, e.new) for e in later) == [
        ("delete", "", None, None), ("update", "note", "", "口径调整"), ("update", "value", "85.0", "80.0")]
    deleted = next(e for e in later if e.action == "delete")
    assert '"value": "91.5"' in deleted.old and deleted.entity_id == inserts[1].entity_id
    assert stored(plan_store, "JH23-09", "2023-M05") is None
