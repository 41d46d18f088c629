"""The command line, run as a user runs it: a real process, real files, exit codes, stderr."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)


def test_init_demo_then_summary_json(tmp_path):
    db = str(tmp_path / "x.db")
    first = run("--db", db, "init", "--demo")
    assert first.returncode == 0, first.stderr
    assert "已载入" in first.stdout
    result = run("--db", db, "summary", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["tasks"] == 38 and data["areas"] == 5
    assert data["progress_reports"] > 0 and data["indicator_values"] > 0
    assert data["as_of"] == "2023-10-27"  # the demo works inside the plan's year
    assert data["current_period"]["id"] == "2023-B22"
    assert len(data["tasks_per_area"]) == 5


def test_init_twice_changes_nothing(tmp_path):
    db = str(tmp_path / "x.db")
    assert run("--db", db, "init").returncode == 0
    before = run("--db", db, "summary", "--json").stdout
    again = run("--db", db, "init")
    assert again.returncode == 0 and "已存在，未改动" in again.stdout
    assert run("--db", db, "summary", "--json").stdout == before


def test_ledger_db_environment_variable_and_as_of(tmp_path):
    import os

    env = dict(os.environ, LEDGER_DB=str(tmp_path / "env.db"))
    assert run("init", env=env).returncode == 0
    assert (tmp_path / "env.db").exists()
    data = json.loads(run("--as-of", "2023-03-31", "summary", "--json", env=env).stdout)
    assert data["current_period"]["id"] == "2023-B07" and data["as_of"] == "2023-03-31"


def test_periods_listing():
    result = run("periods", "--year", "2024", "--type", "biweekly", "--json")
    assert result.returncode == 0
    spans = json.loads(result.stdout)
    assert len(spans) == 26 and spans[2]["label"] == "2024年第3期（1月29日—2月11日）"
    assert run("periods", "--year", "2023", "--type", "quarterly").stdout.count("\n") == 4


@pytest.mark.parametrize("args,needle", [
    (["periods"], "缺少必需的参数"),
    (["periods", "--year", "2023", "--type", "weekly"], "无效的选项"),
    (["--as-of", "2023-13-01", "summary"], "不是有效日期"),
    (["frobnicate"], "无效的选项"),
    (["periods", "--year", "99999"], "超出范围"),
])
def test_bad_arguments_exit_2_with_a_chinese_message(args, needle):
    result = run(*args)
    assert result.returncode == 2
    assert needle in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_that_is_not_a_ledger_is_refused(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database at all" * 100)
    result = run("--db", str(bad), "summary")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "错误" in result.stderr
    assert bad.read_bytes() == b"this is not a database at all" * 100


def test_commands_import_no_qt(tmp_path):
    code = ("import sys, main; main.main(['--db', sys.argv[1], 'init']); "
            "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "q.db")], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# ---- the task ledger ----

@pytest.fixture
def demo_db(tmp_path) -> str:
    db = str(tmp_path / "demo.db")
    assert run("--db", db, "init", "--demo").returncode == 0
    return db


def test_tasks_lists_derived_status(demo_db):
    result = run("--db", demo_db, "tasks", "--status", "lagging", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 5 and {r["status_label"] for r in rows} == {"滞后"}
    plain = run("--db", demo_db, "tasks")
    assert plain.returncode == 0 and "共 38 项任务" in plain.stdout


def test_report_and_milestone_done_write_the_store(demo_db):
    result = run("--db", demo_db, "report", "--task", "3", "--period", "2023-b22", "--progress", "已召开推进会",
                 "--next", "出台细则")
    assert result.returncode == 0, result.stderr
    done = run("--db", demo_db, "milestone-done", "--task", "3", "--milestone", "4", "--date", "2023-10-26")
    assert done.returncode == 0, done.stderr
    rows = {r["number"]: r for r in json.loads(run("--db", demo_db, "tasks", "--json").stdout)}
    assert rows[3]["milestones"][3]["done"] == "2023-10-26"


@pytest.mark.parametrize("args, words", [
    (("report", "--task", "99", "--period", "2023-B22", "--progress", "x"), "没有第 99 号任务"),
    (("report", "--task", "3", "--period", "2023-X1", "--progress", "x"), "期次编号“2023-X1”无法识别"),
    (("report", "--task", "3", "--period", "2023-B22"), "缺少必需的参数"),
    (("milestone-done", "--task", "3", "--milestone", "9", "--date", "2023-10-01"), "没有第 9 个节点举措"),
    (("milestone-done", "--task", "3", "--milestone", "1", "--date", "2022-10-01"), "早于方案开始日期"),
    (("milestone-done", "--task", "3", "--milestone", "1", "--date", "10/01"), "不是有效日期"),
    (("tasks", "--status", "late"), "无效的选项"),
])
def test_task_commands_refuse_bad_input(demo_db, args, words):
    result = run("--db", demo_db, *args)
    assert result.returncode == 2 and words in result.stderr
