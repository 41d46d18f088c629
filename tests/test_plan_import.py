"""Plan workbooks as city offices write them: three layouts built here, each read to the same plan;
the report of unreadable cells; update with county data kept; export → import round trip."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from exchange.plans.plan_export import export_plan, export_store_plan
from exchange.plans.plan_import import (PlanImportError, find_layout, import_plan_workbook, read_plan, remember_roles,
                                  remembered_roles)
from models.enums import Origin
from models.ledger import IndicatorValue, ProgressReport
from models.plan import Indicator, Milestone, Task
from models.plan_loader import current_plan
from models.plan_update import plan_to_data

# What every layout below says, in the form the reader produces.
EXPECTED_TASKS = [
    (1, "政务环境", "投资项目审批提速", "市政管办", ["市发改委", "市资规局"],
     [("制定改革方案", "2023-03-31"), ("全流程审批压缩至80天", "2023-12-31")]),
    (2, "政务环境", "惠企政策直达", "市经信局", ["市财政局"], [("上线政策平台", "2023-06-30")]),
    (3, "市场环境", "企业开办便利化", "市市场监管局", ["市税务局"], [("实现一日办结", "2023-09-30")]),
    (4, "市场环境", "信用修复", "市发改委", [], [("建立信用修复机制", "2023-12-31")]),
]
EXPECTED_INDICATORS = [
    ("一般企业投资项目审批时间", 1, "天", "<=", 80.0),
    ("政策兑现率", 2, "%", ">=", 98.0),
    ("新设市场主体", 3, "万户", ">=", 3.29),
    ("融资规模", 3, "亿元", ">=", 51.26),
    ("投诉办结率", 4, "%", ">=", 31 / 32 * 100),
]


def plan_summary(data: dict) -> tuple[list, list]:
    areas = {a["code"]: a["name"] for a in data["areas"]}
    tasks = [(t["number"], areas[t["area"]], t["title"], t["lead_unit"], t["responsible_units"],
              [(m["title"], m["due"]) for m in t["milestones"]]) for t in data["tasks"]]
    indicators = [(i["name"], i["task"], i["unit"], i["comparison"], pytest.approx(i["target"]))
                  for i in data["indicators"]]
    return tasks, indicators


def layout_title_rows_and_merged_area(path: Path, bad: bool = False) -> Path:
    """A notes sheet first; title and note rows; area column merged down; deadlines as words."""
    book = Workbook()
    book.active.title = "说明"
    book.active.append(["本表由市营商办印发，请各地对照落实。"])
    ws = book.create_sheet("任务清单")
    ws.append(["2023年某市营商环境优化提升重点任务清单"])
    ws.merge_cells("A1:J1")
    ws.append(["填报单位：              （盖章）"])
    ws.append(["序号", "领域", "重点任务", "具体举措", "完成时限", "量化指标", "目标值", "计量单位", "牵头单位", "责任单位"])
    rows = [
        [1, "政务环境", "投资项目审批提速", "制定改革方案", "3月底前", "一般企业投资项目审批时间", "≤８０", "天",
         "市政管办 ", "市发改委、市资规局"],
        [None, None, None, "全流程审批压缩至80天", "年底前", None, None, None, None, None],
        [2, None, "惠企政策直达 ", "上线政策平台", "2023年6月底", "政策兑现率", "≥98%", None, "市经信局", "市财政局"],
        ["3", "市场环境", "企业开办便利化", "实现一日办结", datetime(2023, 9, 30), "新设市场主体", "3.29万", "万户",
         "市市场监管局", "市税务局"],
        [None, None, None, None, None, "融资规模", "51.26亿元", None, None, None],
        ["4", None, "信用修复", "建立信用修复机制", "长期坚持", "投诉办结率", "31/32", None, "市发改委", None],
    ]
    if bad:
        rows[1][4] = "看情况"
        rows[2][6] = "约八成"
        rows[3][0] = "第X条"
    for row in rows:
        ws.append(row)
    ws.merge_cells("B4:B6")
    ws.merge_cells("A4:A5")
    ws.merge_cells("C4:C5")
    ws.merge_cells("B7:B9")
    ws.append([])
    ws.append(["注：完成时限为最迟完成时间。"])
    book.save(path)
    return path


def layout_two_row_header_and_area_rows(path: Path) -> Path:
    """A two-row header (merged groups), area rows 一、… inside the table, （一） restarting per area."""
    book = Workbook()
    ws = book.active
    ws.title = "附件1"
    ws.append(["附件1"])
    ws.append(["2023年营商环境“一号改革工程”任务分解表"])
    ws.append(["编号", "改革任务", "推进节点", None, "量化指标", None, None, "责任单位", None])
    ws.append([None, None, "节点举措", "时间节点", "名称", "目标", "单位", "牵头单位", "责任单位"])
    for cell in ("A3:A4", "B3:B4", "C3:D3", "E3:G3", "H3:I3"):
        ws.merge_cells(cell)
    ws.append(["一、政务环境"])
    ws.merge_cells(f"A{ws.max_row}:I{ws.max_row}")
    ws.append(["（一）", "投资项目审批提速", "制定改革方案", date(2023, 3, 31), "一般企业投资项目审批时间", "80天以内",
               None, "市政管办", "市发改委\n市资规局"])
    ws.append([None, None, "全流程审批压缩至80天", "2023-12-31", None, None, None, None, None])
    ws.merge_cells(f"B{ws.max_row - 1}:B{ws.max_row}")
    ws.append(["（二）", "惠企政策\n直达", "上线政策平台", "2023.6.30", "政策兑现率", "98", "%", "市经信局", "市财政局"])
    ws.append(["二、市场环境"])
    ws.append(["（一）", "企业开办便利化", "实现一日办结", "9月底前", "新设市场主体", "3.29", "万户", "市市场监管局",
               "市税务局"])
    ws.append([None, None, None, None, "融资规模", "不少于51.26", "亿元", None, None])
    ws.append(["（二）", "信用修复", "建立信用修复机制", "年底前", "投诉办结率", "31/32", None, "市发改委", ""])
    book.save(path)
    return path


def layout_synonyms_and_multiline_steps(path: Path) -> Path:
    """Other header words, a cover sheet, area titles, steps in one cell with one deadline per line."""
    book = Workbook()
    cover = book.active
    cover.title = "封面"
    cover.append(["联系人名单"])
    cover.append(["序号", "姓名", "电话"])
    cover.append([1, "张三", "0579-1234"])
    ws = book.create_sheet("清单")
    ws.append(["某市2023年营商环境优化提升工作任务表  "])
    ws.append(["任务序号", "类别", "工作任务", "主要内容", "完成时间", "考核指标", "年度目标", "牵头部门", "责任部门"])
    ws.append(["１、", "打造便捷高效的政务环境", "投资项目审批提速", "1.制定改革方案\n2.全流程审批压缩至80天",
               "2023年3月底\n2023年12月底", "一般企业投资项目审批时间", "≤80天", "市政管办", "市发改委，市资规局"])
    ws.append(["2、", None, "惠企政策直达", "上线政策平台", "6月底前", "政策兑现率", "不低于98%", "市经信局", "市财政局"])
    ws.append(["3、", "打造公平有序的市场环境", "企业开办便利化", "实现一日办结", "2023-09-30", "新设市场主体", "3.29万户",
               "市市场监管局", "市税务局"])
    ws.append([None, None, None, None, None, "融资规模", "51.26亿元", None, None])
    ws.append(["4、", None, "信用修复", "建立信用修复机制", "年底", "投诉办结率", "31/32", "市发改委", None])
    book.save(path)
    return path


@pytest.mark.parametrize("build", [layout_title_rows_and_merged_area, layout_two_row_header_and_area_rows,
                                   layout_synonyms_and_multiline_steps])
def test_each_layout_reads_to_the_same_plan(tmp_path, build):
    data = read_plan(build(tmp_path / "plan.xlsx"))
    tasks, indicators = plan_summary(data)
    assert tasks == EXPECTED_TASKS
    assert indicators == EXPECTED_INDICATORS
    assert data["year"] == 2023


def test_every_doubtful_cell_is_listed_at_once_and_none_blocks(tmp_path, plan_store):
    path = layout_title_rows_and_merged_area(tmp_path / "bad.xlsx", bad=True)
    data, _diff = import_plan_workbook(plan_store, path, dry_run=True)
    notes = [str(w) for w in data["warnings"]]
    assert len(notes) == 3
    assert any("第 5 行 E 列（完成时限）" in n and "看情况" in n and "2023-12-31" in n for n in notes)
    assert any("第 6 行 G 列（目标值）" in n and "约八成" in n for n in notes)
    assert any("第 7 行 A 列（序号）" in n and "第X条" in n for n in notes)
    assert all("工作表“任务清单”" in n for n in notes)
    with pytest.raises(PlanImportError, match="bad.xlsx") as info:
        import_plan_workbook(plan_store, path, strict=True)
    assert len(info.value.problems) == 3
    with plan_store.session() as session:  # nothing was written
        assert current_plan(session).code == "JH-2023"
        assert len(session.scalars(select(Task)).all()) == 38


def test_a_column_role_assigned_by_the_user_is_remembered_for_the_same_shape(tmp_path, plan_store):
    path = tmp_path / "odd.xlsx"
    book = Workbook()
    book.active.append(["序号", "事项", "牵头单位"])  # 事项 names no role
    book.active.append([1, "投资项目审批提速", "市政管办"])
    book.save(path)
    layout = find_layout(path)
    with pytest.raises(PlanImportError, match="找不到“任务”列"):
        read_plan(path, layout)
    layout.columns[1].role = "task"
    remember_roles(plan_store, layout)
    again = find_layout(path, remembered_roles(plan_store))
    assert again.roles() == {0: "number", 1: "task", 2: "lead_unit"}
    data, diff = import_plan_workbook(plan_store, path, dry_run=True)
    assert [t["title"] for t in data["tasks"]] == ["投资项目审批提速"] and diff.new_plan


def test_export_then_import_reads_the_plan_back_unchanged(tmp_path, plan_store):
    path = export_store_plan(plan_store, tmp_path / "plan.xlsx")
    data, diff = import_plan_workbook(plan_store, path, dry_run=True)
    assert diff.empty, diff.lines()
    with plan_store.session() as session:
        original = plan_to_data(current_plan(session))
    for key in ("code", "name", "year", "issuer", "issued_on", "source", "areas", "tasks"):
        assert data[key] == original[key], key
    for mine, theirs in zip(data["indicators"], original["indicators"], strict=True):
        for key in ("code", "name", "task", "unit", "comparison", "direction", "target_text", "period_type"):
            assert mine[key] == theirs[key], (mine["code"], key)
        assert mine["target"] == pytest.approx(theirs["target"])


def test_an_imported_plan_loads_into_an_empty_store(tmp_path, store):
    path = layout_two_row_header_and_area_rows(tmp_path / "plan.xlsx")
    data, diff = import_plan_workbook(store, path)
    assert diff.new_plan
    with store.session() as session:
        plan = current_plan(session)
        assert [t.title for t in plan.tasks] == [t[2] for t in EXPECTED_TASKS]
        assert session.scalar(select(Indicator).where(Indicator.name == "融资规模")).target == pytest.approx(51.26)
    again, diff = import_plan_workbook(store, path, dry_run=True)
    assert diff.empty and again["code"] == data["code"]


def test_a_new_version_shows_its_difference_and_keeps_what_the_county_entered(tmp_path, plan_store):
    with plan_store.transaction() as session:
        plan = current_plan(session)
        first = session.scalar(select(Task).where(Task.number == 1))
        first.leader, first.contact = "王建华", "李敏"
        session.add(ProgressReport(task=first, period_id="2023-B10", progress="已完成方案起草"))
        moved = session.scalar(select(Milestone).where(Milestone.task == first, Milestone.seq == 2))
        moved.due_date, moved.postpone_count = date(2023, 7, 31), 1
        indicator = session.scalar(select(Indicator).where(Indicator.code == "JH23-03"))
        session.add(IndicatorValue(indicator=indicator, period_id="2023-M05", value=96.5))
        session.add(Task(plan=plan, area=first.area, number=39, origin=Origin.COUNTY, title="本县自选：企业服务专员"))
        data = plan_to_data(plan)
    data["tasks"][0]["title"] = "投资项目审批服务提速增效（修订）"
    data["tasks"][0]["milestones"][1]["due"] = "2023-06-15"
    removed = data["tasks"].pop()  # task 38
    data["indicators"] = [i for i in data["indicators"] if i["task"] != removed["number"]]
    next(i for i in data["indicators"] if i["code"] == "JH23-03")["target"] = 99.0
    data["tasks"].append(dict(data["tasks"][1], number=39, title="新增：企业诉求闭环办理", milestones=[
        {"seq": 1, "title": "建立诉求闭环机制", "due": "2023-12-31"}]))
    data["indicators"].append(dict(data["indicators"][0], code="JH23-99", name="诉求办结率", task=39, unit="%",
                                   target=95.0, comparison=">=", direction="higher", target_text="≥95%"))
    path = export_plan(data, tmp_path / "v2.xlsx")

    _read, preview = import_plan_workbook(plan_store, path, dry_run=True)
    lines = preview.lines()
    assert "修改任务：任务 1 投资项目审批服务提速增效（修订）（任务名称、节点举措）" in lines
    assert "新增任务：任务 39 新增：企业诉求闭环办理" in lines
    assert any(line.startswith(f"删除任务（归档）：任务 {removed['number']}") for line in lines)
    assert any(line.startswith("修改指标：JH23-03") and "目标值" in line for line in lines)
    assert "新增指标：JH23-99 诉求办结率" in lines
    import_plan_workbook(plan_store, path)

    with plan_store.session() as session:
        first = session.scalar(select(Task).where(Task.number == 1))
        assert (first.title, first.leader, first.contact) == ("投资项目审批服务提速增效（修订）", "王建华", "李敏")
        assert session.scalar(select(ProgressReport.progress)) == "已完成方案起草"
        moved = session.scalar(select(Milestone).where(Milestone.task == first, Milestone.seq == 2))
        assert (moved.due_date, moved.original_due) == (date(2023, 7, 31), date(2023, 6, 15))
        assert session.scalar(select(IndicatorValue.value)) == 96.5
        assert session.scalar(select(Indicator.target).where(Indicator.code == "JH23-03")) == 99.0
        gone = session.scalar(select(Task).where(Task.number == removed["number"]))
        assert gone.archived and gone.milestones
        county = session.scalar(select(Task).where(Task.origin == Origin.COUNTY))
        assert county.title == "本县自选：企业服务专员" and county.number != 39 and not county.archived
        assert session.scalar(select(Task).where(Task.number == 39)).title == "新增：企业诉求闭环办理"
    _again, after = import_plan_workbook(plan_store, path, dry_run=True)
    assert after.empty, after.lines()
