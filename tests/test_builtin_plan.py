"""The built-in 2023 Jinhua plan: 38 tasks in 5 areas, lead units, indicators; loads once."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from models.tables import Area, Indicator, Milestone, Task
from models.plan_loader import load_builtin_plan
from models.summary import store_summary

AS_OF = date(2023, 10, 27)

AREA_LEADS = {
    "政务环境": "市政管办(放管服办)",
    "法治环境": "市司法局",
    "市场环境": "市市场监管局",
    "经济生态环境": "市发改委",
    "人文环境": "市委统战部",
}


def _indicator(session, *words):
    found = [i for i in session.scalars(select(Indicator)) if all(w in i.name for w in words)]
    assert found, f"no indicator named with {words}"
    return found[0]


def test_38_tasks_in_5_areas_with_their_lead_units(plan_store):
    with plan_store.session() as session:
        areas = session.scalars(select(Area).order_by(Area.seq)).all()
        assert {a.name: a.lead_unit for a in areas} == AREA_LEADS
        tasks = session.scalars(select(Task).order_by(Task.number)).all()
        assert [t.number for t in tasks] == list(range(1, 39))
        assert [len(a.tasks) for a in areas] == [10, 6, 7, 10, 5]
        first = tasks[0]
        assert first.title == "投资项目审批服务提速增效"
        assert first.lead_unit == "市政管办(放管服办)"
        assert first.responsible_units[:4] == ["市政管办(放管服办)", "市发改委", "市资规局", "市建设局"]
        assert "全流程审批80天" in first.text
        assert tasks[3].lead_unit == "市税务局"
        assert all(t.lead_unit == t.responsible_units[0] for t in tasks)
        assert all(len(t.milestones) >= 4 for t in tasks)
        assert all(m.due_date.year == 2023 for t in tasks for m in t.milestones)


def test_quantified_targets_are_indicators_linked_to_their_tasks(plan_store):
    with plan_store.session() as session:
        checks = [
            (("审批",), 80, "天", "lower", 1),
            (("跨省通办",), 162, None, "higher", 5),
            (("全市通办",), 588, None, "higher", 5),
            (("办事不出村",), 100, None, "higher", 6),
            (("一件事",), 10, "个", "higher", 7),
            (("注册用户",), 5_900_000, None, "higher", 9),
            (("一网通办",), 90, "%", "higher", 9),
            (("税务",), 100, "%", "higher", 4),
            (("出口网店",), 3000, "家", "higher", None),
            (("海外仓",), 10, "个", "higher", None),
            (("融资担保",), 140, "亿元", "higher", 31),
            (("金融牌照",), 2, "块", "higher", 31),
        ]
        for words, target, unit, direction, task_number in checks:
            indicator = _indicator(session, *words)
            assert indicator.target == target, words
            assert indicator.direction.value == direction, words
            if unit:
                assert indicator.unit == unit, words
            if task_number:
                assert indicator.task.number == task_number, words
            assert indicator.task is not None
        growth = [i for i in session.scalars(select(Indicator)) if i.unit == "个百分点"]
        assert len(growth) >= 2 and all(i.target == 3 for i in growth)


def test_loading_again_changes_nothing(plan_store):
    with plan_store.session() as session:
        before = store_summary(session, AS_OF)
    with plan_store.transaction() as session:
        _plan, added = load_builtin_plan(session)
    assert not added
    with plan_store.session() as session:
        after = store_summary(session, AS_OF)
        assert session.scalar(select(func.count()).select_from(Milestone)) == before["milestones"]
    assert after == before
