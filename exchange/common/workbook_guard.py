"""Opening a file someone else made, safely: checked before any parser sees it.

A plan workbook, a values workbook, a county's return, a unit's filled form or a certificate
arrives by e-mail or USB stick. Every reader goes through this module. ``read_small_file`` is
the check for plain files (a path that is a folder, unreadable or too big is refused). For a
workbook, ``check_zip`` streams every member of the zip once before openpyxl parses anything:
the file must be an xlsx (not .xls, .ods or a renamed document), must not unpack out of
proportion (a zip bomb), must not hold a DOCTYPE or entity anywhere (not only in the prolog),
and no member may hold more rows or cells than the reader allows, counted whatever namespace
prefix the elements carry (``<x:row>``). ``open_workbook`` then opens it read-only, which
streams rows, with defusedxml refusing XML entities; ``sheet_rows`` yields its rows, refusing
a number that is not finite (INF, NaN) by its cell. Every refusal names the file and the limit.
"""
from __future__ import annotations

import math
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from models.errors import LedgerError

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 150 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 40 * 1024 * 1024  # openpyxl holds the whole table in memory
MAX_RATIO = 200  # unpacked / packed; real members stay far below (a return's sheets: about 10)
RATIO_FROM_BYTES = 8 * 1024 * 1024  # small members may compress better (a sheet of empty cells)
MAX_ROWS = 5000
MAX_COLUMNS = 60
CELLS_PER_ROW = 60  # the cell limit of a sheet is its row limit times this

# An element's start written with a namespace prefix (<x:row …>, <ns0:c r="A1">); without one,
# plain byte counts find them faster. Each match starts at its "<" and holds no other "<", so
# splitting a stream just before its last "<" splits no match.
_PREFIXED_ROW = re.compile(rb"<[^\s<>/:!?]+:row[\s/>]")
_PREFIXED_CELL = re.compile(rb"<[^\s<>/:!?]+:c[\s/>]")
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
# A number cell's value that may not be finite (INF, NaN, 1E999), and the cell's start tag before it.
_ODD_NUMBER = re.compile(rb"<(?:[^\s<>/:!?]+:)?v>\s*([-+]?(?:inf(?:inity)?|nan|[\d.]+e[-+]?\d{3,}))\s*(?![\w.])", re.I)
_CELL_TAG = re.compile(rb"<(?:[^\s<>/:!?]+:)?c\s([^>]*)>")
MAX_CELLS = 500_000  # per part, whatever its rows: about 40 MB while a workbook is checked
_CHUNK = 1 << 20


def column_letter(index: int) -> str:
    """0 → A, 26 → AA (the letter a user sees in Excel)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _file_size(path: Path) -> int:
    """The size of a file that exists and is a file; a message naming it otherwise."""
    try:
        if path.is_dir():
            raise LedgerError(f"{path.name}：这是一个文件夹，不是文件。")
        return path.stat().st_size
    except FileNotFoundError:
        raise LedgerError(f"找不到文件 {path}。") from None
    except OSError as error:
        raise LedgerError(f"{path.name}：无法读取文件（{_reason(error)}）。") from None


def _reason(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "没有读取权限"
    return error.strerror or "系统错误"


def read_small_file(path: Path, max_bytes: int, what: str) -> bytes:
    """The bytes of a small file (a certificate); refused naming the file when it is a folder,
    unreadable or larger than ``max_bytes``."""
    path = Path(path)
    size = _file_size(path)
    if size > max_bytes:
        raise LedgerError(f"{path.name}：文件有 {size // 1024} KB，{what}不应超过 {max_bytes // 1024} KB。")
    try:
        return path.read_bytes()
    except OSError as error:
        raise LedgerError(f"{path.name}：无法读取文件（{_reason(error)}）。") from None


def check_zip(path: Path, max_rows: int = MAX_ROWS, max_cells: int | None = None) -> None:
    """Refuse what is not an xlsx, would unpack out of proportion, declares XML entities, or
    holds a part of more than ``max_rows`` rows or ``max_cells`` cells (by default
    ``max_rows × CELLS_PER_ROW``, at most MAX_CELLS), before any XML is parsed."""
    path = Path(path)
    name = path.name
    size = _file_size(path)
    if size > MAX_FILE_BYTES:
        raise LedgerError(f"{name}：文件有 {size / 2**20:.0f} MB，超过上限 {MAX_FILE_BYTES // 2**20} MB。")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as error:
        raise LedgerError(f"{name}：无法读取文件（{_reason(error)}）。") from None
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
            _check_sizes(name, members)
            for member in members:
                _check_member(name, archive, member, max_rows, max_cells or min(max_rows * CELLS_PER_ROW, MAX_CELLS))
    except zipfile.BadZipFile:
        raise LedgerError(f"{name}：文件不完整或已损坏，无法作为 Excel 工作簿打开。") from None
    except (OSError, EOFError, zlib.error, zipfile.LargeZipFile, NotImplementedError, RuntimeError):
        # zlib and CRC errors, unsupported compression or an encrypted member
        raise LedgerError(f"{name}：文件已损坏，无法解压。") from None


def _check_sizes(name: str, members: list[zipfile.ZipInfo]) -> None:
    """The sizes the zip declares (zipfile reads no more than them; a lying member fails its CRC)."""
    total = sum(member.file_size for member in members)
    if total > MAX_UNPACKED_BYTES:
        raise LedgerError(f"{name}：解压后 {total / 2**20:.0f} MB，超过上限 {MAX_UNPACKED_BYTES // 2**20} MB。")
    for member in members:
        if member.file_size > RATIO_FROM_BYTES and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise LedgerError(f"{name}：其中 {member.filename} 解压后异常膨胀（压缩比超过上限 {MAX_RATIO}），"
                              "可能是恶意构造的文件，已拒绝。")
        if member.filename.lower().endswith("sharedstrings.xml") and member.file_size > MAX_SHARED_STRINGS_BYTES:
            raise LedgerError(f"{name}：其中 {member.filename} 解压后 {member.file_size / 2**20:.0f} MB，"
                              f"超过上限 {MAX_SHARED_STRINGS_BYTES // 2**20} MB。")


def _check_member(name: str, archive: zipfile.ZipFile, member: zipfile.ZipInfo, max_rows: int,
                  max_cells: int) -> None:
    """One pass over a member: no DOCTYPE or ENTITY anywhere, rows and cells within the limits."""
    rows = cells = 0
    carry = b""
    with archive.open(member) as handle:
        while True:
            chunk = handle.read(_CHUNK)
            data = carry + chunk
            cut = data.rfind(b"<") if chunk else len(data)
            if cut < 0 or len(data) - cut > _CHUNK:  # no "<" for a whole chunk: no match to split
                cut = len(data)
            body, carry = data[:cut], data[cut:]
            if _DECLARATION.search(body):
                raise LedgerError(f"{name}：其中 {member.filename} 含有 XML 实体或文档类型定义（可能是恶意构造的文件），已拒绝。")
            rows += _count(body, b"row", _PREFIXED_ROW)
            cells += _count(body, b"c", _PREFIXED_CELL)
            _check_numbers(name, member.filename, body)
            if rows > max_rows:
                raise LedgerError(f"{name}：其中 {member.filename} 超过上限 {max_rows} 行，已拒绝。")
            if cells > max_cells:
                raise LedgerError(f"{name}：其中 {member.filename} 超过上限 {max_cells} 个单元格，已拒绝。")
            if not chunk:
                return


def _count(body: bytes, tag: bytes, prefixed: re.Pattern) -> int:
    return sum(body.count(b"<" + tag + end) for end in (b" ", b">", b"/", b"\t", b"\n", b"\r")) \
        + len(prefixed.findall(body))


def _check_numbers(name: str, member: str, body: bytes) -> None:
    """Refuse a number cell whose value is not finite, naming the cell (openpyxl would fail on
    INF and NaN, or read 1E999 as infinity)."""
    for match in _ODD_NUMBER.finditer(body):
        try:
            if math.isfinite(float(match.group(1))):
                continue
        except ValueError:
            pass
        tags = list(_CELL_TAG.finditer(body, max(0, match.start() - 4096), match.start()))
        attributes = tags[-1].group(1).decode("utf-8", "replace") if tags else ""
        kind = re.search(r'\bt="([^"]*)"', attributes)
        if kind and kind.group(1) not in ("n", ""):
            continue  # text or an error code that reads INF, not a number
        ref = re.search(r'\br="([A-Za-z]+\d+)"', attributes)
        where = f"单元格 {ref.group(1)} " if ref else "某个单元格"
        value = match.group(1).decode("ascii", "replace")
        raise LedgerError(f"{name}：其中 {member} {where}的数值（{value}）不是有限的数，已拒绝。")


def open_workbook(path: Path, max_rows: int = MAX_ROWS, data_only: bool = True, max_cells: int | None = None):
    """A read-only openpyxl workbook (cached values, or with ``data_only=False`` the formulas
    themselves) that passed ``check_zip``; LedgerError naming the file otherwise."""
    check_zip(path, max_rows, max_cells)
    from openpyxl import load_workbook  # openpyxl is slow to import: only when a workbook is read

    try:
        return read_whole(load_workbook(path, read_only=True, data_only=data_only))
    except LedgerError:
        raise
    except Exception as error:  # defusedxml, zip, XML and openpyxl's own errors all mean "bad file"
        raise parse_failure(path, error) from None


def read_whole(book):
    """The read-only workbook with each sheet's stated size forgotten: WPS may save a full sheet
    as `<dimension ref="A1"/>`, and openpyxl's read-only rows then stop at A1."""
    for sheet in book.worksheets:
        sheet.reset_dimensions()
    return book


def parse_failure(path: Path, error: Exception) -> LedgerError:
    """The message for a workbook that fails while openpyxl parses it (never the library's English)."""
    reason = type(error).__name__
    if "Entities" in reason or "DTD" in reason:
        return LedgerError(f"{Path(path).name}：文件中含有 XML 实体定义（可能是恶意构造的文件），已拒绝。")
    return LedgerError(f"{Path(path).name}：无法作为 Excel 工作簿读取（文件结构有误或已损坏）。")


def finite(path: Path, sheet: str, coordinate: str, value: Any) -> Any:
    """``value``, unless it is a number that is not finite (a cell holding INF or NaN)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise LedgerError(f"{Path(path).name}：工作表“{sheet}”单元格 {coordinate} "
                          f"的数值（{value}）不是有限的数，已拒绝。")
    return value


def sheet_rows(path: Path, sheet, limit: int = MAX_ROWS) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows as tuples of values, refusing past ``limit`` rows without reading them all,
    and refusing a cell whose number is not finite. The size a sheet declares is ignored: WPS may
    declare A1 for a full sheet."""
    sheet.reset_dimensions()
    try:
        for number, row in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
            if number > limit:
                raise LedgerError(f"{Path(path).name}：工作表“{sheet.title}”超过上限 {limit} 行，已拒绝。")
            for column, value in enumerate(row):
                finite(path, sheet.title, f"{column_letter(column)}{number}", value)
            yield row
    except LedgerError:
        raise
    except Exception as error:
        raise parse_failure(path, error) from None
