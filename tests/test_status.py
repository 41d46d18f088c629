"""The one status rule (models.status) with its edge cases, and its bulk form over a store."""
from __future__ import annotations

from datetime import date

from models.enums import TaskStatus
from models.plan_loader import current_plan
from models.status import MilestoneFacts, TaskFacts, task_status, task_statuses
from models.tasks import set_milestone_done, set_status_override, task_by_number

YEAR = date(2023, 1, 1)


def facts(*milestones: tuple[date, date | None], **kwargs) -> TaskFacts:
    return TaskFacts([MilestoneFacts(due, done) for due, done in milestones], YEAR, **kwargs)


def test_no_milestones_is_not_started_until_reported():
    assert task_status(facts(), date(2023, 6, 1), 0.25) is TaskStatus.NOT_STARTED
    assert task_status(facts(has_report=True), date(2023, 6, 1), 0.25) is TaskStatus.ON_TRACK


def test_all_done_is_done():
    done = facts((date(2023, 3, 31), date(2023, 3, 30)), (date(2023, 6, 30), date(2023, 6, 1)))
    assert task_status(done, date(2023, 7, 1), 0.25) is TaskStatus.DONE


def test_overdue_by_one_day_lags_due_today_does_not():
    one = facts((date(2023, 3, 31), None), (date(2023, 12, 31), None))
    assert task_status(one, date(2023, 3, 31), 0.5) is TaskStatus.NOT_STARTED
    assert task_status(one, date(2023, 4, 1), 0.5) is TaskStatus.LAGGING


def test_behind_time_progress_by_more_than_tolerance_lags():
    four = facts(*[(date(2023, 12, 31), None)] * 4, has_report=True)
    assert task_status(four, date(2023, 5, 1), 0.5) is TaskStatus.ON_TRACK
    assert task_status(four, date(2023, 5, 1), 0.25) is TaskStatus.LAGGING


def test_override_wins():
    late = facts((date(2023, 3, 31), None), override=TaskStatus.ON_TRACK)
    assert task_status(late, date(2023, 10, 1), 0.25) is TaskStatus.ON_TRACK


def test_bulk_statuses_follow_the_rule_and_the_edits(demo_store):
    as_of = date(2023, 10, 27)
    with demo_store.transaction() as session:
        plan = current_plan(session)
        statuses = task_statuses(session, plan, as_of, 0.25)
        assert len(statuses) == 38 and sum(s is TaskStatus.LAGGING for s in statuses.values()) == 5
        lagging = next(tid for tid, s in statuses.items() if s is TaskStatus.LAGGING)
        set_status_override(session, lagging, TaskStatus.ON_TRACK, "已与市里沟通调整节点")
        task = task_by_number(session, plan, 1)
        for milestone in task.milestones:
            set_milestone_done(session, milestone.id, date(2023, 10, 20))
        again = task_statuses(session, plan, as_of, 0.25)
    assert again[lagging] is TaskStatus.ON_TRACK and again[task.id] is TaskStatus.DONE
