"""The undo commands of 指标填报 on a bare LedgerUndoStack, without widgets."""
import pytest
from sqlalchemy import func, select

from models.enums import Origin, PeriodType
from models.errors import LedgerError
from models.indicator_values import CellEdit, add_county_indicator, apply_block
from models.ledger import IndicatorValue
from models.plan import Indicator
from ui.indicators.indicator_commands import AddCountyIndicatorCommand, EditIndicatorCommand, SetIndicatorValuesCommand
from ui.undo import LedgerUndoStack


def indicator(store, code):
    with store.session() as session:
        return session.scalar(select(Indicator).where(Indicator.code == code))


def value(store, indicator_id, period_id):
    with store.session() as session:
        row = session.scalar(select(IndicatorValue).where(IndicatorValue.indicator_id == indicator_id,
                                                          IndicatorValue.period_id == period_id))
        return row.value if row else None


def test_set_values_undo_redo(plan_store, qapp):
    i = indicator(plan_store, "JH23-01").id
    changes = []
    stack = LedgerUndoStack()
    stack.push(SetIndicatorValuesCommand(plan_store, [CellEdit(i, "2023-M05", "85"), CellEdit(i, "2023-M06", "80")],
                                         "粘贴", on_change=lambda: changes.append(1)))
    assert (value(plan_store, i, "2023-M05"), value(plan_store, i, "2023-M06")) == (85, 80)
    stack.undo()
    assert (value(plan_store, i, "2023-M05"), value(plan_store, i, "2023-M06")) == (None, None)
    stack.redo()
    assert value(plan_store, i, "2023-M06") == 80
    assert len(changes) == 3


def test_a_refused_edit_raises_and_leaves_no_step(plan_store, qapp):
    i = indicator(plan_store, "JH23-01").id
    stack = LedgerUndoStack()
    with pytest.raises(LedgerError, match="不是数字"):
        stack.push(SetIndicatorValuesCommand(plan_store, [CellEdit(i, "2023-M05", "abc")], "填报"))
    assert stack.count() == 0 and value(plan_store, i, "2023-M05") is None


def test_edit_definition_undo(plan_store, qapp):
    city = indicator(plan_store, "JH23-09")
    stack = LedgerUndoStack()
    stack.push(EditIndicatorCommand(plan_store, city.id, {"county_target_text": "95%", "range_min": 50.0},
                                    {"county_target_text": "", "range_min": city.range_min}, "修改指标定义"))
    assert (indicator(plan_store, "JH23-09").county_target, indicator(plan_store, "JH23-09").range_min) == (95, 50)
    stack.undo()
    assert (indicator(plan_store, "JH23-09").county_target, indicator(plan_store, "JH23-09").range_min) == (None, 0)


COUNTY = {"code": "WC-01", "name": "区级惠企政策直达率", "unit": "%", "target_text": "≥95%",
          "period_type": PeriodType.MONTHLY, "decimals": 1, "range_min": 0.0, "range_max": 100.0}


def test_add_county_indicator_undo_redo_keeps_later_steps(plan_store, qapp):
    changes = []
    stack = LedgerUndoStack()
    stack.push(AddCountyIndicatorCommand(plan_store, COUNTY, "新增县级指标", on_change=lambda: changes.append(1)))
    added = indicator(plan_store, "WC-01")
    assert (added.origin, added.target, added.range_max) == (Origin.COUNTY, 95, 100)
    add_county_indicator(plan_store, **{**COUNTY, "code": "WC-02"})  # another one from the command line: the new id is taken
    stack.push(SetIndicatorValuesCommand(plan_store, [CellEdit(added.id, "2023-M06", "96.5")], "填报"))
    assert value(plan_store, added.id, "2023-M06") == 96.5

    stack.undo()  # the value, then the indicator
    stack.undo()
    assert indicator(plan_store, "WC-01") is None and value(plan_store, added.id, "2023-M06") is None
    stack.redo()  # back under the same id, so the value's step finds it again
    stack.redo()
    assert indicator(plan_store, "WC-01").id == added.id and value(plan_store, added.id, "2023-M06") == 96.5
    assert len(changes) == 3


def test_undo_of_an_added_indicator_with_values_is_refused(plan_store, qapp):
    refusals = []
    stack = LedgerUndoStack()
    stack.refused.connect(refusals.append)
    stack.push(AddCountyIndicatorCommand(plan_store, COUNTY, "新增县级指标"))
    added = indicator(plan_store, "WC-01").id
    apply_block(plan_store, [CellEdit(added, "2023-M06", "97")])  # came in outside the stack (CLI, import)
    stack.undo()
    assert refusals == ["无法撤销新增指标“区级惠企政策直达率”：它已有 1 个填报数值或说明。如确需撤销，请先清除这些数值。"]
    assert indicator(plan_store, "WC-01").id == added and value(plan_store, added, "2023-M06") == 97
    assert (stack.count(), stack.index()) == (1, 1)  # the step stays, still done


def test_adding_a_duplicate_code_raises_and_leaves_no_step(plan_store, qapp):
    stack = LedgerUndoStack()
    with pytest.raises(LedgerError, match="^指标编号“JH23-01”已存在。$"):
        stack.push(AddCountyIndicatorCommand(plan_store, {**COUNTY, "code": "JH23-01"}, "新增县级指标"))
    assert stack.count() == 0
    with plan_store.session() as session:
        assert session.scalar(select(func.count()).select_from(Indicator).where(Indicator.name == COUNTY["name"])) == 0
