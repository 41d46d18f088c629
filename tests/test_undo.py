"""The one undo protocol on a bare LedgerUndoStack (no widgets): undo and redo pass the same locks
as an edit. After the period's return is signed, undoing an edit of it is refused with the reason
and changes nothing; a refused redo leaves the stack and the store as they were."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from exchange.returns.returns_export import export_return
from exchange.returns.review import review_return
from exchange.signing.identity import new_identity
from models.errors import LedgerError
from models.indicator_values import CellEdit
from models.ledger import IndicatorValue, ProgressReport
from models.plan import Indicator, Task
from models.returns import explain_gaps
from ui.indicators.indicator_commands import SetIndicatorValuesCommand
from ui.tasks.task_commands import EditTaskFieldCommand, SaveReportCommand
from ui.undo import LedgerUndoStack

PERIOD, AS_OF, PASSPHRASE = "2023-B22", date(2023, 10, 27), "undo 口令 1"
LOCKED = "2023年第22期（10月22日—11月4日）的报表已签发，任务进展为只读"


def sign_period(store, folder) -> None:
    new_identity(store, "婺城区", "婺城区营商办", PASSPHRASE)
    explain_gaps(store, PERIOD, "次月报送")
    review_return(store, PERIOD, "李晓东", AS_OF)
    export_return(store, PERIOD, folder, AS_OF, PASSPHRASE)


def task_id(store, number: int) -> int:
    with store.session() as session:
        return session.scalar(select(Task.id).where(Task.number == number))


def progress_of(store, task: int) -> str | None:
    with store.session() as session:
        return session.scalar(select(ProgressReport.progress).where(ProgressReport.task_id == task,
                                                                   ProgressReport.period_id == PERIOD))


def value_of(store, code: str, period_id: str) -> float | None:
    with store.session() as session:
        return session.scalar(select(IndicatorValue.value).join(Indicator)
                              .where(Indicator.code == code, IndicatorValue.period_id == period_id))


@pytest.fixture
def stack(qapp):
    stack = LedgerUndoStack()
    stack.refusals = []
    stack.refused.connect(stack.refusals.append)
    return stack


def test_undo_after_signing_is_refused_with_the_reason(demo_store, stack, tmp_path):
    with demo_store.session() as session:
        jh01 = session.scalar(select(Indicator.id).where(Indicator.code == "JH23-01"))
        task = session.scalar(select(ProgressReport.task_id).where(ProgressReport.period_id == PERIOD))  # reported
    stack.push(SetIndicatorValuesCommand(demo_store, [CellEdit(jh01, "2023-M10", "88")], "填报"))
    stack.push(EditTaskFieldCommand(demo_store, task, "leader", "赵六"))
    sign_period(demo_store, tmp_path)

    stack.undo()  # a task's leader is not what a return locks: undone
    assert stack.index() == 1 and not stack.refusals
    stack.undo()  # the October value lies in the signed period
    assert stack.refusals == ["2023-M10 的报表已签发，数值为只读，无法撤销。"]
    assert (stack.index(), stack.count()) == (1, 2) and value_of(demo_store, "JH23-01", "2023-M10") == 88
    stack.redo()  # the stack still works on: the leader again
    with demo_store.session() as session:
        assert session.get(Task, task).leader == "赵六"


def test_undo_of_a_report_in_a_signed_period_is_refused(demo_store, stack, tmp_path):
    task = task_id(demo_store, 3)
    stack.push(SaveReportCommand(demo_store, task, PERIOD, "已召开推进会", "", "出台细则"))
    sign_period(demo_store, tmp_path)
    stack.undo()
    assert len(stack.refusals) == 1 and stack.refusals[0].startswith(LOCKED)
    assert (stack.index(), stack.count()) == (1, 1)
    assert progress_of(demo_store, task) == "已召开推进会"


def test_a_refused_redo_leaves_the_stack_as_it_was(demo_store, stack, tmp_path):
    task = task_id(demo_store, 3)
    stack.push(SaveReportCommand(demo_store, task, PERIOD, "已召开推进会", "", "出台细则"))
    stack.undo()
    sign_period(demo_store, tmp_path)  # its gap explained: task 3 now has a report holding the reason only
    before = progress_of(demo_store, task)
    stack.redo()
    assert len(stack.refusals) == 1 and stack.refusals[0].startswith(LOCKED)
    assert (stack.index(), stack.count(), stack.canRedo()) == (0, 1, True)
    assert progress_of(demo_store, task) == before


def test_a_refused_edit_raises_its_own_message_and_is_not_pushed(demo_store, stack, tmp_path):
    sign_period(demo_store, tmp_path)
    with pytest.raises(LedgerError) as refused:
        stack.push(SaveReportCommand(demo_store, task_id(demo_store, 3), PERIOD, "补写", "", ""))
    assert str(refused.value).startswith(LOCKED)  # the operation's words, no prefix of Qt's
    assert stack.count() == 0 and not stack.refusals
