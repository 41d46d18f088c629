"""Collection from the responsible units on real files and the real store: every demo unit's form
sent, filled with openpyxl, saved again by LibreOffice (one soffice call for the whole folder),
received and found in the exported return; conflicts with what the clerk typed, a locked cell
changed, a foreign ledger's form, a reissued plan, a second file from one unit, a signed period,
undo, the reminders read back with pdftotext, and the commands as the README writes them."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from sqlalchemy import select

from exchange.collection.form_reader import read_form, receive_files, review_files
from exchange.collection.form_writer import (INDICATOR_SHEET, META_SHEET, MILESTONE_SHEET, TASK_SHEET, form_file_name,
                                             send_forms)
from exchange.collection.reminder_pdf import write_notices
from exchange.returns.returns_export import export_return
from exchange.returns.xlsx_return import read_return
from models.collection import (CHANGED, CONFLICT, NEW, REFUSED, REFUSED_FILE, SUPERSEDED, USABLE, UnitFormReceipt,
                               collection_status, undo_answers)
from models.ledger import IndicatorValue, ProgressReport
from models.office import AuditEntry
from models.plan import Milestone, Task
from models.returns import SignedFiles, completeness, explain_gap, mark_signed, review, unexplained
from models.plan_loader import initialise
from models.store import Store
from models.tasks import save_report
from tests.conftest import ROOT

PERIOD, AS_OF = "2023-B22", date(2023, 10, 27)


def fill(path: Path, target: Path, label: str, values: dict[str, object] | None = None) -> dict[str, str]:
    """Answer every input cell of a form as a unit would; return the texts written, by cell."""
    wb = openpyxl.load_workbook(path)
    written: dict[str, str] = {}
    if TASK_SHEET in wb.sheetnames:
        ws = wb[TASK_SHEET]
        for row in range(4, ws.max_row + 1):
            for col, what in ((4, "本期进展"), (5, "存在问题"), (6, "下步计划")):
                text = f"{label}第{ws.cell(row, 1).value}号任务{what}（回收）"
                if col == 5 and row == 4:
                    text = "=部分系统尚未对接"  # must stay text, never become a formula
                cell = ws.cell(row, col)
                cell.value, cell.data_type = text, "s"
                written[f"{TASK_SHEET}!{cell.coordinate}"] = text
    if MILESTONE_SHEET in wb.sheetnames:
        ws = wb[MILESTONE_SHEET]
        ws["F4"], ws["G4"] = "已完成", date(2023, 10, 25)
    if INDICATOR_SHEET in wb.sheetnames and values:
        ws = wb[INDICATOR_SHEET]
        for row in range(4, ws.max_row + 1):
            value = values[ws.cell(row, 1).value]
            ws.cell(row, 8).value = value
    wb.save(target)
    return written


def latest_values(store: Store) -> dict[str, object]:
    """Each indicator's latest value: an answer the history will not flag as an outlier. Half of
    them as text, as a unit typing into a text-formatted cell would leave them."""
    from models.plan import Indicator

    with store.session() as session:
        rows = session.execute(select(Indicator.code, IndicatorValue.value).join(IndicatorValue)
                               .order_by(IndicatorValue.period_id)).all()
    latest = {code: value for code, value in rows}
    return {code: (f"{value:g}" if n % 2 else value) for n, (code, value) in enumerate(sorted(latest.items()))}


def soffice(files_or_folder: list[Path], out: Path) -> None:
    profile = Path("/tmp/lo_i14_tests")
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                    "--convert-to", "xlsx", "--outdir", str(out), *map(str, files_or_folder)],
                   check=True, capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    """The demo's forms for 2023-B22, every one filled and saved again by LibreOffice, received."""
    folder = tmp_path_factory.mktemp("collect")
    with Store(folder / "ledger.db") as store:
        initialise(store, demo=True)
        sent = send_forms(store, PERIOD, folder / "sent", AS_OF)
        values = latest_values(store)
        (folder / "filled").mkdir()
        written = {f.name: fill(f, folder / "filled" / f.name, f.stem.split("_")[0], values) for f in sent.files}
        soffice(sorted((folder / "filled").glob("*.xlsx")), folder / "resaved")
        result, reviews = receive_files(store, [folder / "resaved"], AS_OF)
        yield SimpleNamespace(store=store, folder=folder, sent=sent, written=written, result=result, reviews=reviews)


def test_one_form_per_unit_named_for_unit_and_period(round_trip):
    names = [f.name for f in round_trip.sent.files]
    with round_trip.store.session() as session:
        units = {t.county_unit for t in session.scalars(select(Task))}
    assert sorted(names) == sorted(form_file_name(u, PERIOD) for u in units)
    assert "区政管办(放管服办)_2023-B22.xlsx" in names and len(names) == 17


def test_a_form_holds_only_its_units_tasks_locked_but_for_the_input_cells(round_trip):
    wb = openpyxl.load_workbook(round_trip.folder / "sent" / "区市场监管局_2023-B22.xlsx")
    assert wb.sheetnames == ["填报说明", TASK_SHEET, MILESTONE_SHEET, INDICATOR_SHEET, META_SHEET]
    assert wb[META_SHEET].sheet_state == "hidden"
    tasks = wb[TASK_SHEET]
    numbers = [tasks.cell(r, 1).value for r in range(4, tasks.max_row + 1)]
    with round_trip.store.session() as session:
        assert numbers == [str(t.number) for t in session.scalars(
            select(Task).where(Task.county_unit == "区市场监管局").order_by(Task.number))]
    for ws in (tasks, wb[INDICATOR_SHEET]):
        assert ws.protection.sheet and not ws.protection.password
    assert tasks["B4"].protection.locked and not tasks["D4"].protection.locked
    assert int(tasks.page_setup.paperSize) == 9 and tasks.page_setup.fitToWidth == 1  # 9: A4
    # The starting text is the last 下步计划 when the period has no report yet, else the report.
    assert tasks["D4"].value
    indicators = wb[INDICATOR_SHEET]
    assert [indicators.cell(4, c).value for c in (1, 3, 5)] == ["JH23-02", "天", "0.0～30.0天"]
    prompts = {str(dv.sqref): dv.prompt for dv in indicators.data_validations.dataValidation}
    assert "允许范围：0.0～30.0天" in prompts["H4"]
    lists = [dv for dv in wb[MILESTONE_SHEET].data_validations.dataValidation if dv.type == "list"]
    assert lists and lists[0].formula1 == '"已完成,未完成"'


def test_every_unit_answer_reaches_the_ledger_and_the_exported_return(round_trip):
    assert all(r.state == USABLE for r in round_trip.reviews), [(r.name, r.message) for r in round_trip.reviews]
    out = export_return(round_trip.store, PERIOD, round_trip.folder / "return", AS_OF)
    back = read_return(out.xlsx)
    by_number = {t.number: t for t in back.tasks}
    for name, written in round_trip.written.items():
        unit = name.split("_")[0]
        for where, text in written.items():
            column = where.split("!")[1][0]
            number = int(text.split("第")[1].split("号")[0]) if "号任务" in text else None
            if number is not None:
                field = {"D": "progress", "E": "problems", "F": "next_steps"}[column]
                assert getattr(by_number[number], field) == text, (unit, where)
    formula_like = [t for t in back.tasks if t.problems == "=部分系统尚未对接"]
    assert len(formula_like) == len(round_trip.sent.files)
    with round_trip.store.session() as session:
        assert not [g for g in completeness(session, PERIOD) if g.kind == "进展"]


def test_milestones_and_values_received_as_typed(round_trip):
    with round_trip.store.session() as session:
        done = session.scalars(select(Milestone).where(Milestone.done_date == date(2023, 10, 25))).all()
        assert len(done) >= 10
        value = session.scalar(select(IndicatorValue).where(IndicatorValue.period_id == "2023-M10"))
        assert value is not None and value.source


def test_the_audit_log_names_the_units_file(round_trip):
    with round_trip.store.session() as session:
        reasons = set(session.scalars(select(AuditEntry.reason).where(AuditEntry.entity == "progress_report",
                                                                        AuditEntry.reason != "")))
    assert "回收填报表 区税务局_2023-B22.xlsx（区税务局）" in reasons
    assert len(reasons) == len(round_trip.sent.files)


def test_status_after_the_round_trip(round_trip):
    with round_trip.store.session() as session:
        statuses = collection_status(session, PERIOD, AS_OF)
    assert {s.state for s in statuses} == {"已报送"}
    assert all(s.changes for s in statuses)


def test_a_wrong_sheet_dimension_still_reads(round_trip, tmp_path):
    """WPS may declare A1 as a sheet's whole extent: the reader resets it and reads everything."""
    source = round_trip.folder / "resaved" / "区商务局_2023-B22.xlsx"
    target = tmp_path / "wps.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', data)
            zout.writestr(item, data)
    assert read_form(target).cells == read_form(source).cells


# ---- refusals and conflicts, on forms filled with openpyxl --------------------------------------

@pytest.fixture
def sent(demo_store, tmp_path):
    result = send_forms(demo_store, PERIOD, tmp_path / "sent", AS_OF)
    return SimpleNamespace(store=demo_store, files={f.name.split("_")[0]: f for f in result.files}, folder=tmp_path)


def answer(sent, unit: str, edit, name: str | None = None) -> Path:
    wb = openpyxl.load_workbook(sent.files[unit])
    edit(wb)
    target = sent.folder / "back" / (name or sent.files[unit].name)
    target.parent.mkdir(exist_ok=True)
    wb.save(target)
    return target


def set_cell(sheet: str, where: str, value):
    def edit(wb):
        wb[sheet][where] = value
    return edit


def task_of(store: Store, unit: str) -> Task:
    with store.session() as session:
        return session.scalars(select(Task).where(Task.county_unit == unit).order_by(Task.number)).first()


def test_an_answer_conflicting_with_what_the_clerk_typed_keeps_the_clerks(sent):
    task = task_of(sent.store, "区税务局")
    with sent.store.transaction() as session:  # typed by the clerk after the form went out
        save_report(session, task.id, PERIOD, "办公室已录入的进展")
    path = answer(sent, "区税务局", set_cell(TASK_SHEET, "D4", "单位填报的进展"))
    _received, (review,) = review_files(sent.store, [path], AS_OF)
    (conflict,) = [a for a in review.answers if a.where == f"{TASK_SHEET}!D4"]
    assert (conflict.state, conflict.ledger, conflict.answer) == (CONFLICT, "办公室已录入的进展", "单位填报的进展")
    receive_files(sent.store, [path], AS_OF)
    with sent.store.session() as session:
        assert session.scalar(select(ProgressReport.progress).where(ProgressReport.task_id == task.id,
                                                                    ProgressReport.period_id == PERIOD)) == "办公室已录入的进展"
    receive_files(sent.store, [path], AS_OF, take_conflicts=True)
    with sent.store.session() as session:
        assert session.scalar(select(ProgressReport.progress).where(ProgressReport.task_id == task.id,
                                                                    ProgressReport.period_id == PERIOD)) == "单位填报的进展"


def test_new_and_changed_answers_are_told_apart(sent):
    path = answer(sent, "区税务局", lambda wb: (set_cell(TASK_SHEET, "D4", "新的进展")(wb),
                                              set_cell(TASK_SHEET, "E4", "新的问题")(wb)))
    _received, (review,) = review_files(sent.store, [path], AS_OF)
    states = {a.where: a.state for a in review.answers}
    task = task_of(sent.store, "区税务局")
    with sent.store.session() as session:
        report = session.scalar(select(ProgressReport).where(ProgressReport.task_id == task.id,
                                                             ProgressReport.period_id == PERIOD))
    assert states[f"{TASK_SHEET}!D4"] == (CHANGED if report and report.progress else NEW)


def test_a_changed_locked_cell_is_named_with_its_old_and_new_text(sent):
    task = task_of(sent.store, "区税务局")
    path = answer(sent, "区税务局", set_cell(TASK_SHEET, "B4", "改过的任务名称"))
    _received, (review,) = review_files(sent.store, [path], AS_OF)
    assert review.state == REFUSED_FILE
    assert f"{TASK_SHEET}!B4：原为“{task.title}”，现为“改过的任务名称”" in review.message


def test_a_form_of_another_ledger_is_refused(sent, tmp_path):
    with Store(tmp_path / "other.db") as other:
        initialise(other, demo=True)
        foreign = send_forms(other, PERIOD, tmp_path / "foreign", AS_OF).files[0]
    _received, (review,) = review_files(sent.store, [foreign], AS_OF)
    assert review.state == REFUSED_FILE and "另一个台账" in review.message


def test_a_form_of_a_reissued_plan_says_what_changed(sent):
    task = task_of(sent.store, "区税务局")
    with sent.store.transaction() as session:
        session.get(Task, task.id).title = "税费服务再升级"
    path = answer(sent, "区税务局", set_cell(TASK_SHEET, "D4", "进展"))
    _received, (review,) = review_files(sent.store, [path], AS_OF)
    assert review.state == REFUSED_FILE and "方案" in review.message
    assert f"任务 {task.number}：原为“{task.title}”，现为“税费服务再升级”" in review.message


def test_a_unit_sending_twice_the_later_file_wins(sent):
    first = answer(sent, "区税务局", set_cell(TASK_SHEET, "D4", "第一次"), "税务局第一次.xlsx")
    time.sleep(1.1)  # a workbook's saved time counts whole seconds
    later = answer(sent, "区税务局", set_cell(TASK_SHEET, "D4", "第二次"), "税务局_改.xlsx")
    _received, reviews = review_files(sent.store, [first, later], AS_OF)
    states = {r.name: r.state for r in reviews}
    assert states == {"税务局第一次.xlsx": SUPERSEDED, "税务局_改.xlsx": USABLE}
    assert "税务局_改.xlsx" in next(r.message for r in reviews if r.state == SUPERSEDED)
    receive_files(sent.store, [later], AS_OF)
    _received, (again,) = review_files(sent.store, [first], AS_OF)  # the earlier one, arriving afterwards
    assert again.state == SUPERSEDED and "税务局_改.xlsx" in again.message


def test_a_signed_period_takes_no_forms(sent):
    path = answer(sent, "区税务局", set_cell(TASK_SHEET, "D4", "进展"))
    with sent.store.transaction() as session:
        for gap in unexplained(completeness(session, PERIOD)):
            explain_gap(session, gap, "数据延后报送")
        review(session, PERIOD, "李晓东", lambda _return: "0" * 64)
        mark_signed(session, PERIOD, "王建华", SignedFiles("0" * 64, "x.xlsx", "0" * 64, "x.pdf", "0" * 64))
    _received, (checked,) = review_files(sent.store, [path], AS_OF)
    assert checked.state == REFUSED_FILE and "已签发" in checked.message


def test_answers_pass_the_rules_of_typing(sent):
    def edit(wb):
        wb[MILESTONE_SHEET]["F4"] = "已完成"  # without a date
        wb[INDICATOR_SHEET]["H4"] = "45"  # 企业开办办结时间: allowed up to 30 days
        wb[TASK_SHEET]["D4"] = "长" * 2001
    path = answer(sent, "区市场监管局", edit)
    _received, (review,) = review_files(sent.store, [path], AS_OF)
    errors = {a.where: a.error for a in review.answers if a.state == REFUSED}
    assert "最多 2000 个字" in errors[f"{TASK_SHEET}!D4"]
    assert "没有填写完成日期" in errors[f"{MILESTONE_SHEET}!G4"]
    assert "大于允许的最大值" in errors[f"{INDICATOR_SHEET}!H4"]
    result, _reviews = receive_files(sent.store, [path], AS_OF)
    assert result.written == 0


def test_accepting_is_undone_as_one_step(sent):
    task = task_of(sent.store, "区税务局")
    with sent.store.session() as session:
        before = session.scalar(select(ProgressReport.progress).where(ProgressReport.task_id == task.id,
                                                                      ProgressReport.period_id == PERIOD))
    path = answer(sent, "区税务局", set_cell(TASK_SHEET, "D4", "要撤销的进展"))
    result, _reviews = receive_files(sent.store, [path], AS_OF)
    undo_answers(sent.store, result.undo)
    with sent.store.session() as session:
        assert session.scalar(select(ProgressReport.progress).where(ProgressReport.task_id == task.id,
                                                                    ProgressReport.period_id == PERIOD)) == before
        assert session.scalar(select(UnitFormReceipt.id)) is None


def test_status_and_reminders_of_late_units(sent, tmp_path):
    path = answer(sent, "区税务局", set_cell(TASK_SHEET, "D4", "按时报送的进展"))
    receive_files(sent.store, [path], AS_OF)
    late_day = date(2023, 11, 6)
    with sent.store.session() as session:
        statuses = {s.unit: s for s in collection_status(session, PERIOD, late_day)}
    assert statuses["区税务局"].state == "已报送" and not statuses["区税务局"].late
    assert statuses["区发改委"].state == "逾期未报" and statuses["区发改委"].late
    files = write_notices(sent.store, PERIOD, tmp_path / "notices", late_day)
    assert tmp_path / "notices" / "提示单_区发改委_2023-B22.pdf" in files
    assert tmp_path / "notices" / "提示单_区税务局_2023-B22.pdf" not in files or statuses["区税务局"].lagging
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "notices" / "提示单_区发改委_2023-B22.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert "提示单" in flat and "区发改委：" in flat and "2023年11月04日前报送" in flat and "尚未收到" in flat
    lagging = statuses["区发改委"].lagging
    assert lagging and all(t.title in flat for t in lagging)


def test_the_commands_as_the_readme_writes_them(tmp_path):
    db = tmp_path / "cli.db"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), *args],
                              capture_output=True, text=True, cwd=tmp_path)

    assert run("init", "--demo").returncode == 0
    sent = run("collect", "send", "--period", PERIOD, "--out", "forms", "--due", "2023-11-03")
    assert sent.returncode == 0 and "已生成 17 份填报表，报送截止 2023-11-03" in sent.stdout
    form = tmp_path / "forms" / "区税务局_2023-B22.xlsx"
    wb = openpyxl.load_workbook(form)
    wb[TASK_SHEET]["D4"] = "命令行回收的进展"
    wb.save(tmp_path / "back.xlsx")
    dry = run("collect", "receive", "back.xlsx", "--dry-run", "--json")
    data = json.loads(dry.stdout)
    assert data["dry_run"] and data["written"] == 0
    assert [a["answer"] for a in data["files"][0]["answers"]] == ["命令行回收的进展"]
    done = run("collect", "receive", "back.xlsx", str(tmp_path / "forms" / "区发改委_2023-B22.xlsx"))
    assert done.returncode == 0 and "已写入 1 项" in done.stdout
    status = json.loads(run("--as-of", "2023-11-06", "collect", "status", "--period", PERIOD, "--json").stdout)
    states = {u["unit"]: u["state"] for u in status["units"]}
    assert states["区税务局"] == "已报送" and states["区发改委"] == "逾期未报"
    bad = run("collect", "receive", str(ROOT / "README.md"))
    assert bad.returncode == 0 and "不是 Excel 工作簿" in bad.stdout
    missing = run("collect", "send", "--period", "2023-B99", "--out", "x")
    assert missing.returncode == 2 and "错误：" in missing.stderr
