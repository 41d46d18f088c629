"""The workbook signature (exchange.signing.xlsx_signature) on any workbook the program writes: every
changed, added or cleared cell named, a formula passed off as text caught, a cell slipped into
the sheet's XML beyond its stated size caught, sheets added or removed, the signature sheet itself
edited; and the city's consolidated workbook signed and verified like a county's return."""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from exchange.signing.identity import create_identity, unlock
from exchange.signing.verify import verify_and_read, verify_file
from exchange.signing.documents import CONSOLIDATION as KIND_CONSOLIDATION
from exchange.signing.xlsx_signature import SIGNATURE_SHEET, sign_workbook
from models.errors import LedgerError

PASS = "sheet-secret"


@pytest.fixture(scope="module")
def key(tmp_path_factory):
    folder = tmp_path_factory.mktemp("identity")
    create_identity(folder, "金华市", "金华市营商办", PASS)
    return unlock(folder, PASS)


@pytest.fixture
def signed(key, tmp_path) -> Path:
    """A small signed workbook of two sheets, one holding formula-like text."""
    book = Workbook()
    sheet = book.active
    sheet.title = "汇总表"
    sheet.append(["县", "值", "说明"])
    sheet.append(["婺城区", 12.5, "=1+1"])
    sheet["C2"].data_type = "s"  # text that looks like a formula, as exchange writes it
    sheet.append(["金东区", 7, "@SUM(A1)"])
    book.create_sheet("附表").append(["备注"])
    path = tmp_path / "signed.xlsx"
    path.write_bytes(sign_workbook(book, key, KIND_CONSOLIDATION, "2023-B22"))
    return path


def edit(path: Path, change) -> Path:
    book = load_workbook(path)
    change(book)
    out = path.with_name("edited.xlsx")
    book.save(out)
    return out


def test_a_signed_workbook_verifies(signed):
    result, data = verify_and_read(signed)
    assert result.valid and not result.problems, result.problems
    assert (result.period_id, result.version, result.signer) == ("2023-B22", 0, "金华市营商办")
    assert data is None  # a consolidation carries no return to read


def test_changed_added_and_cleared_cells_are_each_named(signed):
    def change(book):
        sheet = book["汇总表"]
        sheet["B3"] = 8
        sheet["D9"] = "新增"
        sheet["A2"] = None

    result = verify_file(edit(signed, change))
    assert not result.valid
    assert result.problems == ["工作表“汇总表”单元格 A2 在签名后被清空或删除",
                               "工作表“汇总表”单元格 B3 与签名时的值不同",
                               "工作表“汇总表”单元格 D9 在签名后新增了内容"]


def test_a_formula_in_place_of_the_same_text_is_caught(signed):
    def change(book):
        book["汇总表"]["C2"] = "=1+1"  # now a real formula

    original = load_workbook(signed)["汇总表"]["C2"]
    assert (original.value, original.data_type) == ("=1+1", "s")
    assert verify_file(edit(signed, change)).problems == ["工作表“汇总表”单元格 C2 在签名后被改为公式"]


def test_a_cell_beyond_the_stated_size_of_the_sheet_is_caught(signed, tmp_path):
    """openpyxl's read-only rows stop at the sheet's <dimension>; the check reads every cell."""
    out = tmp_path / "smuggled.xlsx"
    with zipfile.ZipFile(signed) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                extra = b'<row r="900"><c r="Z900" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
                content = content.replace(b"</sheetData>", extra)
            target.writestr(item, content)
    assert load_workbook(out, read_only=True)["汇总表"].max_row == 3
    assert verify_file(out).problems == ["工作表“汇总表”单元格 Z900 在签名后新增了内容"]


def test_sheets_added_or_removed_and_the_signature_sheet_edited(signed):
    def add_remove(book):
        book.create_sheet("新表")["A1"] = 1
        del book["附表"]

    problems = verify_file(edit(signed, add_remove)).problems
    assert problems == ["工作表“新表”在签名后新增", "工作表“附表”在签名后被删除"]

    def resign_period(book):
        book[SIGNATURE_SHEET]["B3"] = "2023-B23"

    result = verify_file(edit(signed, resign_period))
    assert not result.valid and result.problems[0].startswith("签名无效")


@pytest.mark.parametrize("cell, value", [("D12", None), ("B12", None), ("C12", None), ("B4", "第二版"), ("B6", "2023-11-01"), ("B7", "xyz")])
def test_a_mangled_signature_sheet_is_reported_not_raised(signed, cell, value):
    def mangle(book):
        book[SIGNATURE_SHEET][cell] = value

    result = verify_file(edit(signed, mangle))
    assert not result.valid and result.problems


def test_an_unsigned_workbook_and_a_second_signature(key, signed):
    book = Workbook()
    book.active.append(["x"])
    buffer = io.BytesIO()
    book.save(buffer)
    unsigned = signed.with_name("unsigned.xlsx")
    unsigned.write_bytes(buffer.getvalue())
    result = verify_file(unsigned)
    assert not result.valid and not result.signed and "工作簿未签名（没有签名页）。" in result.problems
    with pytest.raises(LedgerError, match="不能再次签名"):
        sign_workbook(load_workbook(signed), key, KIND_CONSOLIDATION, "2023-B22")


DATA = Path(__file__).parent / "data"


def test_a_workbook_signed_in_the_previous_format_still_verifies_and_names_changes(tmp_path):
    """tests/data/signed_v2.xlsx was signed by format /2 (value and type per cell only)."""
    from exchange.signing.identity import load_certificate

    original = DATA / "signed_v2.xlsx"
    result = verify_file(original, [load_certificate(DATA / "signed_v2.cer")])
    assert result.valid and not result.notes, result.problems
    changed = tmp_path / "signed_v2.xlsx"
    book = load_workbook(original)
    book["汇总表"]["B2"] = 13
    book.save(changed)
    assert verify_file(changed).problems == ["工作表“汇总表”单元格 B2 与签名时的值不同"]


def test_a_fresh_signature_carries_no_note(signed):
    result = verify_file(signed)
    assert result.valid and result.notes == []


@pytest.fixture(scope="module")
def formatted_and_resaved(key, tmp_path_factory):
    """A signed workbook with percent, date and decimal formats, and LibreOffice's save of it."""
    import shutil
    import subprocess
    from datetime import date

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed")
    folder = tmp_path_factory.mktemp("formats")
    book = Workbook()
    sheet = book.active
    sheet.title = "指标对比"
    sheet.append(["婺城区", 0.941, date(2023, 11, 1), 1234.5, "=A1"])
    sheet["E1"].data_type = "s"
    sheet["B1"].number_format, sheet["C1"].number_format, sheet["D1"].number_format = "0.0%", "yyyy-mm-dd", "#,##0.00"
    path = folder / "formats.xlsx"
    path.write_bytes(sign_workbook(book, key, KIND_CONSOLIDATION, "2023-B22"))
    out = folder / "out"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{folder}/lo", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=180)
    return path, out / path.name


def test_number_formats_survive_a_libreoffice_save_and_a_changed_one_is_named(formatted_and_resaved, tmp_path):
    path, resaved = formatted_and_resaved
    result = verify_file(resaved)
    assert result.valid and result.notes == ["文件已被其他程序另存，内容未变。"], result.problems
    book = load_workbook(resaved)
    book["指标对比"]["B1"].number_format = "0%"
    book.save(tmp_path / "changed.xlsx")
    assert verify_file(tmp_path / "changed.xlsx").problems == ["工作表“指标对比”单元格 B1 的显示格式被改动（现为 0%）"]


def _odd_cells(xml: bytes) -> bytes:
    """Cells a hand or another program may write, beside openpyxl's own: no coordinate, lower-case
    coordinates, cached formula text, an ISO date, an empty value, two texts in one inline
    string, a value beside an inline string, kept spaces, a phonetic run."""
    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    assert main.encode() in xml
    rows = ('<row r="40"><c t="n"><v>7</v></c><c><v>8.5</v></c><c r="c40" t="str"><v>缓存文字</v></c>'
            '<c r="D40" t="d"><v>2023-10-31T00:00:00</v></c><c r="E40" t="n"><v></v></c>'
            '<c r="F40" t="inlineStr"><is><t>甲</t><t>乙</t></is></c>'
            '<c r="G40" t="inlineStr"><v>3</v><is><t>丙</t></is></c>'
            '<c r="H40" t="inlineStr"><is><t xml:space="preserve"> 有空格 </t></is></c>'
            '<c r="I40" t="inlineStr"><is><r><t>富</t></r><r><rPr><b/></rPr><t>文本</t></r></is></c>'
            '<c r="J40" t="inlineStr"><is><t>汉字</t><rPh sb="0" eb="1"><t>かんじ</t></rPh></is></c>'
            '<c r="K40" t="e"><v>#N/A</v></c><c r="L40" t="b"><v>0</v></c><c r="M40" s="0"><v>1E3</v></c></row>'
            '<row><c r="A41" t="s"><v>0</v></c></row>')
    return xml.replace(b"</sheetData>", rows.encode() + b"</sheetData>")


def test_the_quick_reader_reads_every_cell_as_openpyxl_does(tmp_path):
    """exchange.signing.sheet_reader reads the common cells itself and hands the rest to openpyxl:
    every cell of every kind must read the same either way, or a file signed earlier would not verify."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.worksheet._reader import WorkSheetParser

    from exchange.signing.sheet_reader import SheetReader

    book = Workbook()
    ws = book.active
    ws.append([1, 2.5, -0.0, 1e-300, "文字", "=SUM(A1:B1)", True, False, "", None, "  前后空格  "])
    ws.append([date(2023, 10, 31), datetime(2023, 10, 31, 8, 30), time(9, 15), timedelta(days=2)])
    ws["A3"] = CellRichText("普通", TextBlock(InlineFont(b=True), "加粗"))
    ws["B3"] = "=A1*2"
    ws["C3"].value, ws["C3"].data_type = "#DIV/0!", "e"
    ws["D3"], ws["D3"].number_format = 0.25, "0.0%"
    ws["E3"], ws["E3"].number_format = 45000, "yyyy-mm-dd"
    ws.formula_attributes = {}
    ws["F3"] = "=A1"
    ws["G3"] = "=B1"
    path = tmp_path / "cells.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    members["xl/worksheets/sheet1.xml"] = _odd_cells(members["xl/worksheets/sheet1.xml"])
    if "xl/sharedStrings.xml" not in members:  # one shared string for A41
        members["xl/sharedStrings.xml"] = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                                           'count="1" uniqueCount="1"><si><t>共享</t></si></sst>').encode()
        members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(b"</Types>", (
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            b'spreadsheetml.sharedStrings+xml"/></Types>'))
        members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", (
            b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    with zipfile.ZipFile(path, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)

    saved = load_workbook(path, read_only=True, data_only=False)
    sheet = saved.worksheets[0]

    def read(parser_class) -> list:
        with sheet._get_source() as source:
            parser = parser_class(source, sheet._shared_strings, data_only=False, epoch=saved.epoch,
                                  date_formats=saved._date_formats, timedelta_formats=saved._timedelta_formats)
            rows = []
            for number, cells in parser.parse():
                as_tuples = [c if isinstance(c, tuple) else (c["column"], c["value"], c["data_type"], c["style_id"])
                             for c in cells]
                rows.append((number, [(column, repr(value), kind, style) for column, value, kind, style in as_tuples]))
            return rows, parser.row_dimensions, parser.column_dimensions

    quick, theirs = read(SheetReader), read(WorkSheetParser)
    saved.close()
    assert quick == theirs
    cells = {column: value for number, row in quick[0] for column, value, _kind, _style in row if number == 40}
    assert len(quick[0]) == 5 and cells[1] == "7" and cells[9] == "'富文本'"  # the odd row was read


def test_sums_and_ratios_written_by_the_program_survive_a_libreoffice_save(key, tmp_path):
    """A city total such as 0.1 + 0.2 or a ratio with 17 digits comes back from LibreOffice at
    the 15 digits spreadsheets keep: the program writes them so, and the save still verifies."""
    import shutil
    import subprocess

    from exchange.common.xlsx_cells import append

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed")
    book = Workbook()
    book.active.title = "指标对比"
    append(book.active, ["合计", 0.1 + 0.2, 280.7418471478378, 1 / 3, 93.02548503070142 * 3])
    path = tmp_path / "sums.xlsx"
    path.write_bytes(sign_workbook(book, key, KIND_CONSOLIDATION, "2023-B22"))
    assert [c.value for c in load_workbook(path)["指标对比"][1]][1:3] == [0.3, 280.741847147838]
    out = tmp_path / "out"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=180)
    result = verify_file(out / path.name)
    assert result.valid and result.notes == ["文件已被其他程序另存，内容未变。"], result.problems


def test_a_sheet_changed_throughout_names_its_first_cells_and_counts_the_rest(key, tmp_path):
    book = Workbook()
    book.active.title = "指标对比"
    for row in range(1, 31):
        book.active.append([row, row * 2])
    path = tmp_path / "many.xlsx"
    path.write_bytes(sign_workbook(book, key, KIND_CONSOLIDATION, "2023-B22"))
    changed = edit(path, lambda b: [b["指标对比"].cell(row, 2, -row) for row in range(1, 31)])
    problems = verify_file(changed).problems
    assert problems[:2] == ["工作表“指标对比”单元格 B1 与签名时的值不同", "工作表“指标对比”单元格 B2 与签名时的值不同"]
    assert len(problems) == 21 and problems[-1] == "工作表“指标对比”另有 10 处单元格与签名时不同"
