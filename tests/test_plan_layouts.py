"""Plan workbooks laid out by hand as cities send them, each read to the same tasks, measures and
indicators: rows repeating a task's title (序号 per row or per task, titles merged down or
repeated with other spacing and punctuation), area headings with 〔lead unit〕, two-row headers,
a notes sheet, and the deadline words people write. Then warnings against errors."""
from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from sqlalchemy import select

from exchange.plans.deadlines import read_deadline
from exchange.plans.plan_import import PlanImportError, find_layout, import_plan_workbook, read_plan, table_rows
from models.plan import Indicator, Milestone, Plan, Task

ROOT = Path(__file__).resolve().parent.parent
GOV, MARKET = "政务环境", "市场环境"
GOV_HEADING = "打造便捷高效的政务环境"
GOV_LEAD = "市政管办（放管服办）"
QUARTERS = [("开展政策兑现督查（一季度）", "2024-03-31", False), ("开展政策兑现督查（二季度）", "2024-06-30", False),
            ("开展政策兑现督查（三季度）", "2024-09-30", False), ("开展政策兑现督查（四季度）", "2024-12-31", False)]
EXPECTED_TASKS = [
    (1, GOV, "投资项目审批服务提速增效", GOV_LEAD, ["市发改委", "市资规局"],
     [("制定改革方案", "2024-03-31", False), ("全流程审批压缩至80天", "2024-12-20", False)]),
    (2, GOV, "惠企政策直达快享", "市经信局", ["市财政局"], QUARTERS),
    (3, MARKET, "企业开办便利化", "市市场监管局", ["市税务局"],
     [("实现一日办结", "2024-06-30", False), ("开展满意度回访", "2024-09-30", False)]),
    (4, MARKET, "信用修复", "市发改委", ["市市场监管局"], [("建立信用修复机制", "2024-12-31", True)]),
]
EXPECTED_INDICATORS = [
    ("一般企业投资项目审批时间", 1, "天", "<=", 80.0),
    ("中介服务网上办理率", 1, "%", ">=", 95.0),
    ("政策兑现率", 2, "%", ">=", 98.0),
    ("新设市场主体", 3, "万户", ">=", 3.29),
    ("企业满意度", 3, "", ">=", None),  # “明显提升”: kept as text, with a warning
]
TITLE = "金华市2024年营商环境优化提升重点任务清单"


def summary(data: dict) -> tuple[list, list]:
    areas = {a["code"]: a["name"] for a in data["areas"]}
    tasks = [(t["number"], areas[t["area"]], t["title"], t["lead_unit"], t["responsible_units"],
              [(m["title"], m["due"], m.get("continuing", False)) for m in t["milestones"]]) for t in data["tasks"]]
    indicators = [(i["name"], i["task"], i["unit"], i["comparison"],
                   None if i["target"] is None else pytest.approx(i["target"])) for i in data["indicators"]]
    return tasks, indicators


def _book(notes_first: bool = False) -> tuple[Workbook, object]:
    book = Workbook()
    if notes_first:
        book.active.title = "填报说明"
        book.active.append(["填报说明：列第一位的为牵头单位。"])
        return book, book.create_sheet("任务清单")
    book.active.title = "任务清单"
    return book, book.active


def _add_notes_sheet(book: Workbook) -> None:
    notes = book.create_sheet("备注")
    notes.append(["序号", "说明"])
    notes.append([1, "完成时限为最迟完成时间，长期坚持的按年底考核。"])


def layout_row_per_indicator(path: Path) -> Path:
    """序号 numbers rows; the title, area and units repeated on every row; a notes sheet after."""
    book, ws = _book()
    ws.append([TITLE])
    ws.append(["序号", "领域", "重点任务", "具体举措", "完成时限", "量化指标", "目标值", "单位", "牵头单位", "责任单位"])
    rows = [
        ["1", GOV, "投资项目审批服务提速增效", "制定改革方案", "一季度末", "一般企业投资项目审批时间", "≤80", "天",
         GOV_LEAD, "市发改委、市资规局"],
        ["2", GOV, "投资项目审批服务提速增效 ", "全流程审批压缩至80天", "12月中旬", "中介服务网上办理率", "≥95%", None,
         GOV_LEAD, "市发改委、市资规局"],
        ["3", GOV, "惠企政策直达快享", "开展政策兑现督查", "每季度", "政策兑现率", "不低于98%", None, "市经信局", "市财政局"],
        ["4", MARKET, "企业开办便利化", "实现一日办结", "上半年", "新设市场主体", "3.29万", "万户", "市市场监管局", "市税务局"],
        ["5", MARKET, "企业开办便利化。", "开展满意度回访", "三季度末", "企业满意度", "明显提升", None, "市市场监管局",
         "市税务局"],
        ["6", MARKET, "信用修复", "建立信用修复机制", "长期坚持", None, None, None, None, "市发改委、市市场监管局"],
    ]
    for row in rows:
        ws.append(row)
    _add_notes_sheet(book)
    book.save(path)
    return path


def layout_area_headings_with_lead(path: Path) -> Path:
    """Headings 一、政务环境 and （一）…〔lead unit〕 inside the table; 序号 per task, restarting per
    area; one 责任单位 column whose first unit leads; units on separate lines or after ；."""
    book, ws = _book()
    ws.append([TITLE])
    ws.append(["序号", "重点任务", "主要举措", "完成时间", "考核指标", "年度目标", "责任单位"])
    ws.append(["一、政务环境"])
    ws.merge_cells(f"A{ws.max_row}:G{ws.max_row}")
    ws.append([f"（一）{GOV_HEADING}〔{GOV_LEAD}〕"])
    ws.merge_cells(f"A{ws.max_row}:G{ws.max_row}")
    ws.append(["1", "投资项目审批服务提速增效", "1.制定改革方案\n2.全流程审批压缩至80天", "2024年3月底\n2024年12月中旬",
               "一般企业投资项目审批时间", "80天以内", f"{GOV_LEAD}\n市发改委\n市资规局"])
    ws.append([None, "投资项目审批服务提速增效", None, None, "中介服务网上办理率", "95%以上", None])
    ws.append(["2", "惠企政策直达快享", "开展政策兑现督查", "按季度", "政策兑现率", "≥98%", "市经信局；市财政局"])
    ws.append(["二、市场环境"])
    ws.append(["1", "企业开办便利化", "实现一日办结", "2024年上半年", "新设市场主体", "3.29万户", "市市场监管局/市税务局"])
    ws.append([None, "企业开办便利化", "开展满意度回访", "第三季度", "企业满意度", "明显提升", None])
    ws.append(["2", "信用修复", "建立信用修复机制", "持续推进", None, None, "市发改委，市市场监管局"])
    book.save(path)
    return path


def layout_merged_titles_two_row_header(path: Path) -> Path:
    """A two-row header (groups merged across), titles, 序号 and units merged down their rows, an
    area column merged down with the areas' full titles."""
    book, ws = _book()
    ws.append(["附件"])
    ws.append([TITLE])
    ws.append(["序号", "领域", "改革任务", "推进节点", None, "量化指标", None, None, "责任单位", None])
    ws.append([None, None, None, "节点举措", "时间节点", "名称", "目标", "单位", "牵头单位", "责任单位"])
    for cells in ("A3:A4", "B3:B4", "C3:C4", "D3:E3", "F3:H3", "I3:J3"):
        ws.merge_cells(cells)
    rows = [
        [1, GOV_HEADING, "投资项目审批服务提速增效", "制定改革方案", date(2024, 3, 31), "一般企业投资项目审批时间", "≤80",
         "天", GOV_LEAD, "市发改委、市资规局"],
        [None, None, None, "全流程审批压缩至80天", "12月中旬", "中介服务网上办理率", "95", "%", None, None],
        [2, None, "惠企政策直达快享", "开展政策兑现督查", "每季度", "政策兑现率", "98", "%", "市经信局", "市财政局"],
        [3, "打造公平有序的市场环境", "企业开办便利化", "实现一日办结", "6月底前", "新设市场主体", "3.29", "万户",
         "市市场监管局", "市税务局"],
        [None, None, None, "开展满意度回访", "9月30日前", "企业满意度", "明显提升", None, None, None],
        [4, None, "信用修复", "建立信用修复机制", "常态化", None, None, None, "市发改委", "市市场监管局"],
    ]
    for row in rows:
        ws.append(row)
    for cells in ("A5:A6", "C5:C6", "I5:I6", "J5:J6", "B5:B7", "A8:A9", "C8:C9", "I8:I9", "J8:J9", "B8:B10"):
        ws.merge_cells(cells)
    book.save(path)
    return path


def layout_notes_sheet_first_full_width(path: Path) -> Path:
    """A notes sheet before the table; title and note rows; the title repeated with full-width
    forms and spaces; numbers written １、; an area heading with its lead unit in 【】."""
    book, ws = _book(notes_first=True)
    ws.append([TITLE])
    ws.append(["填报单位：            （盖章）"])
    ws.append(["任务序号", "工作任务", "工作举措", "完成时限", "指标名称", "指标值", "计量单位", "牵头部门", "责任部门"])
    ws.append([f"一、{GOV_HEADING}【{GOV_LEAD}】"])
    ws.append(["１、", "投资项目审批服务提速增效", "制定改革方案", "2024-03-31", "一般企业投资项目审批时间", "≤８０",
               "天", GOV_LEAD, "市发改委，市资规局"])
    ws.append(["１、", "投资项目审批服务 提速增效", "全流程审批压缩至80天", "2024年12月中旬", "中介服务网上办理率", "≥95",
               "%", GOV_LEAD, "市发改委，市资规局"])
    ws.append(["２、", "惠企政策直达快享", "开展政策兑现督查", "每季度末", "政策兑现率", "≥98", "%", "市经信局", "市财政局"])
    ws.append(["二、打造公平有序的市场环境"])
    ws.append(["３、", "企业开办便利化", "实现一日办结", "2024年6月底", "新设市场主体", "3.29万", "万户", "市市场监管局",
               "市税务局"])
    ws.append(["３、", "企业开办便利化", "开展满意度回访", "三季度末", "企业满意度", "明显提升", None, "市市场监管局",
               "市税务局"])
    ws.append(["４、", "信用修复", "建立信用修复机制", "长期坚持", None, None, None, "市发改委", "市市场监管局"])
    ws.append([])
    ws.append(["注：列第一位的为牵头单位。"])
    book.save(path)
    return path


def layout_measures_as_rows_no_numbers(path: Path) -> Path:
    """No 序号 column: one row per measure and one per indicator, the title repeated each time
    (once with （一） numbering before it), areas from an area column."""
    book, ws = _book()
    ws.append([TITLE])
    ws.append(["领域", "重点任务", "具体举措", "完成时限", "量化指标", "目标值", "单位", "牵头单位", "责任单位"])
    rows = [
        [GOV, "（一）投资项目审批服务提速增效", "制定改革方案", "3月底前", None, None, None, GOV_LEAD, "市发改委、市资规局"],
        [GOV, "投资项目审批服务提速增效", "全流程审批压缩至80天", "12月中旬", None, None, None, None, None],
        [GOV, "投资项目审批服务提速增效", None, None, "一般企业投资项目审批时间", "≤80天", None, None, None],
        [GOV, "投资项目审批服务提速增效", None, None, "中介服务网上办理率", "≥95%", None, None, None],
        [GOV, "（二）惠企政策直达快享", "开展政策兑现督查", "每季度", "政策兑现率", "98%", None, "市经信局", "市财政局"],
        [MARKET, "（一）企业开办便利化", "实现一日办结", "上半年", "新设市场主体", "3.29万户", None, "市市场监管局",
         "市税务局"],
        [MARKET, "企业开办便利化", "开展满意度回访", "三季度末", "企业满意度", "明显提升", None, None, None],
        [MARKET, "（二）信用修复", "建立信用修复机制", "长期坚持", None, None, None, "市发改委", "市市场监管局"],
    ]
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


LAYOUTS = [layout_row_per_indicator, layout_area_headings_with_lead, layout_merged_titles_two_row_header,
           layout_notes_sheet_first_full_width, layout_measures_as_rows_no_numbers]


@pytest.mark.parametrize("build", LAYOUTS)
def test_each_layout_reads_to_the_same_tasks_measures_and_indicators(tmp_path, build):
    data = read_plan(build(tmp_path / "plan.xlsx"))
    tasks, indicators = summary(data)
    assert data["year"] == 2024
    assert tasks == EXPECTED_TASKS
    assert indicators == EXPECTED_INDICATORS
    assert [a["name"] for a in data["areas"]] == [GOV, MARKET]
    target_warnings = [w for w in data["warnings"] if "企业满意度" in w.text]
    assert len(target_warnings) == 1 and "明显提升" in target_warnings[0].text
    assert all("年底" not in w.text for w in data["warnings"])  # every deadline was read


@pytest.mark.parametrize("build", [layout_area_headings_with_lead, layout_notes_sheet_first_full_width])
def test_an_area_heading_gives_the_area_its_lead_unit(tmp_path, build):
    data = read_plan(build(tmp_path / "plan.xlsx"))
    gov = data["areas"][0]
    assert (gov["name"], gov["title"], gov["lead_unit"]) == (GOV, GOV_HEADING, GOV_LEAD)


@pytest.mark.parametrize("text, due, count, continuing", [
    ("每季度", "2024-12-31", 4, False), ("每月", "2024-12-31", 12, False), ("每半年", "2024-12-31", 2, False),
    ("上半年", "2024-06-30", 1, False), ("三季度末", "2024-09-30", 1, False), ("12月中旬", "2024-12-20", 1, False),
    ("年底前", "2024-12-31", 1, False), ("2024年全年", "2024-12-31", 1, False), ("6月30日前", "2024-06-30", 1, False),
    ("长期坚持", "2024-12-31", 1, True), ("持续推进", "2024-12-31", 1, True), ("常态化", "2024-12-31", 1, True),
    ("2024.9.30", "2024-09-30", 1, False), ("3月—6月", "2024-06-30", 1, False), ("10月上旬", "2024-10-10", 1, False),
])
def test_deadline_words_are_read_in_the_plans_year(text, due, count, continuing):
    deadline = read_deadline(text, 2024)
    assert (deadline.last.isoformat(), len(deadline.dues), deadline.continuing, deadline.doubt) == \
        (due, count, continuing, "")


def test_a_doubtful_cell_is_a_warning_by_sheet_row_and_column_and_the_import_goes_on(tmp_path, store):
    path = layout_row_per_indicator(tmp_path / "plan.xlsx")
    book_rows = _edit(path, {(4, 4): "视情况而定", (8, 9): None})  # E4: deadline; I8..J8: no unit at all
    data, diff = import_plan_workbook(store, book_rows)
    notes = [str(w) for w in data["warnings"]]
    assert "工作表“任务清单”第 4 行 E 列（完成时限）：完成时限“视情况而定”无法识别，按年底（2024-12-31）计；" \
           "可写 2024-06-30、6月底前、三季度末、每季度、年底前、长期坚持。" in notes
    assert any(n.startswith("工作表“任务清单”第 8 行 I 列（牵头单位）：任务“信用修复”没有牵头单位或责任单位") for n in notes)
    assert any("第 7 行 G 列（目标值）" in n and "明显提升" in n for n in notes)
    assert diff.new_plan
    with store.session() as session:  # imported despite the warnings
        plan = session.scalar(select(Plan))
        assert (plan.year, len(plan.tasks)) == (2024, 4)
        assert session.scalar(select(Milestone).where(Milestone.title == "建立信用修复机制")).continuing


def test_strict_refuses_warnings_and_only_meaningless_rows_are_errors(tmp_path, store):
    path = layout_row_per_indicator(tmp_path / "plan.xlsx")
    with pytest.raises(PlanImportError, match="存疑") as info:
        import_plan_workbook(store, path, strict=True)
    assert any("企业满意度" in p for p in info.value.problems)
    orphan = _edit(path, {(3, 3): None, (3, 2): None, (3, 1): None, (3, 0): None})  # the first row has no title
    with pytest.raises(PlanImportError) as info:
        import_plan_workbook(store, orphan)
    assert info.value.problems == ["工作表“任务清单”第 3 行 C 列（任务）：这一行没有任务名称，也不接续上面的任务。"]
    nothing = tmp_path / "notes.xlsx"
    book = Workbook()
    book.active.append(["这里只有说明文字。"])
    book.save(nothing)
    with pytest.raises(PlanImportError, match="找不到任务清单的表头"):
        import_plan_workbook(store, nothing)
    with store.session() as session:
        assert session.scalar(select(Plan)) is None


def test_a_value_corrected_in_the_preview_is_what_is_imported(tmp_path, store):
    path = _edit(layout_row_per_indicator(tmp_path / "plan.xlsx"), {(4, 4): "视情况而定"})
    layout = find_layout(path)
    rows = dict(table_rows(layout))
    assert rows[4][4] == "视情况而定"
    data, _diff = import_plan_workbook(store, path, layout, overrides={(4, 4): "11月底前", (7, 6): "≥90%"})
    assert not data["warnings"]
    with store.session() as session:
        task = session.scalar(select(Task).where(Task.number == 1))
        assert [m.due_date for m in task.milestones] == [date(2024, 3, 31), date(2024, 11, 30)]


def test_import_plan_prints_warnings_and_imports_unless_strict(tmp_path):
    path = layout_area_headings_with_lead(tmp_path / "plan.xlsx")
    db = tmp_path / "ledger.db"
    assert _run("--db", str(db), "init").returncode == 0  # only init makes a store
    strict = _run("--db", str(db), "import-plan", str(path), "--strict")
    assert strict.returncode == 2 and "存疑" in strict.stderr and "企业满意度" in strict.stderr
    done = _run("--db", str(db), "import-plan", str(path))
    assert done.returncode == 0, done.stderr
    assert "4 项任务、5 个指标" in done.stdout
    assert "警告：工作表“任务清单”第 10 行 F 列（目标值）" in done.stdout
    assert "已导入" in done.stdout


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen", "HOME": "/tmp"})


def _edit(path: Path, cells: dict[tuple[int, int], object]) -> Path:
    """A copy of the workbook with some cells (sheet row, 0-based column) changed."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    ws = book["任务清单"]
    for (row, column), value in cells.items():
        ws.cell(row=row, column=column + 1).value = value
    out = path.with_name(path.stem + "-edited.xlsx")
    book.save(out)
    return out


def test_the_import_dialog_shows_warnings_and_imports_a_value_corrected_in_the_preview(qtbot, store, tmp_path):
    from ui.context import AppContext
    from ui.plan_import_dialog import PlanImportDialog

    path = layout_row_per_indicator(tmp_path / "plan.xlsx")
    dialog = PlanImportDialog(AppContext(store), path)
    qtbot.addWidget(dialog)
    dialog.check()
    assert dialog.warnings.count() == 1 and "企业满意度" in dialog.warnings.item(0).text()
    assert dialog.import_button.isEnabled()  # a warning does not block
    dialog._go_to_cell(dialog.warnings.item(0))
    cell = dialog.preview.currentIndex()
    assert (dialog.model.headerData(cell.row(), Qt.Orientation.Vertical), cell.column()) == ("7", 6)
    dialog.model.setData(cell, "≥90%")
    dialog.check()
    assert dialog.warnings.count() == 0 and "存疑" not in dialog.report.toPlainText()
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        dialog.import_button.click()
    with store.session() as session:
        assert session.scalar(select(Indicator.target).where(Indicator.name == "企业满意度")) == 90.0


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_each_layout_saved_again_by_libreoffice_reads_the_same(tmp_path):
    sources = [build(tmp_path / f"{build.__name__}.xlsx") for build in LAYOUTS]
    out = tmp_path / "saved"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--norestore",
                    "--convert-to", "xlsx", "--outdir", str(out), *map(str, sources)],
                   capture_output=True, timeout=180, check=True)
    for source in sources:
        data = read_plan(out / source.name)
        assert summary(data) == (EXPECTED_TASKS, EXPECTED_INDICATORS), source.name
