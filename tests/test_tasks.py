"""Task-ledger edits on a real store: validation, carry-forward, postponing, evidence, snapshots
and the audit log."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models.enums import Origin, ReturnState, TaskStatus
from models.errors import LedgerError
from models.ledger import Evidence, ProgressReport
from models.office import AuditEntry, Return
from models.plan import Task
from models.plan_loader import current_plan
from models.tasks import (
    add_county_task, add_milestone, attach_evidence, delete_county_task, evidence_path, postpone_milestone,
    report_for_edit, restore_task, save_report, set_follow_up, set_milestone_done, set_status_override,
    task_by_number, task_snapshot, update_task,
)


def first_task(session) -> Task:
    return task_by_number(session, current_plan(session), 1)


def audit_rows(session, entity: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)))


def test_update_task_is_audited(plan_store):
    with plan_store.transaction("方宇") as session:
        task_id = first_task(session).id
        update_task(session, task_id, "leader", "  王建华 ")
    with plan_store.session() as session:
        assert session.get(Task, task_id).leader == "王建华"
        entry = audit_rows(session, "task")[-1]
        assert (entry.who, entry.field, entry.old, entry.new) == ("方宇", "leader", "", "王建华")


@pytest.mark.parametrize("field, value, words", [
    ("title", "  ", "“任务名称”不能为空"),
    ("title", "长" * 101, "“任务名称”最多 100 个字"),
    ("contact_phone", "1" * 31, "“联系电话”最多 30 个字"),
])
def test_bad_task_field_is_refused_and_nothing_changes(plan_store, field, value, words):
    with plan_store.session() as session:
        task_id = first_task(session).id
        before = task_snapshot(session, task_id)
    with pytest.raises(LedgerError, match=words), plan_store.transaction() as session:
        update_task(session, task_id, field, value)
    with plan_store.session() as session:
        assert task_snapshot(session, task_id) == before


def test_milestone_dates_are_checked(plan_store):
    with plan_store.transaction() as session:
        task_id = first_task(session).id
        with pytest.raises(LedgerError, match="“完成时限”2024-01-05 不在方案年度（2023年）内"):
            add_milestone(session, task_id, "新节点", date(2024, 1, 5))
        milestone = add_milestone(session, task_id, "新节点", date(2023, 12, 20))
        with pytest.raises(LedgerError, match="“完成日期”2023-01-03 早于方案开始日期"):
            set_milestone_done(session, milestone.id, date(2023, 1, 3))
        with pytest.raises(LedgerError, match="“节点举措”不能为空"):
            add_milestone(session, task_id, "", date(2023, 12, 20))


def test_postpone_keeps_original_date_and_counts(plan_store):
    with plan_store.transaction() as session:
        milestone = first_task(session).milestones[0]
        first_due = milestone.due_date
        with pytest.raises(LedgerError, match="“延期原因”不能为空"):
            postpone_milestone(session, milestone.id, date(2023, 11, 30), " ")
        postpone_milestone(session, milestone.id, date(2023, 11, 30), "系统改造推迟")
        postpone_milestone(session, milestone.id, date(2023, 12, 15), "省级接口未上线")
    with plan_store.session() as session:
        milestone = first_task(session).milestones[0]
        assert milestone.due_date == date(2023, 12, 15) and milestone.original_due == first_due
        assert milestone.postpone_count == 2 and milestone.postpone_reason == "省级接口未上线"


def test_follow_up_and_override_need_an_explanation(plan_store):
    with plan_store.transaction() as session:
        task_id = first_task(session).id
        with pytest.raises(LedgerError, match="“跟进说明”不能为空"):
            set_follow_up(session, task_id, True, "")
        with pytest.raises(LedgerError, match="“调整状态的理由”不能为空"):
            set_status_override(session, task_id, TaskStatus.DONE, "")
        set_follow_up(session, task_id, True, "涉及省级系统，需长期协调")
        set_status_override(session, task_id, TaskStatus.DONE, "市里已确认完成")
    with plan_store.session() as session:
        task = session.get(Task, task_id)
        assert task.follow_up and task.follow_up_note == "涉及省级系统，需长期协调"
        assert task.status_override is TaskStatus.DONE and task.override_reason == "市里已确认完成"


def test_new_period_starts_from_previous_next_steps(plan_store):
    with plan_store.transaction() as session:
        task_id = first_task(session).id
        save_report(session, task_id, "2023-B20", "完成调研", "人手紧", "召开推进会，出台实施细则")
    with plan_store.session() as session:
        draft = report_for_edit(session, task_id, "2023-B21")
        assert draft.progress == "召开推进会，出台实施细则" and draft.carried_forward and not draft.saved
        assert report_for_edit(session, task_id, "2023-B19") == report_for_edit(session, task_id, "2023-B19")
        assert not report_for_edit(session, task_id, "2023-B19").carried_forward
    with plan_store.transaction() as session:
        unchanged = save_report(session, task_id, "2023-B21", draft.progress, "无")
        assert unchanged.carried_forward
        edited = save_report(session, task_id, "2023-B21", "已召开推进会", "无")
        assert not edited.carried_forward


def test_report_text_limit_and_locked_period(plan_store):
    with plan_store.transaction() as session:
        task_id = first_task(session).id
        with pytest.raises(LedgerError, match="“存在问题”最多 2000 个字"):
            save_report(session, task_id, "2023-B21", "进展", "问" * 2001)
        session.add(Return(period_id="2023-B21", version=1, state=ReturnState.SIGNED))
    with pytest.raises(LedgerError, match="已签发"), plan_store.transaction() as session:
        save_report(session, task_id, "2023-B21", "进展")
    with plan_store.session() as session:
        assert session.scalar(select(func.count()).select_from(ProgressReport)) == 0


def test_county_task_added_and_deleted_but_never_a_city_task(plan_store):
    with plan_store.transaction() as session:
        plan = current_plan(session)
        task = add_county_task(session, plan, plan.areas[0].id, "打造“无证明城市”县级样板")
        assert task.origin is Origin.COUNTY and task.number == 39
        add_milestone(session, task.id, "梳理证明事项清单", date(2023, 11, 30))
        save_report(session, task.id, "2023-B22", "已启动")
        county_id, city_id = task.id, first_task(session).id
    with pytest.raises(LedgerError, match="规定动作，不能删除"), plan_store.transaction() as session:
        delete_county_task(session, city_id)
    with plan_store.transaction() as session:
        delete_county_task(session, county_id)
    with plan_store.session() as session:
        assert session.get(Task, county_id) is None
        assert session.scalar(select(func.count()).select_from(ProgressReport)) == 0
        deleted = {e.entity for e in session.scalars(select(AuditEntry).where(AuditEntry.action == "delete"))}
        assert deleted == {"task", "milestone", "progress_report"}


def test_evidence_is_copied_and_survives_the_original(plan_store, tmp_path):
    original = tmp_path / "会议纪要.pdf"
    original.write_bytes(b"%PDF-1.4 minutes")
    with plan_store.transaction() as session:
        milestone_id = first_task(session).milestones[0].id
        evidence = attach_evidence(session, plan_store.evidence_folder, original, milestone_id=milestone_id)
        evidence_id = evidence.id
    original.unlink()
    with plan_store.session() as session:
        evidence = session.get(Evidence, evidence_id)
        copy = evidence_path(plan_store.evidence_folder, evidence)
        assert copy.read_bytes() == b"%PDF-1.4 minutes" and evidence.file_name == "会议纪要.pdf"
        assert evidence.size == 16 and len(evidence.sha256) == 64
    with pytest.raises(LedgerError, match="请先保存本期进展"), plan_store.transaction() as session:
        attach_evidence(session, plan_store.evidence_folder, copy, report_id=999)


def test_restore_task_undoes_every_kind_of_change(plan_store, tmp_path):
    with plan_store.session() as session:
        task_id = first_task(session).id
        before = task_snapshot(session, task_id)
    (tmp_path / "a.txt").write_text("x")
    with plan_store.transaction() as session:
        milestone = first_task(session).milestones[0]
        update_task(session, task_id, "title", "新标题")
        postpone_milestone(session, milestone.id, date(2023, 12, 1), "原因")
        set_milestone_done(session, milestone.id, date(2023, 11, 1))
        add_milestone(session, task_id, "追加节点", date(2023, 12, 30))
        report = save_report(session, task_id, "2023-B22", "进展")
        attach_evidence(session, plan_store.evidence_folder, tmp_path / "a.txt", report_id=report.id)
    with plan_store.transaction() as session:
        after = task_snapshot(session, task_id)
        restore_task(session, task_id, before)
    with plan_store.session() as session:
        assert task_snapshot(session, task_id) == before
    with plan_store.transaction() as session:
        restore_task(session, task_id, after)
    with plan_store.session() as session:
        assert task_snapshot(session, task_id) == after
