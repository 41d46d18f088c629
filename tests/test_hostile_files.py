"""Files that are not what they claim: each refused with the file's name and the reason, nothing stored;
and every reader (plan, values, verify, consolidation, return, collected form, certificate) against every hostile
class of tests/hostile_matrix.py, each refused within 10 s and 250 MB in a process of its own."""
from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from exchange.plans.plan_import import import_plan_workbook
from models.errors import LedgerError
from models.plan import Plan
from tests.hostile_matrix import CLASSES, READERS, make_files, measure, refused_within_limits

BOMB = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{n} "{("&lol%s;" % (n - 1 if n > 1 else "")) * 10}">' for n in range(1, 10))
        + ']>')


def small_workbook() -> bytes:
    book = Workbook()
    book.active.append(["序号", "重点任务", "牵头单位"])
    book.active.append([1, "投资项目审批提速", "市政管办"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite_member(data: bytes, member: str, text: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, text.encode("utf-8") if item.filename == member else source.read(item))
    return out.getvalue()


def refused(store, path: Path, *words: str) -> str:
    with pytest.raises(LedgerError) as info:
        import_plan_workbook(store, path)
    message = str(info.value)
    assert path.name in message
    for word in words:
        assert word in message
    with store.session() as session:
        assert session.scalar(select(func.count(Plan.id))) == 0
    return message


def test_a_text_file_named_xlsx(tmp_path, store):
    path = tmp_path / "方案.xlsx"
    path.write_text("序号,任务\n1,审批提速\n", encoding="utf-8")
    refused(store, path, "不是 Excel 工作簿")


def test_a_truncated_workbook(tmp_path, store):
    data = small_workbook()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    refused(store, path, "不完整或已损坏")


def test_a_corrupted_workbook(tmp_path, store):
    data = bytearray(small_workbook())
    middle = len(data) // 2
    data[middle:middle + 200] = b"\x00" * 200
    path = tmp_path / "corrupt.xlsx"
    path.write_bytes(bytes(data))
    refused(store, path, "损坏")


@pytest.mark.parametrize("member", ["xl/workbook.xml", "xl/worksheets/sheet1.xml"])
def test_an_xml_entity_bomb(tmp_path, store, member):
    with zipfile.ZipFile(io.BytesIO(small_workbook())) as source:
        original = source.read(member).decode("utf-8")
    body = original[original.index("?>") + 2:] if original.startswith("<?xml") else original
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(rewrite_member(small_workbook(), member, BOMB + body.replace("市政管办", "&lol9;")))
    refused(store, path, "XML 实体")


def test_a_zip_bomb(tmp_path, store):
    path = tmp_path / "zipbomb.xlsx"
    path.write_bytes(small_workbook())
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\x00" * (40 * 2**20))
    refused(store, path, "压缩比")


def test_a_spreadsheet_from_another_program(tmp_path, store):
    ods = tmp_path / "other.xlsx"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    refused(store, ods, "OpenDocument")
    xls = tmp_path / "old.xlsx"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    refused(store, xls, "旧版 Excel")
    payroll = tmp_path / "payroll.xlsx"
    book = Workbook()
    book.active.append(["姓名", "部门", "工资"])
    book.active.append(["张三", "办公室", 5000])
    book.save(payroll)
    refused(store, payroll, "找不到任务清单的表头")


@pytest.fixture(scope="module")
def huge_sheet(tmp_path_factory) -> Path:
    """200,000 rows, written once in write-only mode."""
    path = tmp_path_factory.mktemp("huge") / "huge.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("任务清单")
    sheet.append(["序号", "重点任务", "牵头单位"])
    for number in range(1, 200_000):
        sheet.append([number, "任务", "单位"])
    book.save(path)
    return path


def test_a_sheet_of_200000_rows_is_refused_in_bounded_memory(store, huge_sheet):
    tracemalloc.start()
    try:
        refused(store, huge_sheet, "超过上限 5000 行")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * 2**20


def test_every_reader_refuses_every_hostile_file_within_time_and_memory(tmp_path):
    make_files(tmp_path)
    lines = measure(list(READERS), tmp_path)
    assert {(line["reader"], line["class"]) for line in lines} == {(r, c) for r in READERS for c in CLASSES}
    failed = [(line["reader"], line["class"], line["seconds"], line["rss_mb"], line["message"][:80])
              for line in lines if not refused_within_limits(line)]
    assert not failed, failed
