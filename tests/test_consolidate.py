"""The city's side: trust list, and consolidation of returns written by the real export for several
counties — valid, superseded, altered, unsigned, other period, unregistered key, cover mismatch,
late and missing — each reported as such, the valid ones combined and ranked."""
from __future__ import annotations

import dataclasses
import json
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from exchange.consolidation.consolidate import consolidate, write_outputs
from exchange.consolidation.consolidation_data import ReceiptState
from exchange.consolidation.consolidated_xlsx import write_consolidated_xlsx
from exchange.signing.identity import create_identity, export_certificate, unlock
from exchange.returns.return_data import build_return
from exchange.signing.trust_list import list_trusted, register_certificate
from exchange.signing.verify import verify_file
from exchange.returns.xlsx_return import DATA_SHEET, read_return, write_xlsx
from models.enums import PeriodType
from models.errors import LedgerError
from models.periods import period_containing
from models.plan import Milestone, Task
from models.plan_loader import ensure_periods
from models.ranking import competition_ranks, is_additive
from models.plan_loader import initialise
from models.office_profile import save_office_profile
from models.store import Store

PASS = "county-secret"
TODAY = date.today()
# A period still open for returns (due ahead) and one already past its due date.
CURRENT = period_containing(TODAY + timedelta(days=3), PeriodType.BIWEEKLY)
PAST = period_containing(TODAY - timedelta(days=40), PeriodType.BIWEEKLY)


def open_store(path: Path) -> Store:
    store = Store(path).open()
    initialise(store)
    with store.transaction() as session:
        for year in {CURRENT.start.year, PAST.start.year}:
            ensure_periods(session, year)
    return store


def write_return(store: Store, folder: Path, county: str, period_id: str, version: int = 1,
                 sign: bool = True) -> Path:
    """The county's return as the real export writes it. One store plays every county in turn
    (its office profile and signing identity switched), which keeps the test fast."""
    save_office_profile(store, county=county, office_name=f"{county}营商办", preparer="", reviewer="",
                        approver="", phone="")
    with store.session() as session:
        data = build_return(session, period_id, TODAY, version)
    path = folder / f"{data.file_stem}.xlsx"
    write_xlsx(data, path, unlock(identity(store, county), PASS) if sign else None)
    return path


def identity(store: Store, county: str) -> Path:
    folder = store.folder / "identities" / county
    if not folder.exists():
        create_identity(folder, county, f"{county}营商办", PASS)
    return folder


@pytest.fixture(scope="module")
def city_case(tmp_path_factory):
    """A city store trusting six counties, and a folder of what they sent."""
    root = tmp_path_factory.mktemp("city")
    inbox = root / "inbox"
    inbox.mkdir()
    city, county = open_store(root / "city.db"), open_store(root / "county.db")
    for name in ["婺城区", "金东区", "兰溪市", "义乌市", "东阳市", "永康市", "磐安县"]:
        cert = export_certificate(identity(county, name), root / f"{name}.cer")
        register_certificate(city, cert, "磐安" if name == "磐安县" else name)
    write_return(county, inbox, "金东区", CURRENT.id, version=1)
    write_return(county, inbox, "金东区", CURRENT.id, version=2)
    altered = write_return(county, inbox, "兰溪市", CURRENT.id)
    book = load_workbook(altered)
    sheet = book[DATA_SHEET]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "汇总" and row[2].value == "tasks_done":
            row[4].value = 38  # all tasks done, says the edited file
    sheet.append(["指标", "JH23-99", "value", "本期值", 100])  # and a row no return has: unreadable as one
    book.save(altered)
    write_return(county, inbox, "义乌市", CURRENT.id, sign=False)
    write_return(county, inbox, "东阳市", PAST.id)
    write_return(county, inbox, "磐安县", CURRENT.id)
    with county.transaction() as session:  # 婺城区 has done the first ten tasks
        for milestone in session.scalars(select(Milestone).join(Task).where(Task.number <= 10)):
            milestone.done_date = date(2023, 1, 10)
    write_return(county, inbox, "婺城区", CURRENT.id)
    (inbox / "说明.xlsx").write_text("not a workbook")
    result = consolidate(city, CURRENT.id, [inbox])
    yield city, county, inbox, result, root
    city.close()
    county.close()


def states(result) -> dict[tuple[str, int], ReceiptState]:
    return {(r.county, r.version): r.state for r in result.receipts}


def test_each_county_gets_its_state(city_case):
    _city, _county, _inbox, result, _root = city_case
    found = states(result)
    assert found[("婺城区", 1)] == ReceiptState.VALID
    assert found[("金东区", 2)] == ReceiptState.VALID
    assert found[("金东区", 1)] == ReceiptState.SUPERSEDED
    assert found[("兰溪市", 1)] == ReceiptState.ALTERED  # named by its certificate, though unreadable
    assert found[("义乌市", 1)] == ReceiptState.UNSIGNED
    assert found[("东阳市", 1)] == ReceiptState.OTHER_PERIOD
    assert found[("永康市", 0)] == ReceiptState.MISSING
    assert found[("磐安", 1)] == ReceiptState.COVER_MISMATCH
    assert found[("", 0)] == ReceiptState.UNREADABLE
    altered = next(r for r in result.receipts if r.state == ReceiptState.ALTERED)
    assert any(DATA_SHEET in p for p in altered.problems)
    assert result.counties == ["婺城区", "金东区"]


def test_only_valid_returns_are_combined_and_ranked(city_case):
    *_rest, result, _root = city_case
    task = next(t for t in result.tasks if t.number == 1)
    assert task.statuses == {"婺城区": "已完成", "金东区": "滞后"}
    board = result.areas["政务环境"]
    assert [s.county for s in board] == ["婺城区", "金东区"] and board[0].rank == 1 and board[1].rank == 2
    tasks, _indicators = result.lagging("金东区")
    assert any(t.number == 1 for t in tasks)
    assert not any(t.number == 1 for t in result.lagging("婺城区")[0])


def test_the_figures_combined_are_those_each_return_holds(city_case):
    """The consolidation reads each return in the pass that checks its signature and keeps only
    what it compares: those figures are the return's own, as the plain reader reads the file."""
    *_rest, result, _root = city_case
    for receipt in (r for r in result.receipts if r.state in (ReceiptState.VALID, ReceiptState.LATE)):
        data = read_return(receipt.path)
        for row in data.indicators:
            line = next(i for i in result.indicators if i.code == row.code)
            assert (line.name, line.unit, line.target_text) == (row.name, row.unit, row.target_text)
            county = receipt.county
            assert (line.values[county], line.completions[county], line.statuses[county]) == \
                (row.value, row.completion, row.status)
        for row in (t for t in data.tasks if t.origin == "规定动作"):
            line = next(t for t in result.tasks if t.number == row.number)
            assert (line.title, line.area, line.statuses[receipt.county]) == (row.title, row.area, row.status)
    assert len(result.indicators) == len(data.indicators)


def test_a_return_after_its_due_date_is_late_but_counted(city_case):
    city, _county, inbox, _result, _root = city_case
    result = consolidate(city, PAST.id, [inbox / f"东阳市_{PAST.id}_v1.xlsx"])
    assert states(result)[("东阳市", 1)] == ReceiptState.LATE
    assert result.counties == ["东阳市"]


def test_outputs_are_written_and_read_back(city_case, tmp_path):
    *_rest, result, _root = city_case
    xlsx, pdf = write_outputs(result, tmp_path, TODAY)
    book = load_workbook(xlsx, read_only=True)
    assert book.sheetnames == ["指标对比", "任务状态", "领域排名", "报表接收"]
    rows = list(book["报表接收"].iter_rows(values_only=True))
    assert ("永康市", "未报送") in {(r[0], r[1]) for r in rows}
    header = list(book["任务状态"].iter_rows(max_row=1, values_only=True))[0]
    assert header[3:] == ("婺城区", "金东区")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "晾晒榜 · 政务环境" in text and "提示单" in text and "金东区改革办" in text
    assert "义乌市改革办" in text and "未签名" in text


def test_the_signed_consolidated_workbook_verifies_and_names_a_changed_cell(city_case, tmp_path):
    *_rest, result, _root = city_case
    create_identity(tmp_path / "city", "金华市", "金华市营商办", PASS)
    path = write_consolidated_xlsx(result, tmp_path / "汇总.xlsx", unlock(tmp_path / "city", PASS))
    check = verify_file(path)
    assert check.valid and check.period_id == CURRENT.id and check.signer == "金华市营商办", check.problems
    assert (check.document, check.versioned) == ("汇总", False)
    book = load_workbook(path)
    book["领域排名"]["B2"] = 99  # a county moved up the board
    book.save(path)
    check = verify_file(path)
    assert not check.valid and check.problems == ["工作表“领域排名”单元格 B2 与签名时的值不同"]


def test_a_pdf_copy_beside_the_workbook_is_checked_against_it(city_case, tmp_path):
    """The same county, period and version as PDF: valid and matching, of other content, damaged."""
    from exchange.returns.pdf_return import build_pdf
    from exchange.signing.pdf_sign import sign_pdf

    city, county, *_rest = city_case
    xlsx = write_return(county, tmp_path, "婺城区", CURRENT.id)
    key = unlock(identity(county, "婺城区"), PASS)
    with county.session() as session:
        data = build_return(session, CURRENT.id, TODAY, 1)

    def receipt_with(pdf_data) -> list[str]:
        pdf, stamp = build_pdf(pdf_data)
        xlsx.with_suffix(".pdf").write_bytes(sign_pdf(pdf, key, stamp, "签发", "婺城区"))
        [receipt] = [r for r in consolidate(city, CURRENT.id, [xlsx]).receipts if r.path == xlsx]
        assert receipt.state == ReceiptState.VALID  # the workbook's figures still count
        return receipt.problems

    assert receipt_with(data) == []
    data.summary.text += "（另加一句）"
    [note] = receipt_with(data)
    assert "PDF 副本 婺城区" in note and "报表摘要" in note and "不符" in note
    damaged = bytearray(xlsx.with_suffix(".pdf").read_bytes())
    damaged[len(damaged) // 3] ^= 0x01
    xlsx.with_suffix(".pdf").write_bytes(bytes(damaged))
    [receipt] = [r for r in consolidate(city, CURRENT.id, [xlsx]).receipts if r.path == xlsx]
    assert len(receipt.problems) == 1 and "未通过核验" in receipt.problems[0]


def test_trust_list_refuses_the_same_certificate_twice(city_case):
    city, _county, _inbox, _result, root = city_case
    with pytest.raises(LedgerError, match="已登记给“婺城区”"):
        register_certificate(city, root / "婺城区.cer", "别的县")
    assert [row["county"] for row in list_trusted(city)][:1] == ["东阳市"]


def test_command_line_trust_and_consolidate(city_case, tmp_path, capsys, monkeypatch):
    import main

    _city, _county, inbox, _result, root = city_case
    db = str(tmp_path / "city2.db")
    assert main.main(["--db", db, "init"]) == 0
    with Store(Path(db)) as store, store.transaction() as session:
        ensure_periods(session, CURRENT.start.year)
    for county in ("婺城区", "金东区"):
        assert main.main(["--db", db, "trust", "add", str(root / f"{county}.cer"), "--county", county]) == 0
    capsys.readouterr()
    assert main.main(["--db", db, "trust", "list", "--json"]) == 0
    assert [row["county"] for row in json.loads(capsys.readouterr().out)] == ["婺城区", "金东区"]
    out = tmp_path / "out"
    files = [str(inbox / f"婺城区_{CURRENT.id}_v1.xlsx"), str(inbox / f"磐安县_{CURRENT.id}_v1.xlsx")]
    monkeypatch.setenv("CITY_PASS", PASS)
    assert main.main(["--db", db, "identity", "new", "--county", "金华市", "--office", "金华市营商办",
                      "--passphrase-env", "CITY_PASS"]) == 0
    capsys.readouterr()
    assert main.main(["--db", db, "consolidate", "--period", CURRENT.id, "--out", str(out), "--json",
                      "--sign", "--passphrase-env", "CITY_PASS", *files]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["counted"] == ["婺城区"]
    assert summary["states"] == {"valid": 1, "unregistered": 1, "missing": 1}  # 磐安县 is not on this list
    assert sorted(p.name for p in out.iterdir()) == [f"汇总_{CURRENT.id}.pdf", f"汇总_{CURRENT.id}.xlsx"]
    check = subprocess.run(["pdfsig", str(out / f"汇总_{CURRENT.id}.pdf")], capture_output=True, text=True)
    assert "Signature is Valid" in check.stdout and "金华市营商办" in check.stdout
    capsys.readouterr()
    # Both outputs are signed, and verify says they are the city's consolidation, without a version.
    outputs = [str(out / f"汇总_{CURRENT.id}.xlsx"), str(out / f"汇总_{CURRENT.id}.pdf")]
    assert main.main(["verify", *outputs]) == 0
    text = capsys.readouterr().out
    assert text.count(f"文件：市级汇总  期次：{CURRENT.name}\n") == 2 and "版本" not in text
    assert main.main(["verify", "--json", *outputs]) == 0
    for row in json.loads(capsys.readouterr().out):
        assert (row["document"], row["document_label"], row["period_id"]) == ("汇总", "市级汇总", CURRENT.id)


def test_ranks_and_additivity():
    assert competition_ranks({"a": 0.9, "b": 0.95, "c": 0.9, "d": None}) == {"a": 2, "b": 1, "c": 2, "d": None}
    assert is_additive("亿元") and is_additive("家") and not is_additive("%") and not is_additive("天")


def test_the_consolidated_workbook_shows_headers_merged_frozen_and_states_coloured(city_case, tmp_path):
    *_rest, result, _root = city_case
    book = load_workbook(write_outputs(result, tmp_path, TODAY)[0])
    sheet = book["指标对比"]
    assert sorted(map(str, sheet.merged_cells.ranges)) == ["F2:H2", "I2:K2"]
    assert (sheet["F2"].value, sheet["I2"].value, sheet["F3"].value, sheet["H3"].value) == ("婺城区", "金东区", "本期值", "排名")
    assert sheet["F2"].font.b and sheet["A3"].font.b and not sheet["A4"].font.b and sheet.freeze_panes == "F4"
    assert sheet["G4"].number_format == "0.0%" and sheet.column_dimensions["B"].width == 30
    tasks = book["任务状态"]
    assert tasks.freeze_panes == "D2" and tasks["A1"].font.b
    colours = {cell.value: cell.fill.fgColor.rgb for row in tasks.iter_rows(min_row=2, min_col=4) for cell in row}
    assert colours["滞后"] == "00F8CBAD" and colours["已完成"] == "00C6EFCE" and colours.get("推进中", "00000000") == "00000000"


def test_the_consolidated_workbook_prints_on_a4_with_its_headings_on_every_page(city_case, tmp_path):
    *_rest, result, _root = city_case
    book = load_workbook(write_outputs(result, tmp_path, TODAY)[0])
    for sheet in book:
        assert (sheet.page_setup.paperSize, sheet.page_setup.orientation) == (9, "landscape"), sheet.title
        assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页" and sheet.oddFooter.left.text.startswith("&A · ")
        assert all(sheet.column_dimensions[column].width for column in "ABC"), sheet.title
    indicators = book["指标对比"]
    assert (indicators.print_title_rows, indicators.print_title_cols) == ("$1:$3", "$A:$E")
    assert indicators.sheet_properties.pageSetUpPr.fitToPage and indicators.page_setup.fitToWidth == 1
    assert book["任务状态"].print_title_cols == "$A:$C" and book["报表接收"].print_title_rows == "$1:$1"


def test_ninety_counties_side_by_side_print_at_full_size_across_pages(city_case, tmp_path):
    *_rest, result, _root = city_case
    wide = dataclasses.replace(result, counties=[f"测试县{n:02d}" for n in range(1, 91)])
    sheet = load_workbook(write_consolidated_xlsx(wide, tmp_path / "wide.xlsx"))["指标对比"]
    assert sheet.max_column == 5 + 3 * 90 and not sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_cols == "$A:$E"  # the indicator's code and name on every page across
