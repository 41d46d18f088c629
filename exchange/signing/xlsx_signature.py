"""The signature inside every workbook the program writes (a county's return, the city's
consolidation), and its check.

A very hidden sheet 签名 holds a header (format, kind of workbook, period, version, content
digest, signing time, certificate), then one row per data sheet: its name, the SHA-256 of all its
cells, and a locator (a short hash per cell, packed) that names a cell changed, added or cleared
after signing. The header and those rows are what the office key signs.

The signer and the verifier read the saved file the same way: one streaming pass over each
sheet's XML (openpyxl's read-only parser, formulas kept as formulas, so a formula never passes
for text that looks like one). The pass also keeps the rows of the sheets asked for, so a return
is verified and read from one opening of the file.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import zlib
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser  # the parser read-only mode streams with

from exchange.common.workbook_guard import open_workbook, parse_failure
from exchange.signing.identity import SigningKey, sign_bytes, signature_matches
from models.errors import LedgerError

SIGNATURE_SHEET = "签名"
SIGNATURE_FORMAT = "reform-ledger-xlsx-signature/2"
# The header rows of the signature sheet, (label, key); the sheet table starts at SHEETS_ROW.
HEADER_FIELDS = (("格式", "format"), ("文件类别", "kind"), ("期次", "period_id"), ("版本", "version"),
                 ("内容摘要", "digest"), ("签名时间", "signed_at"), ("证书", "certificate"), ("签名", "signature"))
SHEETS_ROW = len(HEADER_FIELDS) + 2
SHEETS_HEADER = ("工作表", "内容 SHA-256", "单元格定位")
MAX_ROWS = 100_000  # per sheet; a return of 200 indicators has about 4,000
_CELL_CHARS = 32_000  # Excel keeps at most 32,767 characters in a cell


@dataclass
class SheetScan:
    """One data sheet as read: the digest of all its cells and a short hash per cell."""

    name: str
    digest: Any = field(default_factory=hashlib.sha256)
    cells: dict[str, str] = field(default_factory=dict)  # coordinate → short hash

    @property
    def hexdigest(self) -> str:
        return self.digest.hexdigest()

    def locator(self) -> str:
        text = "\n".join(f"{coordinate} {short}" for coordinate, short in self.cells.items())
        return base64.b64encode(zlib.compress(text.encode("ascii"), 9)).decode("ascii")


@dataclass
class WorkbookScan:
    sheets: dict[str, SheetScan]  # the data sheets, in workbook order
    signature: list[tuple[Any, ...]]  # rows of the signature sheet; empty when unsigned
    kept: dict[str, list[tuple[Any, ...]]]  # rows of the sheets asked for, from row 1, gaps as ()


def canonical(value: Any, data_type: str) -> str:
    """One cell as text, the same when signing and when checking."""
    if data_type == "f":
        return f"f:{value}"
    if isinstance(value, bool):
        return f"b:{value}"
    if isinstance(value, (int, float)):
        return f"n:{float(value)!r}"
    if isinstance(value, datetime):
        return f"d:{value.isoformat()}"
    return f"s:{value}"


def _parsed_rows(sheet, book):
    """(row number, cells) straight from the sheet's XML: every cell there, in file order,
    whatever the sheet's stated size (openpyxl's iter_rows trims to it)."""
    with sheet._get_source() as source:
        parser = WorkSheetParser(source, book.shared_strings, data_only=False, epoch=book.epoch,
                                 date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        yield from parser.parse()


def scan_book(book, keep: Collection[str] = ()) -> WorkbookScan:
    """One pass over every sheet of a read-only, formulas-kept workbook."""
    sheets, kept, signature = {}, {}, []
    for sheet in book.worksheets:
        is_signature = sheet.title == SIGNATURE_SHEET
        scan = None if is_signature else sheets.setdefault(sheet.title, SheetScan(sheet.title))
        rows = [] if is_signature or sheet.title in keep else None
        for number, cells in _parsed_rows(sheet, book):
            if rows is not None:
                values: list[Any] = []
                for cell in cells:
                    values += [None] * (cell["column"] - 1 - len(values)) + [cell["value"]]
                rows += [()] * (number - 1 - len(rows)) + [tuple(values)]
            if scan is None:
                continue
            for cell in cells:
                if cell["value"] is None or cell["value"] == "":
                    continue
                coordinate = f"{get_column_letter(cell['column'])}{number}"
                line = f"{coordinate}={canonical(cell['value'], cell['data_type'])}\n".encode("utf-8")
                scan.digest.update(line)
                scan.cells[coordinate] = hashlib.sha256(sheet.title.encode("utf-8") + b"!" + line).hexdigest()[:8]
        if is_signature:
            signature = rows
        elif rows is not None:
            kept[sheet.title] = rows
    return WorkbookScan(sheets, signature, kept)


def scan_file(path: Path, keep: Collection[str] = ()) -> WorkbookScan:
    """Scan a received file, through the guard (size, zip bomb, XML entities, row limits)."""
    book = open_workbook(Path(path), MAX_ROWS, data_only=False)
    try:
        return scan_book(book, keep)
    except LedgerError:
        raise
    except Exception as error:  # XML and zip errors met while streaming a sheet
        raise parse_failure(Path(path), error) from None
    finally:
        book.close()


# ---- signing -------------------------------------------------------------------------------

def signed_payload(fields: dict[str, str], sheets: list[tuple[str, str, str]]) -> bytes:
    """The exact bytes signed: the header (without the signature) and the sheet table."""
    head = {k: fields.get(k, "") for _label, k in HEADER_FIELDS if k != "signature"}
    return json.dumps([head, sheets], ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign_workbook(book: Workbook, key: SigningKey, kind: str, period_id: str, version: int = 0,
                  digest: str = "") -> bytes:
    """Add the signature sheet to ``book`` and return the saved bytes. ``kind`` says what the
    workbook is (报表 / 汇总); ``digest`` is its content digest where it has one (a return's)."""
    if SIGNATURE_SHEET in book.sheetnames:
        raise LedgerError(f"工作簿已有“{SIGNATURE_SHEET}”工作表，不能再次签名。")
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    saved = load_workbook(buffer, read_only=True, data_only=False)
    try:
        scan = scan_book(saved)
    finally:
        saved.close()
    sheets = [(s.name, s.hexdigest, s.locator()) for s in scan.sheets.values()]
    fields = {
        "format": SIGNATURE_FORMAT, "kind": kind, "period_id": period_id, "version": str(version), "digest": digest,
        "signed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "certificate": base64.b64encode(key.certificate.public_bytes(serialization.Encoding.DER)).decode("ascii"),
    }
    fields["signature"] = base64.b64encode(sign_bytes(key, signed_payload(fields, sheets))).decode("ascii")
    ws = book.create_sheet(SIGNATURE_SHEET)
    ws.sheet_state = "veryHidden"
    rows = [[label, fields[k]] for label, k in HEADER_FIELDS] + [[], list(SHEETS_HEADER)]
    rows += [[name, digest_hex] + [locator[at:at + _CELL_CHARS] for at in range(0, len(locator), _CELL_CHARS)]
             for name, digest_hex, locator in sheets]
    for row, values in enumerate(rows, 1):
        for column, value in enumerate(values, 1):
            ws.cell(row, column, value).data_type = "s"  # text, even a sheet name starting with =
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---- checking ------------------------------------------------------------------------------

@dataclass
class SignatureCheck:
    """What the signature sheet says and what differs; ``problems`` empty means intact."""

    signed: bool = False
    fields: dict[str, str] = field(default_factory=dict)
    certificate: x509.Certificate | None = None
    signed_at: datetime | None = None
    problems: list[str] = field(default_factory=list)


def check_signature(scan: WorkbookScan) -> SignatureCheck:
    """Check the signature sheet of a scanned workbook against its cells."""
    check = SignatureCheck()
    if not scan.signature:
        check.problems.append("工作簿未签名（没有签名页）。")
        return check
    # Every row as three or more texts, however the sheet was edited: a bad file never raises.
    text = [tuple("" if v is None else str(v) for v in row) + ("", "", "") for row in scan.signature]
    fields = {k: text[r][1] if r < len(text) else "" for r, (_label, k) in enumerate(HEADER_FIELDS)}
    if fields["format"] != SIGNATURE_FORMAT:
        check.problems.append("签名页格式无法识别。")
        return check
    check.signed, check.fields = True, fields
    signed = [(row[0], row[1], "".join(row[2:])) for row in text[SHEETS_ROW:] if row[0]]
    try:
        check.signed_at = datetime.fromisoformat(fields["signed_at"])
        if check.signed_at.tzinfo is None:  # we always write UTC; a bare time cannot be compared
            raise ValueError(fields["signed_at"])
        check.certificate = x509.load_der_x509_certificate(base64.b64decode(fields["certificate"]))
        signature = base64.b64decode(fields["signature"])
    except ValueError:
        check.problems.append("签名页已损坏：签名时间、证书或签名无法读取。")
        return check
    if not signature_matches(check.certificate, signature, signed_payload(fields, signed)):
        check.problems.append("签名无效：签名页的内容与签名不符（签名页被改动或签名证书不符）。")
        return check
    then = {name: (digest_hex, locator) for name, digest_hex, locator in signed}
    for name in scan.sheets.keys() - then.keys():
        check.problems.append(f"工作表“{name}”在签名后新增")
    for name, (digest_hex, locator) in then.items():
        now = scan.sheets.get(name)
        if now is None:
            check.problems.append(f"工作表“{name}”在签名后被删除")
        elif now.hexdigest != digest_hex:
            check.problems += _changed_cells(name, _unpack(locator), now.cells)
    return check


def _unpack(locator: str) -> dict[str, str]:
    try:
        text = zlib.decompress(base64.b64decode(locator)).decode("ascii")
    except (ValueError, zlib.error):
        return {}  # cannot happen once the signature matched; then the sheet is reported whole
    return dict(line.split(" ", 1) for line in text.splitlines() if " " in line)


def _changed_cells(sheet: str, then: dict[str, str], now: dict[str, str]) -> list[str]:
    problems = []
    for cell in sorted(then.keys() | now.keys(), key=_cell_order):
        if cell not in now:
            problems.append(f"工作表“{sheet}”单元格 {cell} 在签名后被清空或删除")
        elif cell not in then:
            problems.append(f"工作表“{sheet}”单元格 {cell} 在签名后新增了内容")
        elif then[cell] != now[cell]:
            problems.append(f"工作表“{sheet}”单元格 {cell} 与签名时的值不同")
    # Same cells, same values, yet another digest: cells repeated or reordered inside the file.
    return problems or [f"工作表“{sheet}”的内容与签名时不同（单元格被重复或调换）"]


def _cell_order(cell: str) -> tuple[int, str]:
    letters = cell.rstrip("0123456789")
    return int(cell[len(letters):] or 0), letters.rjust(3)
