"""Opening a workbook someone else made, safely: checked before openpyxl sees it, opened read-only.

A plan workbook or a county's return arrives by e-mail or USB stick. Before parsing, the file
must be a zip whose members would not unpack to more than a stated size (a zip bomb), a real
xlsx (not .xls, .ods or a renamed document), and openpyxl opens it in read-only mode, which
streams rows instead of building the whole sheet, with defusedxml refusing XML entities.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from models.errors import LedgerError

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_RATIO = 200  # unpacked / packed for one member; real sheets stay far below
MAX_ROWS = 5000
MAX_COLUMNS = 60


def column_letter(index: int) -> str:
    """0 → A, 26 → AA (the letter a user sees in Excel)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _count_rows(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limit: int) -> int:
    """Rows in a worksheet's XML, counted while streaming it, stopping past ``limit``. (openpyxl,
    even read-only, parses a whole sheet on opening it when the sheet does not state its size.)"""
    count, tail = 0, b""
    with archive.open(member) as handle:
        while chunk := handle.read(1 << 20):
            data = tail + chunk
            count += data.count(b"<row ") + data.count(b"<row>") - tail.count(b"<row ") - tail.count(b"<row>")
            if count > limit:
                break
            tail = data[-5:]
    return count


def check_zip(path: Path, max_rows: int = MAX_ROWS) -> None:
    """Refuse what is not an xlsx, would unpack out of proportion, or holds a sheet longer than
    ``max_rows``, before any XML is parsed."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as error:
        raise LedgerError(f"{name}：无法读取文件（{error.strerror or error}）。") from None
    if size > MAX_FILE_BYTES:
        raise LedgerError(f"{name}：文件有 {size / 2**20:.0f} MB，超过上限 {MAX_FILE_BYTES // 2**20} MB。")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise LedgerError(f"{name}：这是旧版 Excel（.xls）或加密的文件，请在 Excel 中另存为 .xlsx 后再导入。")
    if not head.startswith(b"PK"):
        raise LedgerError(f"{name}：不是 Excel 工作簿（.xlsx）。")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if "xl/workbook.xml" not in names:
                kind = "OpenDocument 表格（.ods）" if "content.xml" in names else "别的程序的文件"
                raise LedgerError(f"{name}：是{kind}，不是 Excel 工作簿（.xlsx）。")
            total = 0
            for member in members:
                total += member.file_size
                if member.compress_size and member.file_size / member.compress_size > MAX_RATIO \
                        and member.file_size > 10 * 2**20:
                    raise LedgerError(f"{name}：其中 {member.filename} 解压后异常膨胀（压缩比超过 {MAX_RATIO}），"
                                      "可能是恶意构造的文件，已拒绝。")
            if total > MAX_UNPACKED_BYTES:
                raise LedgerError(f"{name}：解压后 {total / 2**20:.0f} MB，超过上限 {MAX_UNPACKED_BYTES // 2**20} MB。")
            for member in members:  # a DOCTYPE can only sit in the prolog: the first bytes tell
                if member.filename.endswith((".xml", ".rels")):
                    with archive.open(member) as handle:
                        head = handle.read(4096)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise LedgerError(f"{name}：其中 {member.filename} 含有 XML 实体定义（可能是恶意构造的文件），已拒绝。")
                if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml") \
                        and _count_rows(archive, member, max_rows) > max_rows:
                    sheet = member.filename.rsplit("/", 1)[-1]
                    raise LedgerError(f"{name}：工作表（{sheet}）超过上限 {max_rows} 行，已拒绝。")
            bad = archive.testzip()
            if bad is not None:
                raise LedgerError(f"{name}：文件已损坏（{bad} 校验失败）。")
    except zipfile.BadZipFile:
        raise LedgerError(f"{name}：文件不完整或已损坏，无法作为 Excel 工作簿打开。") from None
    except (OSError, EOFError) as error:
        raise LedgerError(f"{name}：文件已损坏（{error}）。") from None


def open_workbook(path: Path, max_rows: int = MAX_ROWS, data_only: bool = True):
    """A read-only openpyxl workbook (cached values, or with ``data_only=False`` the formulas
    themselves); LedgerError naming the file otherwise."""
    check_zip(path, max_rows)
    from openpyxl import load_workbook  # slow to import: loaded when a workbook is first read

    try:
        return load_workbook(path, read_only=True, data_only=data_only)
    except LedgerError:
        raise
    except Exception as error:  # defusedxml, zip, XML and openpyxl's own errors all mean "bad file"
        raise parse_failure(path, error) from None


def parse_failure(path: Path, error: Exception) -> LedgerError:
    """The message for a workbook that fails while openpyxl parses it."""
    reason = type(error).__name__
    if "Entities" in reason or "DTD" in reason:
        return LedgerError(f"{path.name}：文件中含有 XML 实体定义（可能是恶意构造的文件），已拒绝。")
    return LedgerError(f"{path.name}：无法作为 Excel 工作簿读取（{reason}：{error}）。")


def sheet_rows(path: Path, sheet, limit: int = MAX_ROWS):
    """The sheet's rows as tuples of values, refusing past ``limit`` rows without reading them all."""
    declared = sheet.max_row if sheet.max_row is not None else 0
    if declared > limit:
        raise LedgerError(f"{path.name}：工作表“{sheet.title}”有 {declared} 行，超过上限 {limit} 行，已拒绝。")
    try:
        for number, row in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
            if number > limit:
                raise LedgerError(f"{path.name}：工作表“{sheet.title}”超过上限 {limit} 行，已拒绝。")
            yield row
    except LedgerError:
        raise
    except Exception as error:
        reason = type(error).__name__
        if "Entities" in reason or "DTD" in reason:
            raise LedgerError(f"{path.name}：文件中含有 XML 实体定义（可能是恶意构造的文件），已拒绝。") from None
        raise LedgerError(f"{path.name}：工作表“{sheet.title}”无法读取（{reason}）。") from None
