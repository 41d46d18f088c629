"""Every kind of task edit, undone and redone on a bare LedgerUndoStack: the store comes back exactly."""
from __future__ import annotations

from datetime import date

import pytest
from ui.undo import LedgerUndoStack
from sqlalchemy import select

from models.enums import TaskStatus
from models.errors import LedgerError
from models.ledger import Evidence, ProgressReport
from models.office import AuditEntry
from models.plan import Milestone, Task
from models.plan_loader import current_plan
from models.tasks import task_by_number
from ui.tasks import task_commands as tc

LEDGER_TABLES = [Task, Milestone, ProgressReport, Evidence]


def ledger_state(store) -> dict:
    """Every ledger row's columns except the timestamps."""
    state = {}
    with store.session() as session:
        for cls in LEDGER_TABLES:
            columns = [c for c in cls.__table__.columns if c.name not in ("created_at", "updated_at", "added_at")]
            state[cls.__tablename__] = sorted(tuple(map(str, row)) for row in session.execute(select(*columns)))
    return state


@pytest.fixture
def ids(demo_store):
    with demo_store.session() as session:
        plan = current_plan(session)
        task = task_by_number(session, plan, 2)
        return {"task": task.id, "milestone": task.milestones[-1].id, "area": plan.areas[1].id}


def kinds(store, ids, evidence_file):
    t, m = ids["task"], ids["milestone"]
    return [
        tc.EditTaskFieldCommand(store, t, "county_unit", "区数据局"),
        tc.AddCountyTaskCommand(store, ids["area"], "县级自选：企业服务专员制度"),
        tc.AddMilestoneCommand(store, t, "补充节点", date(2023, 12, 20)),
        tc.EditMilestoneCommand(store, t, m, "改过的节点", "备注"),
        tc.DeleteMilestoneCommand(store, t, m),
        tc.MilestoneDoneCommand(store, t, m, date(2023, 10, 26)),
        tc.PostponeMilestoneCommand(store, t, m, date(2023, 12, 30), "等待省级系统上线"),
        tc.FollowUpCommand(store, t, True, "需省里协调"),
        tc.OverrideStatusCommand(store, t, TaskStatus.DONE, "市里确认"),
        tc.SaveReportCommand(store, t, "2023-B22", "本期进展", "问题", "下步"),
        tc.AttachEvidenceCommand(store, t, evidence_file, milestone_id=m),
    ]


def test_every_kind_of_edit_undoes_and_redoes_exactly(demo_store, ids, tmp_path):
    evidence_file = tmp_path / "纪要.docx"
    evidence_file.write_bytes(b"minutes")
    for command in kinds(demo_store, ids, evidence_file):
        stack = LedgerUndoStack()
        before = ledger_state(demo_store)
        stack.push(command)
        after = ledger_state(demo_store)
        assert after != before, command.text()
        stack.undo()
        assert ledger_state(demo_store) == before, command.text()
        stack.redo()
        assert ledger_state(demo_store) == after, command.text()
        stack.undo()


def test_deleting_a_county_task_undoes_with_its_reports(demo_store, ids):
    stack = LedgerUndoStack()
    add = tc.AddCountyTaskCommand(demo_store, ids["area"], "县级自选")
    stack.push(add)
    stack.push(tc.SaveReportCommand(demo_store, add.task_id, "2023-B22", "已启动", "", ""))
    with_report = ledger_state(demo_store)
    stack.push(tc.DeleteCountyTaskCommand(demo_store, add.task_id))
    with demo_store.session() as session:
        assert session.get(Task, add.task_id) is None
    stack.undo()
    assert ledger_state(demo_store) == with_report


def test_refused_edit_is_not_pushed(demo_store, ids):
    stack = LedgerUndoStack()
    before = ledger_state(demo_store)
    with pytest.raises(LedgerError, match="任务名称"):
        stack.push(tc.EditTaskFieldCommand(demo_store, ids["task"], "title", ""))
    with pytest.raises(LedgerError, match="规定动作"):
        stack.push(tc.DeleteCountyTaskCommand(demo_store, ids["task"]))
    assert stack.count() == 0 and ledger_state(demo_store) == before


def test_report_typing_merges_into_one_step_and_is_audited(demo_store, ids):
    stack = LedgerUndoStack()
    changed = []
    for text in ("已", "已召开", "已召开推进会"):
        stack.push(tc.SaveReportCommand(demo_store, ids["task"], "2023-B22", text, "", "", changed.append))
    assert stack.count() == 1 and changed == [ids["task"]] * 3
    with demo_store.session() as session:
        updates = session.scalars(select(AuditEntry).where(AuditEntry.entity == "progress_report",
                                                           AuditEntry.field == "progress")).all()
        assert [u.new for u in updates][-2:] == ["已召开", "已召开推进会"]
    stack.undo()
    with demo_store.session() as session:
        report = session.scalar(select(ProgressReport).where(ProgressReport.task_id == ids["task"],
                                                             ProgressReport.period_id == "2023-B22"))
        assert report is None or report.progress != "已召开推进会"
