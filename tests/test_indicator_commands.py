"""The undo commands of 指标填报 on a bare QUndoStack, without widgets."""
from PySide6.QtGui import QUndoStack
from sqlalchemy import select

from models.indicator_values import CellEdit
from models.ledger import IndicatorValue
from models.plan import Indicator
from ui.indicator_commands import EditIndicatorCommand, SetIndicatorValuesCommand


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
    stack = QUndoStack()
    stack.push(SetIndicatorValuesCommand(plan_store, [CellEdit(i, "2023-M05", "85"), CellEdit(i, "2023-M06", "80")],
                                         "粘贴", on_change=lambda: changes.append(1)))
    assert (value(plan_store, i, "2023-M05"), value(plan_store, i, "2023-M06")) == (85, 80)
    stack.undo()
    assert (value(plan_store, i, "2023-M05"), value(plan_store, i, "2023-M06")) == (None, None)
    stack.redo()
    assert value(plan_store, i, "2023-M06") == 80
    assert len(changes) == 3


def test_a_failing_redo_reports_and_leaves_no_step(plan_store, qapp):
    i = indicator(plan_store, "JH23-01").id
    errors = []
    stack = QUndoStack()
    stack.push(SetIndicatorValuesCommand(plan_store, [CellEdit(i, "2023-M05", "abc")], "填报", on_error=errors.append))
    assert "不是数字" in errors[0]
    assert stack.count() == 0 and value(plan_store, i, "2023-M05") is None


def test_edit_definition_undo(plan_store, qapp):
    city = indicator(plan_store, "JH23-09")
    stack = QUndoStack()
    stack.push(EditIndicatorCommand(plan_store, city.id, {"county_target_text": "95%", "range_min": 50.0},
                                    {"county_target_text": "", "range_min": city.range_min}, "修改指标定义"))
    assert (indicator(plan_store, "JH23-09").county_target, indicator(plan_store, "JH23-09").range_min) == (95, 50)
    stack.undo()
    assert (indicator(plan_store, "JH23-09").county_target, indicator(plan_store, "JH23-09").range_min) == (None, 0)
