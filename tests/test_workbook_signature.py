"""The workbook signature (exchange.signing.xlsx_signature) on any workbook the program writes: every
changed, added or cleared cell named, a formula passed off as text caught, a cell slipped into
the sheet's XML beyond its stated size caught, sheets added or removed, the signature sheet itself
edited; and the city's consolidated workbook signed and verified like a county's return."""
from __future__ import annotations

import io
import zipfile
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
    assert verify_file(edit(signed, change)).problems == ["工作表“汇总表”单元格 C2 与签名时的值不同"]


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


@pytest.mark.parametrize("cell, value", [("C12", None), ("B11", None), ("B4", "第二版"), ("B6", "2023-11-01"), ("B7", "xyz")])
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
