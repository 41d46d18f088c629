"""The signature inside every workbook the program writes (a county's return, the city's
consolidation), and its check.

A very hidden sheet 签名 holds a header (format, kind of workbook, period, version, content
digest, signing time, certificate, digest of the sheets' XML), then one row per data sheet: its
name, the SHA-256 of all its cells, what the sheet shows (its state, hidden rows and columns,
merged cells, zeros shown, conditional number formats) and a locator (a short hash per cell,
packed) that names a cell changed, added or cleared after signing. The header and those rows
are what the office key signs. Per cell the value, its type and its number format count, so a
format such as ``;;;"60天"`` that shows another figure is caught; fonts, fills, widths are free.

The signer and the verifier read the saved file the same way: one streaming pass over each
sheet's XML (openpyxl's read-only parser, formulas kept as formulas, so a formula never passes
for text that looks like one; exchange.signing.sheet_reader reads the common cells faster); the
signer reads each data sheet's XML as it goes into the file, in the one save that then writes
the signature sheet. Strings may sit inline (as this program writes them) or in the
shared-strings table (as Excel, WPS and LibreOffice save them), dates as serials or ISO text:
a workbook saved again by another program verifies when what it shows is unchanged, with a note
(its XML differs from the signed one). The pass also keeps the rows of the sheets asked for, so
a return is verified and read from one opening of the file. Workbooks signed in the previous
format (/2: value and type per cell only) still verify.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import io
import json
import zipfile
import zlib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from openpyxl import Workbook
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.styles.stylesheet import Stylesheet, write_stylesheet
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import fromstring, tostring

from exchange.common.workbook_guard import finite, open_workbook, parse_failure
from exchange.common.xlsx_cells import append
from exchange.signing.sheet_reader import SheetReader
from exchange.signing.identity import SigningKey, sign_bytes, signature_matches
from models.errors import LedgerError

SIGNATURE_SHEET = "签名"
SIGNATURE_FORMAT = "reform-ledger-xlsx-signature/3"
FORMAT_V2 = "reform-ledger-xlsx-signature/2"  # value and type per cell; still verified
# The header rows of the signature sheet, (label, key), per format; the sheet table follows
# after a blank row and its own header row.
HEADER_V2 = (("格式", "format"), ("文件类别", "kind"), ("期次", "period_id"), ("版本", "version"),
             ("内容摘要", "digest"), ("签名时间", "signed_at"), ("证书", "certificate"), ("签名", "signature"))
HEADER_FIELDS = HEADER_V2[:-1] + (("工作表文件摘要", "parts"), HEADER_V2[-1])
SHEETS_HEADER = ("工作表", "内容 SHA-256", "显示状态", "单元格定位")
MAX_ROWS = 100_000  # per sheet; a return of 200 indicators has about 4,000
_CELL_CHARS = 32_000  # Excel keeps at most 32,767 characters in a cell
# Below these a row (points) or a column (characters) shows nothing: counted as hidden.
MIN_ROW_HEIGHT, MIN_COLUMN_WIDTH = 3.0, 0.5
LAST_COLUMN = 16384
TYPE_NAMES = {"n": "数值", "s": "文本", "f": "公式", "b": "逻辑值", "d": "日期", "e": "错误值"}


@dataclass
class SheetScan:
    """One data sheet as read: the digest of all its cells, a short code per cell (value hash,
    format hash, type), the number formats by their hash, what it shows, its XML's digest."""

    name: str
    digest: Any = field(default_factory=hashlib.sha256)
    formats: dict[str, str] = field(default_factory=dict)  # format hash → the format as written
    layout: dict[str, str] = field(default_factory=dict)
    xml: Any = field(default_factory=hashlib.sha256)
    lines: list[tuple[str, bytes, str]] = field(default_factory=list)  # per cell: where, its line, its code's tail

    @property
    def hexdigest(self) -> str:
        return self.digest.hexdigest()

    @functools.cached_property
    def cells(self) -> dict[str, str]:
        """Coordinate → code: the hash of the cell's line, then (format /3) its format's hash and
        its type. Worked out when asked (to sign, or to name the cells of a sheet that differs),
        not for every sheet checked."""
        title = self.name.encode("utf-8") + b"!"
        return {where: hashlib.sha256(title + line).hexdigest()[:8] + tail for where, line, tail in self.lines}

    def locator(self) -> str:
        text = "\n".join(f"{coordinate} {code}" for coordinate, code in self.cells.items())
        return base64.b64encode(zlib.compress(text.encode("ascii"), 9)).decode("ascii")


@dataclass
class WorkbookScan:
    sheets: dict[str, SheetScan]  # the data sheets, in workbook order
    signature: list[tuple[Any, ...]]  # rows of the signature sheet; empty when unsigned
    kept: dict[str, list[tuple[Any, ...]]]  # rows of the sheets asked for, from row 1, gaps as ()
    version: int = 3  # the signature format the cells were read for

    def parts_digest(self) -> str:
        """SHA-256 of the data sheets' XML as stored: another program's save changes it."""
        text = "".join(f"{name}:{sheet.xml.hexdigest()}\n" for name, sheet in self.sheets.items())
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical(value: Any, data_type: str) -> str:
    """One cell as text in format /2, the same when signing and when checking."""
    if data_type == "f":
        return f"f:{value}"
    if isinstance(value, bool):
        return f"b:{value}"
    if isinstance(value, (int, float)):
        return f"n:{float(value)!r}"
    if isinstance(value, datetime):
        return f"d:{value.isoformat()}"
    return f"s:{value}"


def typed(value: Any, data_type: str) -> tuple[str, str]:
    """One cell in format /3: its type letter (TYPE_NAMES) and its value as text."""
    if data_type in ("f", "e"):
        return data_type, str(value)
    if isinstance(value, bool):
        return "b", str(value)
    if isinstance(value, (int, float)):
        return "n", repr(float(value))
    if isinstance(value, (datetime, date, time)):
        return "d", value.isoformat()
    if isinstance(value, timedelta):
        return "d", str(value.total_seconds())
    return "s", str(value)


class _HashingReader:
    """A file read through, its bytes hashed on the way (the XML digest, at no second read)."""

    def __init__(self, handle, digest) -> None:
        self.handle, self.digest = handle, digest

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _format_code(book, style_id: int) -> str:
    """A cell's number format as written in the file."""
    try:
        number = book._cell_styles[style_id].numFmtId
    except (IndexError, TypeError):
        return "General"
    if number < BUILTIN_FORMATS_MAX_SIZE:
        return BUILTIN_FORMATS.get(number, f"#{number}")  # a locale's built-in format: its number
    try:
        return book._number_formats[number - BUILTIN_FORMATS_MAX_SIZE]
    except IndexError:
        return f"#{number}"


# Characters a number format shows as they are, escaped or not (LibreOffice writes yyyy\-mm\-dd
# and 0\天 for yyyy-mm-dd and 0"天"); every other character is a code (0 # ? . , % E y m d h s …).
_SHOWN_AS_IS = set("$-+():!^&'~{}<>= ")


def canonical_format(code: str) -> str:
    """A number format in one spelling, so two spellings that show the same are equal: literal
    text (quoted, escaped, or a character shown as is) becomes one quoted run; [Red] and [RED]
    are one colour; General is ""."""
    if code.lower() == "general":
        return ""
    parts: list[str] = []
    literal = ""
    i = 0
    while i < len(code):
        ch = code[i]
        if ch == '"':
            end = code.find('"', i + 1)
            end = len(code) if end < 0 else end
            literal, i = literal + code[i + 1:end], end + 1
            continue
        if ch == "\\" and i + 1 < len(code):
            literal, i = literal + code[i + 1], i + 2
            continue
        if ch in _SHOWN_AS_IS and not (ch in "+-" and not literal and parts and parts[-1] in ("E", "e")) \
                or ord(ch) > 127:
            literal, i = literal + ch, i + 1
            continue
        if literal:
            parts.append(f'"{literal}"')
            literal = ""
        if ch in "_*" and i + 1 < len(code):  # a padding or a repeated character: two together
            parts.append(code[i:i + 2])
            i += 2
        elif ch == "[":
            end = code.find("]", i)
            end = len(code) - 1 if end < 0 else end
            parts.append(code[i:end + 1].lower())
            i = end + 1
        else:
            parts.append(ch)
            i += 1
    return "".join(parts) + (f'"{literal}"' if literal else "")


def _scan_sheet(path: Path | None, book, sheet, scan: SheetScan | None, rows: list | None, version: int) -> None:
    """Stream one sheet: hash its cells into ``scan``, keep its rows in ``rows`` (either may be None)."""
    formats: dict[int, tuple[bytes, str, str]] = {}  # style id → (canonical format, its hash, as written)
    with sheet._get_source() as source:
        parser = SheetReader(_HashingReader(source, scan.xml) if scan else source, sheet._shared_strings,
                             data_only=False, epoch=book.epoch, date_formats=book._date_formats,
                             timedelta_formats=book._timedelta_formats)
        for number, cells in parser.parse():
            if rows is not None:
                values: list[Any] = []
                for column, value, _kind, _style in cells:
                    values += [None] * (column - 1 - len(values)) + [value]
                rows += [()] * (number - 1 - len(rows)) + [tuple(values)]
            if scan is None:
                continue
            row, lines, digest = str(number), scan.lines, []
            for column, value, data_type, style in cells:
                if value is None or value == "":
                    continue
                coordinate = get_column_letter(column) + row
                if isinstance(value, float):
                    finite(path or Path(sheet.title), sheet.title, coordinate, value)
                if version == 2:
                    line = f"{coordinate}={canonical(value, data_type)}\n".encode("utf-8")
                    digest.append(line)
                    lines.append((coordinate, line, ""))
                    continue
                # Text, most cells, as typed() would have it, without the call.
                kind, text = ("s", value) if data_type == "s" and isinstance(value, str) else typed(value, data_type)
                style = style or 0
                if style not in formats:
                    written = _format_code(book, style)
                    code = canonical_format(written)
                    formats[style] = code.encode("utf-8"), hashlib.sha256(code.encode("utf-8")).hexdigest()[:4], written
                code, code_hash, written = formats[style]
                scan.formats[code_hash] = written
                line = f"{coordinate}={kind}:{text}".encode("utf-8")
                digest.append(line + b"|" + code + b"\n")
                lines.append((coordinate, line, code_hash + kind))
            scan.digest.update(b"".join(digest))
        if scan is not None:
            scan.layout = _layout(book, sheet, parser)


def _true(text: Any) -> bool:
    return str(text).strip().lower() in ("1", "true")


def _below(text: Any, minimum: float) -> bool:
    try:
        return float(text) < minimum
    except (TypeError, ValueError):
        return False


def _layout(book, sheet, parser) -> dict[str, str]:
    """What the sheet shows beyond its cells, as text per aspect: its state, hidden rows and
    columns (also those too small to see), merged ranges, whether zeros show, and ranges whose
    conditional formatting sets a number format."""
    rows = {int(r) for r, attrs in parser.row_dimensions.items()
            if _true(attrs.get("hidden")) or _below(attrs.get("ht"), MIN_ROW_HEIGHT)}
    columns: set[int] = set()
    for attrs in parser.column_dimensions.values():
        if _true(attrs.get("hidden")) or _below(attrs.get("width"), MIN_COLUMN_WIDTH):
            low = int(attrs.get("min", 1))
            columns.update(range(low, min(int(attrs.get("max", low)), LAST_COLUMN) + 1))
    defaults = []
    sheet_format = getattr(parser, "sheet_format", None)
    if sheet_format is not None:
        if sheet_format.zeroHeight or _below(sheet_format.defaultRowHeight, MIN_ROW_HEIGHT):
            defaults.append("rows")
        if _below(sheet_format.defaultColWidth, MIN_COLUMN_WIDTH):
            defaults.append("columns")
    views = getattr(parser, "views", None)
    zeros = all(view.showZeros is not False for view in views.sheetView) if views is not None else True
    merged = sorted(str(m.ref) for m in parser.merged_cells.mergeCell) if parser.merged_cells else []
    conditional = []
    for formatting in parser.formatting:
        for rule in formatting.rules:
            try:
                sets_format = book._differential_styles[rule.dxfId].numFmt is not None
            except (IndexError, TypeError):
                sets_format = rule.dxfId is not None
            if sets_format:
                conditional.append(str(formatting.sqref))
    return {"state": sheet.sheet_state or "visible", "rows": _spans(rows), "columns": _spans(columns, letters=True),
            "hidden_by_default": " ".join(defaults), "zeros": "shown" if zeros else "hidden",
            "merged": " ".join(merged), "conditional_formats": " ".join(sorted(set(conditional)))}


def _spans(numbers: set[int], letters: bool = False) -> str:
    """{1, 2, 3, 7} → "1-3 7" (columns: "A-C G")."""
    spans, ordered = [], sorted(numbers)
    start = previous = None
    for n in ordered + [None]:
        if start is not None and n == previous + 1:
            previous = n
            continue
        if start is not None:
            first, last = (get_column_letter(start), get_column_letter(previous)) if letters else (start, previous)
            spans.append(f"{first}" if start == previous else f"{first}-{last}")
        start = previous = n
    return " ".join(spans)


def _unspan(text: str, letters: bool = False) -> set[int]:
    numbers: set[int] = set()
    for span in text.split():
        first, _, last = span.partition("-")
        low, high = (column_index_from_string(first), column_index_from_string(last or first)) if letters \
            else (int(first), int(last or first))
        numbers.update(range(low, high + 1))
    return numbers


def _signature_version(rows: list[tuple[Any, ...]]) -> int:
    return 2 if rows and len(rows[0]) > 1 and rows[0][1] == FORMAT_V2 else 3


def scan_book(book, keep: Collection[str] = (), path: Path | None = None) -> WorkbookScan:
    """One pass over every sheet of a read-only, formulas-kept workbook: the signature sheet first,
    so the data sheets are read for the format it was written in."""
    signature: list[tuple[Any, ...]] = []
    if SIGNATURE_SHEET in book.sheetnames:
        _scan_sheet(path, book, book[SIGNATURE_SHEET], None, signature, 3)
    version = _signature_version(signature)
    sheets, kept = {}, {}
    for sheet in book.worksheets:
        if sheet.title == SIGNATURE_SHEET:
            continue
        scan = sheets.setdefault(sheet.title, SheetScan(sheet.title))
        rows = [] if sheet.title in keep else None
        _scan_sheet(path, book, sheet, scan, rows, version)
        if rows is not None:
            kept[sheet.title] = rows
    return WorkbookScan(sheets, signature, kept, version)


def scan_file(path: Path, keep: Collection[str] = ()) -> WorkbookScan:
    """Scan a received file, through the guard (size, zip bomb, XML entities, row and cell limits)."""
    book = open_workbook(Path(path), MAX_ROWS, data_only=False)
    try:
        return scan_book(book, keep, Path(path))
    except LedgerError:
        raise
    except Exception as error:  # XML and zip errors met while streaming a sheet
        raise parse_failure(Path(path), error) from None
    finally:
        book.close()


# ---- signing -------------------------------------------------------------------------------

def signed_payload(fields: dict[str, str], sheets: list[tuple[str, ...]], header=HEADER_FIELDS) -> bytes:
    """The exact bytes signed: the header (without the signature) and the sheet table."""
    head = {k: fields.get(k, "") for _label, k in header if k != "signature"}
    return json.dumps([head, sheets], ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _layout_text(layout: dict[str, str]) -> str:
    return json.dumps(layout, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sign_workbook(book: Workbook, key: SigningKey, kind: str, period_id: str, version: int = 0,
                  digest: str = "") -> bytes:
    """Add the signature sheet to ``book`` and return the saved bytes. ``kind`` says what the
    workbook is (报表 / 汇总); ``digest`` is its content digest where it has one (a return's).
    The workbook is saved once: each data sheet is scanned from its XML as written, and the
    signature sheet, written last, is filled from those scans just before it is written."""
    if SIGNATURE_SHEET in book.sheetnames:
        raise LedgerError(f"工作簿已有“{SIGNATURE_SHEET}”工作表，不能再次签名。")
    book.create_sheet(SIGNATURE_SHEET).sheet_state = "veryHidden"

    def fill(ws, written: dict[str, bytes]) -> None:
        scan = _written_scan(book, written)
        sheets = [(s.name, s.hexdigest, _layout_text(s.layout), s.locator()) for s in scan.sheets.values()]
        fields = {
            "format": SIGNATURE_FORMAT, "kind": kind, "period_id": period_id, "version": str(version),
            "digest": digest, "signed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "certificate": base64.b64encode(key.certificate.public_bytes(serialization.Encoding.DER)).decode("ascii"),
            "parts": scan.parts_digest(),
        }
        fields["signature"] = base64.b64encode(sign_bytes(key, signed_payload(fields, sheets))).decode("ascii")
        rows = [[label, fields[k]] for label, k in HEADER_FIELDS] + [[], list(SHEETS_HEADER)]
        rows += [[name, digest_hex, layout] + [locator[at:at + _CELL_CHARS] for at in range(0, len(locator), _CELL_CHARS)]
                 for name, digest_hex, layout, locator in sheets]
        for values in rows:
            append(ws, values)  # text, even a sheet name starting with =

    buffer = io.BytesIO()
    book.properties.modified = datetime.now(timezone.utc).replace(tzinfo=None)  # as openpyxl's save
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        _SigningWriter(book, archive, fill).save()
    return buffer.getvalue()


class _SigningWriter(ExcelWriter):
    """openpyxl's writer, keeping each data sheet's XML as it went into the file and handing it
    to ``fill`` before it writes the signature sheet (the last one)."""

    def __init__(self, book: Workbook, archive: zipfile.ZipFile,
                 fill: Callable[[Any, dict[str, bytes]], None]) -> None:
        super().__init__(book, archive)
        self.fill, self.written = fill, {}

    def write_worksheet(self, ws) -> None:
        if ws.title == SIGNATURE_SHEET:
            self.fill(ws, self.written)
        super().write_worksheet(ws)
        if ws.title != SIGNATURE_SHEET:
            self.written[ws.title] = self._archive.read(ws.path[1:])


def _written_scan(book: Workbook, written: dict[str, bytes]) -> WorkbookScan:
    """The data sheets as just written, scanned as a verifier scans the saved file: their XML,
    read with the styles as the file holds them (openpyxl's reader of the stylesheet it writes)."""
    styles = Stylesheet.from_tree(fromstring(tostring(write_stylesheet(book))))
    sheets = [SimpleNamespace(title=ws.title, sheet_state=ws.sheet_state, _shared_strings=[],
                              _get_source=lambda xml=written[ws.title]: io.BytesIO(xml))
              for ws in book.worksheets if ws.title in written]
    read_as = SimpleNamespace(epoch=book.epoch, _cell_styles=styles.cell_styles,
                              _number_formats=styles.number_formats, _date_formats=styles.date_formats,
                              _timedelta_formats=styles.timedelta_formats, _differential_styles=styles.dxfs,
                              worksheets=sheets, sheetnames=[sheet.title for sheet in sheets])
    return scan_book(read_as)


# ---- checking ------------------------------------------------------------------------------

RESAVED_NOTE = "文件已被其他程序另存，内容未变。"


@dataclass
class SignatureCheck:
    """What the signature sheet says and what differs; ``problems`` empty means intact.
    ``notes`` say what changed without changing what the workbook shows."""

    signed: bool = False
    fields: dict[str, str] = field(default_factory=dict)
    certificate: x509.Certificate | None = None
    signed_at: datetime | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def check_signature(scan: WorkbookScan) -> SignatureCheck:
    """Check the signature sheet of a scanned workbook against its cells and what its sheets show."""
    check = SignatureCheck()
    if not scan.signature:
        check.problems.append("工作簿未签名（没有签名页）。")
        return check
    header = HEADER_V2 if scan.version == 2 else HEADER_FIELDS
    # Every row as four or more texts, however the sheet was edited: a bad file never raises.
    text = [tuple("" if v is None else str(v) for v in row) + ("", "", "", "") for row in scan.signature]
    fields = {k: text[r][1] if r < len(text) else "" for r, (_label, k) in enumerate(header)}
    if fields["format"] not in (SIGNATURE_FORMAT, FORMAT_V2):
        check.problems.append("签名页格式无法识别。")
        return check
    check.signed, check.fields = True, fields
    table = [row for row in text[len(header) + 2:] if row[0]]
    signed = [(row[0], row[1], "".join(row[2:])) for row in table] if scan.version == 2 \
        else [(row[0], row[1], row[2], "".join(row[3:])) for row in table]
    try:
        check.signed_at = datetime.fromisoformat(fields["signed_at"])
        if check.signed_at.tzinfo is None:  # we always write UTC; a bare time cannot be compared
            raise ValueError(fields["signed_at"])
        check.certificate = x509.load_der_x509_certificate(base64.b64decode(fields["certificate"]))
        signature = base64.b64decode(fields["signature"])
    except ValueError:
        check.problems.append("签名页已损坏：签名时间、证书或签名无法读取。")
        return check
    if not signature_matches(check.certificate, signature, signed_payload(fields, signed, header)):
        check.problems.append("签名无效：签名页的内容与签名不符（签名页被改动或签名证书不符）。")
        return check
    then = {row[0]: row[1:] for row in signed}
    for name in scan.sheets.keys() - then.keys():
        check.problems.append(f"工作表“{name}”在签名后新增")
    for name, signed_row in then.items():
        now = scan.sheets.get(name)
        if now is None:
            check.problems.append(f"工作表“{name}”在签名后被删除")
            continue
        if scan.version == 3:
            check.problems += _layout_changes(name, _json(signed_row[1]), now.layout)
        if now.hexdigest != signed_row[0]:
            check.problems += _changed_cells(now, _unpack(signed_row[-1]))
    if not check.problems and scan.version == 3 and fields["parts"] != scan.parts_digest():
        check.notes.append(RESAVED_NOTE)
    return check


def _json(text: str) -> dict[str, str]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}  # cannot happen once the signature matched
    return value if isinstance(value, dict) else {}


def _unpack(locator: str) -> dict[str, str]:
    try:
        text = zlib.decompress(base64.b64decode(locator)).decode("ascii")
    except (ValueError, zlib.error):
        return {}  # cannot happen once the signature matched; then the sheet is reported whole
    return dict(line.split(" ", 1) for line in text.splitlines() if " " in line)


CELLS_NAMED = 20  # changed cells named one by one per sheet; the rest are counted


def _changed_cells(sheet: SheetScan, then: dict[str, str]) -> list[str]:
    """Each cell whose value, type or number format differs, in words. A code is the value's
    hash (8), the format's hash (4) and the type letter; a /2 code the value's hash only."""
    name, now, problems = sheet.name, sheet.cells, []
    for cell in sorted(then.keys() | now.keys(), key=_cell_order):
        was, new = then.get(cell), now.get(cell)
        where = f"工作表“{name}”单元格 {cell}"
        if new is None:
            problems.append(f"{where} 在签名后被清空或删除")
        elif was is None:
            problems.append(f"{where} 在签名后新增了内容")
        elif was != new:
            if len(was) <= 8:  # format /2: the value (with its type) alone
                problems.append(f"{where} 与签名时的值不同")
                continue
            kind_then, kind_now = was[12:], new[12:]
            if kind_now == "f" and kind_then != "f":
                problems.append(f"{where} 在签名后被改为公式")
            elif kind_then != kind_now:
                problems.append(f"{where} 的类型被改动（签名时为{TYPE_NAMES.get(kind_then, kind_then)}，"
                                f"现为{TYPE_NAMES.get(kind_now, kind_now)}）")
            elif was[:8] != new[:8]:
                problems.append(f"{where} 与签名时的值不同")
            if was[8:12] != new[8:12]:
                shown = sheet.formats.get(new[8:12], "General")
                shown = shown if canonical_format(shown) else "常规"
                problems.append(f"{where} 的显示格式被改动（现为 {shown}）")
    if len(problems) > CELLS_NAMED:  # a sheet rewritten whole: the first cells say enough
        problems[CELLS_NAMED:] = [f"工作表“{name}”另有 {len(problems) - CELLS_NAMED} 处单元格与签名时不同"]
    # Same cells, same values, yet another digest: cells repeated or reordered inside the file.
    return problems or [f"工作表“{name}”的内容与签名时不同（单元格被重复或调换）"]


def _layout_changes(name: str, then: dict[str, str], now: dict[str, str]) -> list[str]:
    """What the sheet shows beyond its cells, in words."""
    sheet, problems = f"工作表“{name}”", []
    if then.get("state", "visible") != now["state"]:
        problems.append(f"{sheet}在签名后被{'取消隐藏' if now['state'] == 'visible' else '隐藏'}")
    for key, letters, unit in (("rows", False, "行"), ("columns", True, "列")):
        before, after = _unspan(then.get(key, ""), letters), _unspan(now[key], letters)
        for numbers, what in ((after - before, "被隐藏"), (before - after, "被取消隐藏")):
            if numbers:
                spans = _spans(numbers, letters).replace(" ", "、")
                problems.append(f"{sheet}第 {spans} {unit}{what}" if not letters else f"{sheet} {spans} {unit}{what}")
    if then.get("hidden_by_default", "") != now["hidden_by_default"]:
        problems.append(f"{sheet}的行或列被设为默认隐藏（未写明高度或宽度的都看不见）")
    if then.get("zeros", "shown") != now["zeros"]:
        problems.append(f"{sheet}被设为{'不显示' if now['zeros'] == 'hidden' else '显示'}零值")
    before, after = set(then.get("merged", "").split()), set(now["merged"].split())
    problems += [f"{sheet}单元格 {ref} 在签名后被合并（只显示左上角的值）" for ref in sorted(after - before)]
    problems += [f"{sheet}合并单元格 {ref} 在签名后被拆分" for ref in sorted(before - after)]
    if then.get("conditional_formats", "") != now["conditional_formats"]:
        problems.append(f"{sheet}的条件格式改变了显示格式（{now['conditional_formats'] or '已删除'}）")
    return problems


def _cell_order(cell: str) -> tuple[int, str]:
    letters = cell.rstrip("0123456789")
    return int(cell[len(letters):] or 0), letters.rjust(3)
