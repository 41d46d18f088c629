"""年度结转 and years: the demo store rolled from 2023 to 2024 (counts carried, history linked, the
old year readable and its signed return still valid), `--year` on the reading commands, the year
notice, and a new store on the built-in plan dated inside the sample's year."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from exchange.returns.return_data import content_digest
from models.demo import DEMO_AS_OF
from models.errors import LedgerError
from models.ledger import ProgressReport
from models.plan import Indicator, Milestone, Plan, Task
from models.plan_loader import current_plan
from models.returns import latest_return
from models.rollover import preview_rollover, rollover
from models.settings import AS_OF, as_of_date, year_notice
from models.store import Store
from tests.conftest import ROOT
from tests.test_returns import PASSPHRASE, PERIOD, explain_all, review_and_sign

DEMO_FINISHED = 2  # the demo finishes two tasks early; the other 36 are carried


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


@pytest.fixture(scope="module")
def rolled(tmp_path_factory):
    """The demo store with a signed return for 2023-B22, rolled over to 2024 through the CLI."""
    from exchange.signing.identity import create_identity, identity_folder
    from models.plan_loader import initialise

    folder = tmp_path_factory.mktemp("rolled")
    db = folder / "ledger.db"
    with Store(db) as store:
        initialise(store, demo=True)
        create_identity(identity_folder(store), "婺城区", "婺城区营商办", PASSPHRASE)
        explain_all(store)
        signed = review_and_sign(store, folder / "out")
    preview = run("--db", str(db), "rollover", "--to", "2024", "--dry-run", "--json")
    done = run("--db", str(db), "rollover", "--to", "2024")
    return db, signed, json.loads(preview.stdout), done


def test_the_preview_counts_what_is_carried_and_writes_nothing_until_asked(rolled):
    db, _signed, preview, done = rolled
    assert preview["dry_run"] and preview["carried"] == 38 - DEMO_FINISHED and len(preview["finished"]) == DEMO_FINISHED
    assert preview["indicators"] == 15
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"从 2023 年度结转到 2024 年度：结转 {38 - DEMO_FINISHED} 项未完成任务")
    assert "已结转。结转前的副本：" in done.stdout
    backup = Path(done.stdout.rsplit("结转前的副本：", 1)[1].strip())
    with Store(backup) as before:  # the backup holds the store as it was: one year
        with before.session() as session:
            assert session.scalars(select(Plan.year)).all() == [2023]


def test_carried_tasks_keep_people_units_and_link_to_their_history(rolled):
    db, *_ = rolled
    with Store(db) as store, store.session() as session:
        new = current_plan(session)
        old = current_plan(session, 2023)
        assert (new.year, old.year) == (2024, 2023)
        carried = [t for t in new.tasks if not t.archived]
        assert len(carried) == 38 - DEMO_FINISHED and len(old.tasks) == 38
        first = carried[0]
        assert first.previous.plan is old and first.previous.number == first.number
        assert (first.leader, first.contact, first.county_unit, first.lead_unit) == \
            (first.previous.leader, first.previous.contact, first.previous.county_unit, first.previous.lead_unit)
        reports = session.scalars(select(ProgressReport).where(ProgressReport.task == first.previous)).all()
        assert reports and all(r.period_id.startswith("2023-") for r in reports)  # history read from 2024
        for task in carried:  # only milestones not done, all in 2024, each saying where it came from
            left = [m for m in task.previous.milestones if m.done_date is None]
            assert [m.title for m in task.milestones] == [m.title for m in left]
            assert all(m.due_date.year == 2024 and m.done_date is None and "上年度结转" in m.note
                       for m in task.milestones)
        moved = session.scalar(select(Milestone).join(Task).where(Task.plan == new, Milestone.note.contains("2023-11-03")))
        assert moved.due_date == date(2024, 11, 3)  # a postponed milestone keeps its day, in the new year
        indicators = session.scalars(select(Indicator).where(Indicator.plan == new)).all()
        assert len(indicators) == 15 and all(i.target_pending for i in indicators)
        assert AS_OF.get(session) is None  # the demo's 2023 working date no longer judges the ledger


def test_the_old_year_stays_readable_and_its_signed_return_valid(rolled):
    db, signed, *_ = rolled
    with Store(db) as store, store.session() as session:
        ret = latest_return(session, PERIOD)
        assert content_digest(session, DEMO_AS_OF)(ret) == ret.digest  # the date it was signed on
    verified = run("verify", str(signed.xlsx), str(signed.pdf))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    status = run("--db", str(db), "returns", "status", "--period", PERIOD)
    assert "第 1 版 已签发" in status.stdout and "已审核" not in status.stdout
    old_tasks = run("--db", str(db), "--year", "2023", "tasks", "--json")
    assert len(json.loads(old_tasks.stdout)) == 38
    new_tasks = run("--db", str(db), "tasks")
    assert new_tasks.stdout.strip().endswith(f"2024 年度共 {38 - DEMO_FINISHED} 项任务")
    history = run("--db", str(db), "--year", "2024", "returns", "history", "--json")
    assert json.loads(history.stdout) == []
    history = run("--db", str(db), "--year", "2023", "returns", "history", "--json")
    assert [r["period"] for r in json.loads(history.stdout)] == [PERIOD]


def test_year_flag_on_reading_commands_and_one_plain_notice(rolled):
    db, *_ = rolled
    summary = run("--db", str(db), "--year", "2023", "summary")
    assert summary.stdout.startswith("方案：金华市营商环境优化提升“一号改革工程”实施方案（2023年，示例）")
    assert "台账年度：2024、2023" in summary.stdout and "任务：38" in summary.stdout
    notice = [line for line in summary.stderr.splitlines() if line.startswith("注意：")]
    assert len(notice) == 1 and "2023 年度已结束" in notice[0] and "2023-12-31" in notice[0]
    indicators = run("--db", str(db), "--year", "2023", "indicators", "--json")
    assert json.loads(indicators.stdout)["year"] == 2023
    missing = run("--db", str(db), "--year", "2019", "tasks")
    assert missing.returncode == 2 and "没有 2019 年度的方案（已有年度：2024年、2023年）" in missing.stderr
    again = run("--db", str(db), "rollover", "--to", "2024")
    assert again.returncode == 2 and "已有 2024 年度的方案" in again.stderr


def test_a_new_store_on_the_built_in_plan_is_a_sample_dated_in_its_year(tmp_path):
    db = tmp_path / "new.db"
    first = run("--db", str(db), "init")
    assert "台账日期：已设为 2023-10-27" in first.stdout
    tasks = run("--db", str(db), "tasks")
    assert "注意：" not in tasks.stderr and "2023 年度共 38 项任务" in tasks.stdout
    assert "下一节点：2023-03-31" in tasks.stdout  # the sample is judged on 2023-10-27, not today


def test_a_past_year_without_a_working_date_is_judged_as_of_its_last_day(plan_store):
    with plan_store.transaction() as session:
        AS_OF.set(session, None)
    with plan_store.session() as session:
        today = date.today()
        assert as_of_date(session) == (date(2023, 12, 31) if today.year > 2023 else today)
        if today.year > 2023:
            assert year_notice(session).startswith(f"2023 年度已结束（今天是 {today.isoformat()}）")
        assert as_of_date(session, date(2023, 5, 1)) == date(2023, 5, 1)
        assert year_notice(session, date(2024, 2, 1)) == "台账日期 2024-02-01 不在 2023 年度内，各项状态按该日期判断。"


def test_rollover_refuses_without_the_previous_year_and_writes_nothing(plan_store):
    with pytest.raises(LedgerError, match="没有 2029 年度的方案，无法结转到 2030 年"):
        rollover(plan_store, 2030)
    preview = preview_rollover(plan_store, 2024, undated=True)
    assert len(preview.carried) == 38 and not preview.finished
    assert all(due == date(2024, 12, 31) for t in preview.carried for _title, _old, due in t.milestones)
    with plan_store.session() as session:
        assert session.scalars(select(Plan.year)).all() == [2023]


def test_the_citys_plan_for_the_carried_year_is_matched_to_the_carried_tasks(rolled, tmp_path):
    from exchange.plans.plan_export import export_plan
    from models.plan_update import plan_to_data

    db = tmp_path / "ledger.db"
    shutil.copy(rolled[0], db)  # a copy: the other tests read the rolled store as it was
    with Store(db) as store, store.session() as session:
        data = plan_to_data(current_plan(session, 2023))
        carried = {t.number: (t.title, t.leader, t.previous_id) for t in current_plan(session).tasks}
    data |= {"code": "JH-2024", "name": "金华市2024年营商环境优化提升重点任务", "year": 2024}
    tasks = [t for t in data["tasks"] if t["number"] in carried][:5]
    tasks[0]["title"] += "（深化）"  # reworded: still the same task
    for number, task in enumerate(tasks, start=1):  # the city numbers its new list afresh
        task["number"] = number
        for milestone in task["milestones"]:
            milestone["due"] = "2024" + milestone["due"][4:]
    tasks.append(dict(tasks[1], number=6, title="企业诉求“一键直达”闭环办理", milestones=[
        {"seq": 1, "title": "建立诉求闭环机制", "due": "2024-06-30"}]))
    data["tasks"], data["indicators"] = tasks, []
    path = export_plan(data, tmp_path / "city-2024.xlsx")
    first_old = next(n for n, c in carried.items() if c[0] == tasks[0]["title"].removesuffix("（深化）"))

    out = run("--db", str(db), "import-plan", str(path), "--dry-run")
    assert out.returncode == 0, out.stderr
    assert f"对照结转任务：本年度任务 1 {tasks[0]['title']} ← 结转任务 {first_old} " in out.stdout
    assert "（名称相近）" in out.stdout and "新增任务：任务 6 企业诉求“一键直达”闭环办理" in out.stdout
    assert "结转任务未在本年度方案中（将归档，已填内容保留）" in out.stdout
    with Store(db) as store, store.session() as session:  # the dry run renumbered nothing
        assert {t.number: t.title for t in current_plan(session).tasks}[first_old] == carried[first_old][0]

    done = run("--db", str(db), "import-plan", str(path))
    assert done.returncode == 0, done.stderr
    with Store(db) as store, store.session() as session:
        plans = session.scalars(select(Plan).where(Plan.year == 2024)).all()
        assert len(plans) == 1  # the carried year was updated, not doubled
        live = {t.number: t for t in plans[0].tasks if not t.archived}
        assert sorted(live) == [1, 2, 3, 4, 5, 6]
        assert (live[1].title, live[1].leader, live[1].previous_id) == \
            (tasks[0]["title"], carried[first_old][1], carried[first_old][2])
        assert live[6].previous_id is None
        archived = [t for t in plans[0].tasks if t.archived]
        assert len(archived) == 38 - DEMO_FINISHED - 5 and all(t.previous_id for t in archived)
