"""营商台账 in the files that leave the office: the return (its sheets, 报送数据, the PDF section, the
digest and the signature), the 督办单, the masked export — none carries a contact's name or phone
in full — the import of a 12345-style workbook (bad cells all at once, duplicates shown and
skipped on request) and the city's consolidation, counties side by side on the 晾晒榜."""
from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from exchange.consolidation.consolidate import consolidate, write_outputs
from exchange.problems.problem_export import export_problems
from exchange.problems.problem_import import import_problems
from exchange.problems.supervision_notice import write_notices
from exchange.returns.pdf_return import build_pdf
from exchange.returns.return_data import build_return, return_digest
from exchange.returns.xlsx_return import read_return, write_xlsx
from exchange.signing.identity import create_identity, export_certificate, unlock
from exchange.signing.trust_list import register_certificate
from exchange.signing.verify import verify_file
from models.errors import LedgerError
from models.office_profile import save_office_profile
from models.plan_loader import initialise
from models.problems.loop import IssueDraft, assign_issue, issue_detail, register_issue, reply_issue
from models.problems.supervision import list_issues
from models.store import Store

DEMO_DAY = date(2023, 10, 27)
PASS = "营商台账 口令 15"


def personal_data(store) -> list[str]:
    """Every contact name and phone of the ledger, as they must never appear in a file."""
    rows = list_issues(store)
    return sorted({r.contact for r in rows if r.contact} | {r.phone for r in rows if r.phone})


def workbook_text(path: Path) -> str:
    book = load_workbook(path)  # every sheet, hidden ones too
    return "\n".join(str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
                     if cell.value is not None)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def assert_masked(text: str, secrets: list[str]) -> None:
    leaked = [s for s in secrets if s in text]
    assert leaked == []


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("problems_files")
    store = Store(folder / "demo.db").open()
    initialise(store, demo=True)
    yield store, folder
    store.close()


def test_the_return_carries_figures_and_masked_records(demo):
    store, folder = demo
    with store.session() as session:
        data = build_return(session, "2023-B22", DEMO_DAY)
    scopes = [(f.scope, f.unit) for f in data.problem_figures]
    assert scopes[:2] == [("本期", "全部"), ("本年累计", "全部")] and len(scopes) > 5
    year = data.problem_figures[1]
    assert (year.received, year.closed) == (164, 146)
    assert "营商台账本年受理涉企问题164件、办结146件" in data.summary.text
    assert all("*" in p.contact and "****" in p.phone for p in data.problems if p.contact)
    path = folder / f"{data.file_stem}.xlsx"
    write_xlsx(data, path)
    assert read_return(path) == data  # 报送数据 holds the new sections too
    book = load_workbook(path)
    assert {"涉企问题统计", "涉企问题清单"} <= set(book.sheetnames)
    assert book["涉企问题统计"]["A5"].value == "本年累计" and book["涉企问题统计"]["C5"].value == 164
    secrets = personal_data(store)
    assert len(secrets) > 100
    assert_masked(workbook_text(path), secrets)
    pdf = folder / f"{data.file_stem}.pdf"
    pdf.write_bytes(build_pdf(data)[0])
    text = pdf_text(pdf)
    assert "附：涉企问题办理情况（营商台账）" in text and "本年累计" in text
    assert_masked(text, secrets)


def test_a_problem_changes_the_digest_and_the_signature_covers_its_sheet(demo, tmp_path):
    store, folder = demo
    with store.session() as session:
        before = return_digest(build_return(session, "2023-B22", DEMO_DAY))
    issue = register_issue(store, IssueDraft("新来企业", "12345热线", "咨询", "政策咨询", date(2023, 10, 26)))
    with store.session() as session:
        data = build_return(session, "2023-B22", DEMO_DAY)
    assert return_digest(data) != before
    identity = tmp_path / "identity"
    create_identity(identity, "婺城区", "婺城区营商办", PASS)
    path = tmp_path / "signed.xlsx"
    write_xlsx(data, path, unlock(identity, PASS))
    assert verify_file(path).valid
    book = load_workbook(path)
    book["涉企问题统计"]["C5"] = 999  # a better-looking figure
    book.save(path)
    check = verify_file(path)
    assert not check.valid and any("涉企问题统计" in p for p in check.problems)
    assert issue.number in [p.number for p in data.problems]


def test_supervision_notices_and_the_export_are_masked(demo, tmp_path):
    store, _folder = demo
    secrets = personal_data(store)
    notices = write_notices(store, tmp_path / "notices")
    units = {row.lead_handler for row in list_issues(store) if row.state in ("assigned", "handling")}
    assert len(notices) == len(units) and all(p.name.endswith("_2023-10-27.pdf") for p in notices)
    red = [row for row in list_issues(store, overdue=True)]
    first = next(p for p in notices if red[0].lead_handler in p.name)
    text = pdf_text(first)
    assert "涉企问题督办单" in text and red[0].number in text and "红（已逾期）" in text
    for path in notices:
        assert_masked(pdf_text(path), secrets)
    with pytest.raises(LedgerError, match="没有在办的涉企问题"):
        write_notices(store, tmp_path / "none", units=["区财政局"])
    exported = export_problems(store, tmp_path / "问题.xlsx", 2023)
    book = load_workbook(exported)
    assert book.sheetnames == ["2023年涉企问题", "办理过程"] and book["2023年涉企问题"].max_row == 1 + len(list_issues(store))
    assert_masked(workbook_text(exported), secrets)


def test_files_written_survive_libreoffice(demo, tmp_path):
    """The export, opened and saved again by LibreOffice, still reads: same rows, no leaked data."""
    store, _folder = demo
    exported = export_problems(store, tmp_path / "export.xlsx", 2023)
    out = tmp_path / "lo"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo_profile", "--headless", "--norestore",
                    "--convert-to", "xlsx", "--outdir", str(out), str(exported)], check=True, capture_output=True,
                   timeout=120)
    again = load_workbook(out / "export.xlsx")
    assert again["2023年涉企问题"].max_row == load_workbook(exported)["2023年涉企问题"].max_row
    assert_masked(workbook_text(out / "export.xlsx"), personal_data(store))


# ---- import ---------------------------------------------------------------------------------------

HEADER = ["序号", "工单编号", "受理时间", "诉求企业", "统一社会信用代码", "来电人", "来电号码", "诉求类型", "诉求内容",
          "问题分类"]


def hotline_workbook(path: Path, rows: list[list]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "工单明细"
    sheet.append(["婺城区12345政务服务热线涉企工单导出"])
    sheet.append(["导出时间：2023-10-27 09:00"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_import_reports_every_bad_cell_at_once_and_writes_nothing(plan_store, tmp_path):
    path = hotline_workbook(tmp_path / "bad.xlsx", [
        [1, "GD001", "2023-10-09 10:21:33", "甲公司", "91350100M000100Y43", "张三", "13812341234", "求助", "用电难", "要素保障"],
        [2, "GD002", "十月九日", "乙公司", "91350100M000100Y44", "李四", "abc", "求助", "用地难", "用地"],
        [3, "GD003", "2023/10/10", "", "", "王五", "13900001111", "表扬", "融资难", "融资"],
    ])
    with pytest.raises(LedgerError) as refused:
        import_problems(plan_store, path)
    message = str(refused.value)
    for expected in ("工作表“工单明细”第 5 行 C 列（受理日期）：“十月九日”不是日期",
                     "工作表“工单明细”第 5 行 E 列（统一社会信用代码）", "校验位应为 3，现为 4",
                     "工作表“工单明细”第 5 行 G 列（联系电话）",
                     "工作表“工单明细”第 6 行 D 列（企业名称）：不能为空",
                     "工作表“工单明细”第 6 行 H 列（问题类型）：问题类型“表扬”无法识别"):
        assert expected in message
    assert "有 5 处无法读取，未导入任何问题" in message
    assert list_issues(plan_store) == []


def test_import_shows_duplicates_and_skips_them_on_request(plan_store, tmp_path):
    register_issue(plan_store, IssueDraft("甲公司", "企业走访", "求助", "用电难", date(2023, 10, 9)))
    path = hotline_workbook(tmp_path / "hotline.xlsx", [
        [1, "GD001", "2023-10-09 10:21:33", "甲公司", "", "张三", "13812341234", "求助", "用电 难", "要素保障"],
        [2, "GD002", "2023-10-10", "乙公司", "91350100M000100Y43", "李四", "13912345678", "投诉", "审批慢", "审批服务、用地"],
        [3, "GD003", "2023-10-10", "乙公司", "", "李四", "13912345678", "投诉", "审批慢", ""],
        [4, "GD004", "2023年10月11日", "丙公司", "", "", "", "建议", "希望延长窗口时间", ""],
    ])
    preview = import_problems(plan_store, path, dry_run=True)
    assert [r.where for r in preview.duplicates] == ["工作表“工单明细”第 4 行", "工作表“工单明细”第 6 行"]
    assert preview.duplicate_lines()[0] == "工作表“工单明细”第 4 行：甲公司（2023-10-09）与台账中的 2023-0001重复"
    assert "本文件工作表“工单明细”第 5 行" in preview.duplicate_lines()[1]
    with pytest.raises(LedgerError, match="有 2 条与已有问题重复"):
        import_problems(plan_store, path)
    assert len(list_issues(plan_store)) == 1
    done = import_problems(plan_store, path, skip_duplicates=True)
    rows = list_issues(plan_store)
    assert len(done.new_rows) == 2 and [r.enterprise for r in rows] == ["甲公司", "乙公司", "丙公司"]
    second = issue_detail(plan_store, rows[1].id)
    assert (second.channel, second.kind, second.tags, second.credit_code, second.phone) == (
        "12345热线", "投诉", ["审批服务", "用地"], "91350100M000100Y43", "13912345678")
    assert rows[2].received == date(2023, 10, 11)


def test_import_without_the_needed_columns_is_refused(plan_store, tmp_path):
    book = Workbook()
    book.active.append(["序号", "企业名称", "联系人", "联系电话"])
    book.active.append([1, "甲公司", "张三", "138"])
    book.save(tmp_path / "short.xlsx")
    with pytest.raises(LedgerError, match="表头中缺少：受理日期、问题描述"):
        import_problems(plan_store, tmp_path / "short.xlsx")


# ---- the city's consolidation -----------------------------------------------------------------------

def county_return(folder: Path, county: str, closed: int, total: int) -> Path:
    """A county's signed return for 2023-B22 with ``total`` problems received in October, ``closed`` answered."""
    store = Store(folder / f"{county}.db").open()
    try:
        initialise(store)
        save_office_profile(store, county=county, office_name=f"{county}营商办")
        for n in range(total):
            issue = register_issue(store, IssueDraft(f"{county}企业{n}", "12345热线", "求助", f"问题{n}", date(2023, 10, 9)))
            assign_issue(store, issue.id, "区发改局", 5, date(2023, 10, 9))
            if n < closed:
                from models.problems.loop import accept_issue

                accept_issue(store, issue.id, date(2023, 10, 9))
                reply_issue(store, issue.id, "已办结", date(2023, 10, 12))
        identity = folder / f"{county}_identity"
        create_identity(identity, county, f"{county}营商办", PASS)
        export_certificate(identity, folder / f"{county}.pem")
        with store.session() as session:
            data = build_return(session, "2023-B22", DEMO_DAY)
        path = folder / "inbox" / f"{data.file_stem}.xlsx"
        path.parent.mkdir(exist_ok=True)
        write_xlsx(data, path, unlock(identity, PASS))
        return path
    finally:
        store.close()


def test_the_city_sees_the_counties_side_by_side(tmp_path):
    county_return(tmp_path, "婺城区", closed=3, total=4)
    county_return(tmp_path, "金东区", closed=4, total=4)
    city = Store(tmp_path / "city.db").open()
    try:
        initialise(city)
        for county in ("婺城区", "金东区"):
            register_certificate(city, tmp_path / f"{county}.pem", county)
        result = consolidate(city, "2023-B22", [tmp_path / "inbox"])
        board = [(p.rank, p.county, p.received, p.closed, p.close_rate) for p in result.problems]
        assert board == [(1, "金东区", 4, 4, 1.0), (2, "婺城区", 4, 3, 0.75)]
        xlsx, pdf = write_outputs(result, tmp_path / "out", DEMO_DAY)
    finally:
        city.close()
    sheet = load_workbook(xlsx)["营商台账晾晒"]
    assert [c.value for c in sheet[2]][:6] == [1, "金东区", 100.0, 4, 4, 1.0]
    assert [c.value for c in sheet[3]][:5] == [2, "婺城区", pytest.approx(91.7), 4, 3]
    text = pdf_text(pdf)
    assert "晾晒榜 · 营商台账" in text and "75.0%" in text
