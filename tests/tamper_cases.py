"""The tamper suite's cases, shared by tests/test_tamper.py and tests/tamper_report.py.

``build_world`` writes, with the real export, 婺城区's signed return (workbook and PDF), 金东区's
for the same period, and an unregistered key. Each ``Case`` makes one altered (or harmlessly
changed) copy of 婺城区's files in a folder of its own; ``run_case`` checks it by
``verify_file`` and by the city's ``check_return``, as the consolidation does.
"""
from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook

PASS = "tamper-secret"
AS_OF = date(2023, 11, 1)
COUNTY, OTHER = "婺城区", "金东区"
TASKS, INDICATORS, DATA, SIGNATURE = "任务进展", "指标完成情况", "报送数据", "签名"


@dataclass
class World:
    folder: Path
    period_id: str
    xlsx: Path  # 婺城区's signed return
    pdf: Path
    other_xlsx: Path  # 金东区's
    other_pdf: Path
    keys: dict  # county → SigningKey (and "攻击者")
    trusted: dict[str, str]  # fingerprint → registered county
    resaved: Path | None = None  # 婺城区's return saved again by LibreOffice (None without soffice)


def build_world(folder: Path) -> World:
    """Two counties' signed returns of the demo ledger, and an outsider's key."""
    from exchange.returns.pdf_return import build_pdf
    from exchange.returns.return_data import build_return
    from exchange.returns.xlsx_return import write_xlsx
    from exchange.signing.identity import create_identity, fingerprint, unlock
    from exchange.signing.pdf_sign import sign_pdf
    from models.enums import PeriodType
    from models.office_profile import save_office_profile
    from models.periods import period_containing
    from models.plan_loader import initialise
    from models.store import Store

    period_id = period_containing(AS_OF, PeriodType.BIWEEKLY).id
    store = Store(folder / "county.db").open()
    try:
        initialise(store, demo=True)
        keys, files = {}, {}
        for county in (COUNTY, OTHER, "攻击者"):
            create_identity(folder / "id" / county, county, f"{county}营商办", PASS)
            keys[county] = unlock(folder / "id" / county, PASS)
        for county in (COUNTY, OTHER):
            save_office_profile(store, county=county, office_name=f"{county}营商办", preparer="", reviewer="",
                                approver="", phone="")
            with store.session() as session:
                data = build_return(session, period_id, AS_OF, 1)
            out = folder / county
            out.mkdir()
            xlsx = out / f"{data.file_stem}.xlsx"
            write_xlsx(data, xlsx, keys[county])
            pdf, stamp = build_pdf(data, draft=False)
            xlsx.with_suffix(".pdf").write_bytes(sign_pdf(pdf, keys[county], stamp, "签发", county))
            files[county] = xlsx
    finally:
        store.close()
    trusted = {fingerprint(keys[c].certificate): c for c in (COUNTY, OTHER)}
    world = World(folder, period_id, files[COUNTY], files[COUNTY].with_suffix(".pdf"), files[OTHER],
                  files[OTHER].with_suffix(".pdf"), keys, trusted)
    if shutil.which("soffice"):
        world.resaved = libreoffice_resave(world.xlsx, folder / "saved-by-libreoffice")
    return world


def libreoffice_resave(path: Path, out: Path) -> Path:
    out.mkdir(exist_ok=True)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{out}/profile", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=180)
    return out / path.name


# ---- ways to change a file ---------------------------------------------------------------------

def rewrite(source: Path, target: Path, changes: dict[str, Callable[[bytes], bytes]],
            compression: int = zipfile.ZIP_DEFLATED, reverse: bool = False) -> Path:
    """A copy of the zip with some members' bytes changed."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", compression) as out:
        items = src.infolist()[::-1] if reverse else src.infolist()
        for item in items:
            data = src.read(item)
            if item.filename in changes:
                data = changes[item.filename](data)
            out.writestr(item.filename, data)
    return target


def member(path: Path, sheet: str) -> str:
    """The zip member holding ``sheet``, as workbook.xml and its relationships say."""
    def attributes(tag: str) -> dict[str, str]:
        return dict(re.findall(r'([\w:]+)="([^"]*)"', tag))

    with zipfile.ZipFile(path) as archive:
        sheets = [attributes(t) for t in re.findall(r"<sheet\b[^>]*>", archive.read("xl/workbook.xml").decode())]
        rels = [attributes(t) for t in re.findall(r"<Relationship\b[^>]*>",
                                                 archive.read("xl/_rels/workbook.xml.rels").decode())]
    rid = next(s["r:id"] for s in sheets if s["name"] == sheet)
    target = next(r["Target"] for r in rels if r["Id"] == rid)
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def with_openpyxl(source: Path, target: Path, change: Callable) -> Path:
    book = load_workbook(source)
    change(book)
    book.save(target)
    return target


def replace_row(number: int, tag: str) -> Callable[[bytes], bytes]:
    """Replace the start tag of row ``number`` with ``tag`` (its attributes rewritten)."""
    def change(xml: bytes) -> bytes:
        new, count = re.subn(rb'<row r="%d"[^>]*>' % number, tag.encode(), xml, count=1)
        assert count == 1
        return new
    return change


def replace_once(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def change(xml: bytes) -> bytes:
        assert old in xml, old
        return xml.replace(old, new, 1)
    return change


def prefixed(xml: bytes) -> bytes:
    """The same sheet with every element written with the prefix x: (<x:row>, <x:c> …)."""
    xml = re.sub(rb"<(/?)([A-Za-z][\w]*)(?=[\s/>])", rb"<\1x:\2", xml)
    return xml.replace(b"<x:worksheet ", b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ', 1)


def shared_strings(source: Path, target: Path) -> Path:
    """Every inline string moved into a shared-strings table, as Excel and WPS save a workbook."""
    table: dict[str, int] = {}

    def to_shared(xml: bytes) -> bytes:
        def one(match: re.Match) -> bytes:
            text = match.group(2)
            index = table.setdefault(text.decode(), len(table))
            return match.group(1) + b't="s"><v>%d</v></c>' % index
        return re.sub(rb'(<c r="[A-Z]+\d+"(?: s="\d+")? )t="inlineStr"><is><t[^>]*>(.*?)</t></is></c>', one, xml,
                      flags=re.S)

    with zipfile.ZipFile(source) as src:
        sheets = [n for n in src.namelist() if n.startswith("xl/worksheets/sheet")]
    rewrite(source, target, {n: to_shared for n in sheets} | {
        "[Content_Types].xml": replace_once(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType='
                                            b'"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'),
        "xl/_rels/workbook.xml.rels": replace_once(b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.'
                                                   b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                                                   b'Target="sharedStrings.xml"/></Relationships>')})
    items = "".join(f"<si><t xml:space=\"preserve\">{text}</t></si>" for text in table)
    with zipfile.ZipFile(target, "a", zipfile.ZIP_DEFLATED) as out:
        out.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
                     f'openxmlformats.org/spreadsheetml/2006/main" count="{len(table)}" uniqueCount="{len(table)}">{items}</sst>')
    return target


def flip_byte_in(source: Path, target: Path, member: str) -> Path:
    """One byte flipped in the middle of a member's compressed data."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0x55
    target.write_bytes(bytes(data))
    return target


def signature_field(source: Path, target: Path, label: str, value: Callable[[str], str]) -> Path:
    def change(book):
        sheet = book["签名"]
        for row in sheet.iter_rows(max_col=2):
            if row[0].value == label:
                row[1].value = value(row[1].value)
    return with_openpyxl(source, target, change)


def find_cell(path: Path, sheet: str, test: Callable) -> str:
    book = load_workbook(path, read_only=True)
    try:
        for row in book[sheet].iter_rows(min_row=2):
            for cell in row:
                if cell.value is not None and test(cell.value):
                    return cell.coordinate
    finally:
        book.close()
    raise AssertionError(f"no such cell in {sheet}")


def data_number_cell(world: World) -> str:
    """A numeric value cell of 报送数据 (column E)."""
    return find_cell(world.xlsx, "报送数据", lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v > 1)


def add_pdf_signature(pdf: bytes, key) -> bytes:
    """A second, invisible signature appended in an incremental update."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    cert = asn1_x509.Certificate.load(key.certificate.public_bytes(serialization.Encoding.DER))
    private = asn1_keys.PrivateKeyInfo.load(key.private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    signer = signers.SimpleSigner(signing_cert=cert, signing_key=private, cert_registry=None)
    out = io.BytesIO()
    signers.PdfSigner(signers.PdfSignatureMetadata(field_name="Second"), signer).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), output=out)
    return out.getvalue()


def pdf_incremental_update(pdf: bytes) -> bytes:
    """A change appended after the signature (the document's title replaced)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    writer.root["/PageMode"] = generic.NameObject("/UseOutlines")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_flip(pdf: bytes) -> bytes:
    """One byte flipped inside the first content stream (within the signed range)."""
    data = bytearray(pdf)
    at = data.index(b"stream", len(data) // 10) + 40
    data[at] ^= 0x55
    return bytes(data)


# ---- the cases ---------------------------------------------------------------------------------

@dataclass
class Case:
    name: str
    what: str  # the change, in words
    make: Callable[[World, Path], Path]  # writes the changed file into the folder, returns it
    expect: str  # words the verification must say ("" for a benign change: valid)
    state: str = "altered"  # the consolidation's receipt state
    county: str = COUNTY  # the county the consolidation names ("" when it cannot know)
    note: str = ""  # a note a benign change must carry
    receipt_expect: str | None = None  # words of the consolidation's receipt, when not ``expect``

    @property
    def benign(self) -> bool:
        return not self.expect


def _copy(world: World, folder: Path) -> Path:
    return Path(shutil.copy(world.xlsx, folder / world.xlsx.name))


def _edit(change: Callable) -> Callable[[World, Path], Path]:
    return lambda world, folder: with_openpyxl(world.xlsx, folder / world.xlsx.name, lambda book: change(book, world))


def _xml(sheet: str, change: Callable[[bytes], bytes]) -> Callable[[World, Path], Path]:
    """The XML of ``sheet`` (or of another member, named by its path) changed."""
    def make(world: World, folder: Path) -> Path:
        name = sheet if "/" in sheet else member(world.xlsx, sheet)
        return rewrite(world.xlsx, folder / world.xlsx.name, {name: change})
    return make


def _pdf(change: Callable[[World, bytes], bytes]) -> Callable[[World, Path], Path]:
    def make(world: World, folder: Path) -> Path:
        target = folder / world.pdf.name
        target.write_bytes(change(world, world.pdf.read_bytes()))
        return target
    return make


def _set(sheet: str, cell: str | Callable[[World], str], value) -> Callable:
    def change(book, world):
        book[sheet][cell(world) if callable(cell) else cell].value = value
    return change


def _format(book, world):
    book["指标完成情况"]["D4"].number_format = ';;;"60天"'


def _conditional(book, world):
    from openpyxl.formatting.rule import Rule
    from openpyxl.styles.differential import DifferentialStyle
    from openpyxl.styles.numbers import NumberFormat

    style = DifferentialStyle(numFmt=NumberFormat(numFmtId=200, formatCode=';;;"60天"'))
    book["指标完成情况"].conditional_formatting.add("D4:D6", Rule(type="expression", dxf=style, formula=["TRUE"]))


def _hide_row(book, world):
    book["指标完成情况"].row_dimensions[5].hidden = True


def _hide_column(book, world):
    book["指标完成情况"].column_dimensions["F"].hidden = True


def _hide_sheet(state: str):
    def change(book, world):
        book["指标完成情况"].sheet_state = state
    return change


def _no_zeros(book, world):
    book["任务进展"].sheet_view.showZeros = False


def _add_sheet(book, world):
    book.create_sheet("补充说明")["A1"] = "另附"


def _delete_sheet(book, world):
    del book["节点举措"]


def _rename_sheet(book, world):
    book["节点举措"].title = "节点"


def _append_row(book, world):
    book["报送数据"].append(["指标", "JH23-99", "value", "本期值", 100])


def _delete_row(book, world):
    book["报送数据"].delete_rows(20)


def _remove_signature(book, world):
    del book["签名"]


def _swap_signature(world: World, folder: Path) -> Path:
    with zipfile.ZipFile(world.other_xlsx) as other:
        theirs = other.read(member(world.other_xlsx, SIGNATURE))
    return rewrite(world.xlsx, folder / world.xlsx.name, {member(world.xlsx, SIGNATURE): lambda _xml: theirs})


def _replace_certificate(world: World, folder: Path) -> Path:
    from cryptography.hazmat.primitives import serialization

    der = world.keys[OTHER].certificate.public_bytes(serialization.Encoding.DER)
    return signature_field(world.xlsx, folder / world.xlsx.name, "证书", lambda _v: base64.b64encode(der).decode())


def _resign(world: World, folder: Path) -> Path:
    """The values changed, then the workbook signed again with an outsider's key."""
    from exchange.signing.documents import RETURN
    from exchange.signing.xlsx_signature import sign_workbook

    book = load_workbook(world.xlsx)
    del book["签名"]
    book["指标完成情况"]["D4"].value = "60天"
    target = folder / world.xlsx.name
    target.write_bytes(sign_workbook(book, world.keys["攻击者"], RETURN, world.period_id, 1))
    return target


def _duplicate_cell(xml: bytes) -> bytes:
    cell = re.search(rb'<c r="A4"[^>]*>.*?</c>', xml, flags=re.S).group(0)
    return xml.replace(cell, cell + cell.replace(b'r="A4"', b'r="A4"'), 1)


def _smuggle_cell(xml: bytes) -> bytes:
    return xml.replace(b"</sheetData>", b'<row r="4900"><c r="Z4900" t="inlineStr"><is><t>x</t></is></c></row></sheetData>', 1)


def _edit_inline(xml: bytes) -> bytes:
    """85天 → 60天 in the sheet's XML, however the writer escaped the character."""
    for old, new in (("85天".encode(), "60天".encode()), (b"85&#22825;", b"60&#22825;")):
        if old in xml:
            return xml.replace(old, new, 1)
    raise AssertionError("85天 not found")


def _merge(xml: bytes) -> bytes:
    return xml.replace(b'<mergeCell ref="A1:I1"/>', b'<mergeCell ref="A1:I1"/><mergeCell ref="C4:D4"/>', 1)


def _width_zero(xml: bytes) -> bytes:
    new, count = re.subn(rb'<col width="14" customWidth="1" min="4" max="4"/>',
                         b'<col width="0" customWidth="1" min="4" max="4"/>', xml)
    if not count:  # the writer may have grouped columns 3 and 4
        new, count = re.subn(rb'(<col [^>]*?)width="14"([^>]*?min="3" max="4"/>)', rb'\1width="0"\2', xml)
    assert count, "column D not found"
    return new


def _resaved_then(change: Callable[[bytes], bytes], sheet: str) -> Callable[[World, Path], Path]:
    def make(world: World, folder: Path) -> Path:
        assert world.resaved is not None
        name = sheet if "/" in sheet else member(world.resaved, sheet)
        return rewrite(world.resaved, folder / world.xlsx.name, {name: change})
    return make


def _resaved(world: World, folder: Path) -> Path:
    assert world.resaved is not None
    return Path(shutil.copy(world.resaved, folder / world.xlsx.name))


def _truncate(world: World, folder: Path) -> Path:
    target = folder / world.xlsx.name
    data = world.xlsx.read_bytes()
    target.write_bytes(data[: len(data) * 2 // 3])
    return target


def _other_pdf_beside(world: World, folder: Path) -> Path:
    target = _copy(world, folder)
    shutil.copy(world.other_pdf, target.with_suffix(".pdf"))
    return target


def _signature_visible(xml: bytes) -> bytes:
    return replace_once(b' state="veryHidden"', b"")(xml)


def _cosmetic(book, world):
    from openpyxl.styles import Font, PatternFill

    sheet = book["指标完成情况"]
    sheet.column_dimensions["B"].width = 50
    sheet["B4"].font = Font(bold=True, color="FF0000")
    sheet["B4"].fill = PatternFill("solid", fgColor="FFFF00")
    sheet.row_dimensions[4].height = 40


RESAVED = "文件已被其他程序另存，内容未变。"

CASES: list[Case] = [
    # cells: values, types, formulas
    Case("value", "指标完成情况!D4 85天 → 60天", _edit(_set("指标完成情况", "D4", "60天")), "单元格 D4 与签名时的值不同"),
    Case("data-value", "报送数据 一个数值改大", _edit(_set("报送数据", data_number_cell, 9999)), "与签名时的值不同"),
    Case("cover-text", "封面 报送单位改为金东区营商办", _edit(_set("封面", "B3", "金东区营商办")), "工作表“封面”单元格 B3 与签名时的值不同"),
    Case("cover-data", "报送数据 封面县名改为金东区", _edit(_set("报送数据", "E2", "金东区")), "工作表“报送数据”单元格 E2 与签名时的值不同"),
    Case("task-text", "任务进展!C5 任务名改动", _edit(_set("任务进展", "C5", "另一项任务")), "工作表“任务进展”单元格 C5 与签名时的值不同"),
    Case("cleared", "指标完成情况!D5 清空", _edit(_set("指标完成情况", "D5", None)), "单元格 D5 在签名后被清空或删除"),
    Case("added", "指标完成情况!J4 新增内容", _edit(_set("指标完成情况", "J4", "补充")), "单元格 J4 在签名后新增了内容"),
    Case("row-added", "报送数据 末尾加一行", _edit(_append_row), "在签名后新增了内容"),
    Case("row-deleted", "报送数据 删除第 20 行", _edit(_delete_row), "工作表“报送数据”单元格"),
    Case("formula", "指标完成情况!D4 改为公式 =\"60天\"", _edit(_set("指标完成情况", "D4", '="60天"')), "单元格 D4 在签名后被改为公式"),
    Case("data-formula", "报送数据 数值改为公式", _edit(_set("报送数据", data_number_cell, "=1+1")), "在签名后被改为公式"),
    Case("number-as-text", "任务进展!A4 数值 1 → 文本 \"1\"", _edit(_set("任务进展", "A4", "1")), "单元格 A4 的类型被改动（签名时为数值，现为文本）"),
    Case("text-as-number", "指标完成情况!F4 文本 → 数值 0.941", _edit(_set("指标完成情况", "F4", 0.941)), "单元格 F4 的类型被改动（签名时为文本，现为数值）"),
    Case("date-typed", "报送数据 一个数值改为日期", _edit(_set("报送数据", data_number_cell, datetime(2023, 11, 1))), "现为日期"),
    Case("bool-typed", "任务进展!A5 数值 → 逻辑值", _edit(_set("任务进展", "A5", True)), "现为逻辑值"),
    # what is shown beyond values
    Case("number-format", "指标完成情况!D4 格式 ;;;\"60天\"（显示 60天）", _edit(_format), "单元格 D4 的显示格式被改动（现为 ;;;\"60天\"）"),
    Case("percent-format", "任务进展!A4 格式 0%", _edit(lambda book, w: setattr(book["任务进展"]["A4"], "number_format", "0%")), "单元格 A4 的显示格式被改动"),
    Case("conditional-format", "指标完成情况 D4:D6 条件格式改显示格式", _edit(_conditional), "条件格式改变了显示格式"),
    Case("hidden-row", "指标完成情况 第 5 行隐藏", _edit(_hide_row), "工作表“指标完成情况”第 5 行被隐藏"),
    Case("hidden-column", "指标完成情况 F 列隐藏", _edit(_hide_column), "工作表“指标完成情况” F 列被隐藏"),
    Case("row-height-0", "指标完成情况 第 6 行高度 0", _xml(INDICATORS, replace_row(6, '<row r="6" ht="0" customHeight="1">')), "第 6 行被隐藏"),
    Case("column-width-0", "指标完成情况 D 列宽度 0", _xml(INDICATORS, _width_zero), "D 列被隐藏"),
    Case("hidden-sheet", "指标完成情况 工作表隐藏", _edit(_hide_sheet("hidden")), "工作表“指标完成情况”在签名后被隐藏"),
    Case("very-hidden-sheet", "指标完成情况 工作表深度隐藏", _edit(_hide_sheet("veryHidden")), "工作表“指标完成情况”在签名后被隐藏"),
    Case("merged", "指标完成情况 C4:D4 合并（D4 不再显示）", _xml(INDICATORS, _merge), "单元格 C4:D4 在签名后被合并"),
    Case("zeros-hidden", "任务进展 不显示零值", _edit(_no_zeros), "不显示零值"),
    # sheets and the signature sheet
    Case("sheet-added", "新增工作表 补充说明", _edit(_add_sheet), "工作表“补充说明”在签名后新增"),
    Case("sheet-deleted", "删除工作表 节点举措", _edit(_delete_sheet), "工作表“节点举措”在签名后被删除"),
    Case("sheet-renamed", "节点举措 改名为 节点", _edit(_rename_sheet), "工作表“节点举措”在签名后被删除"),
    Case("signature-removed", "删除签名页", _edit(_remove_signature), "工作簿未签名", state="unsigned"),
    Case("signature-swapped", "签名页换成金东区报表的签名页", _swap_signature, "与签名时的值不同", county=OTHER),
    Case("signature-period", "签名页期次改为 2023-B23", lambda w, f: signature_field(w.xlsx, f / w.xlsx.name, "期次", lambda _v: "2023-B23"), "签名无效"),
    Case("signature-value", "签名页签名值改动", lambda w, f: signature_field(w.xlsx, f / w.xlsx.name, "签名", lambda v: v[:-8] + "AAAAAAA="), "签名无效"),
    Case("signature-digest", "签名页工作表摘要改动", _xml(SIGNATURE, lambda x: re.sub(rb"<t>[0-9a-f]{64}</t>", b"<t>" + b"0" * 64 + b"</t>", x, count=1)), "签名无效"),
    Case("certificate-replaced", "签名页证书换成金东区的证书", _replace_certificate, "签名无效", county=OTHER),
    Case("resigned-outsider", "改值后用未登记的密钥重新签名", _resign, "不在已登记的受信任证书中", state="unregistered",
         county="攻击者", receipt_expect="不在本单位登记的证书中"),
    # the XML itself
    Case("xml-text", "指标完成情况 XML 中直接改 85天 → 60天", _xml(INDICATORS, _edit_inline), "单元格 D4 与签名时的值不同"),
    Case("xml-duplicate-cell", "任务进展 XML 中一个单元格写两次", _xml(TASKS, _duplicate_cell), "任务进展"),
    Case("xml-smuggled-cell", "任务进展 XML 在声明范围外加单元格 Z4900", _xml(TASKS, _smuggle_cell), "单元格 Z4900 在签名后新增了内容"),
    Case("byte-flip", "报送数据 压缩数据中一个字节翻转", lambda w, f: flip_byte_in(w.xlsx, f / w.xlsx.name, member(w.xlsx, DATA)), "已损坏", state="unreadable", county=""),
    Case("truncated", "工作簿截去后三分之一", _truncate, "不完整或已损坏", state="unreadable", county=""),
    # after a LibreOffice save (shared strings)
    # LibreOffice writes 85天 as rich text, a run per font: 85 and 天
    Case("resaved-value", "LibreOffice 另存后改共享字符串（富文本）85天 → 60天", _resaved_then(replace_once(b">85</t>", b">60</t>"), "xl/sharedStrings.xml"), "单元格 D4 与签名时的值不同"),
    Case("resaved-hidden-row", "LibreOffice 另存后隐藏第 5 行", _resaved_then(lambda x: re.sub(rb'(<row r="5"[^>]*?)hidden="false"', rb'\1hidden="true"', x, count=1), INDICATORS), "第 5 行被隐藏"),
    # the PDF
    Case("pdf-incremental", "PDF 签名后追加增量更新", _pdf(lambda w, pdf: pdf_incremental_update(pdf)), "追加了内容"),
    Case("pdf-second-signature", "PDF 追加金东区密钥的第二个签名", _pdf(lambda w, pdf: add_pdf_signature(pdf, w.keys[OTHER])), "又被另一证书（金东区营商办，金东区）签名"),
    Case("pdf-second-same-key", "PDF 追加同一密钥的第二个签名", _pdf(lambda w, pdf: add_pdf_signature(pdf, w.keys[COUNTY])), "又被同一证书签名"),
    Case("pdf-byte-flip", "PDF 内容流中一个字节翻转", _pdf(lambda w, pdf: pdf_flip(pdf)), "签名无效"),
    Case("pdf-truncated", "PDF 截去后半", _pdf(lambda w, pdf: pdf[: len(pdf) // 2]), "PDF 文件已损坏或签名无法读取", state="unreadable", county=""),
    Case("pdf-other-county", "工作簿旁放着金东区的 PDF", _other_pdf_beside, "PDF 副本", state="valid"),
    # benign changes
    Case("rezip", "重新压缩（不压缩、成员倒序）", lambda w, f: rewrite(w.xlsx, f / w.xlsx.name, {}, zipfile.ZIP_STORED, reverse=True), "", state="valid"),
    Case("signature-visible", "签名页改为可见", _xml("xl/workbook.xml", _signature_visible), "", state="valid"),
    Case("shared-strings", "所有字符串移入共享字符串表", lambda w, f: shared_strings(w.xlsx, f / w.xlsx.name), "", state="valid", note=RESAVED),
    Case("prefixed-xml", "工作表 XML 元素全部带前缀 x:", _xml(DATA, prefixed), "", state="valid", note=RESAVED),
    Case("cosmetic", "字体、填充、列宽、行高改动", _edit(_cosmetic), "", state="valid", note=RESAVED),
    Case("libreoffice", "LibreOffice 另存为 xlsx", _resaved, "", state="valid", note=RESAVED),
    Case("libreoffice-visible", "LibreOffice 另存后签名页改为可见", _resaved_then(lambda x: x.replace(b' state="hidden"', b' state="visible"'), "xl/workbook.xml"), "", state="valid", note=RESAVED),
]
NEEDS_LIBREOFFICE = {"resaved-value", "resaved-hidden-row", "libreoffice", "libreoffice-visible"}


@dataclass
class Outcome:
    case: Case
    path: Path
    valid: bool
    problems: list[str]
    notes: list[str]
    state: str
    county: str
    receipt_problems: list[str]

    @property
    def said(self) -> str:
        return "；".join(self.problems + self.notes) or "有效"

    @property
    def passed(self) -> bool:
        case = self.case
        if case.benign:
            verified = self.valid and not self.problems and (not case.note or case.note in self.notes)
        else:
            verified = not (self.valid and not self.problems) and case.expect in self.said
        return verified and self.state == case.state and self.county == case.county \
            and (case.benign or (case.receipt_expect or case.expect) in "；".join(self.receipt_problems))


def run_case(world: World, case: Case, folder: Path) -> Outcome:
    """Make the case's file, verify it as ``verify`` does (the PDF copy beside counts) and check
    it as the consolidation does."""
    from datetime import date as _date

    from exchange.consolidation.consolidate import check_return
    from exchange.signing.verify import verify_file

    folder.mkdir(parents=True, exist_ok=True)
    path = case.make(world, folder)
    trusted_certs = [world.keys[c].certificate for c in (COUNTY, OTHER)] if case.name == "resigned-outsider" else []
    result = verify_file(path, trusted_certs)
    receipt = check_return(path, world.period_id, world.trusted, _date.max)
    problems = result.problems + result.copy_problems
    return Outcome(case, path, result.valid and not result.copy_problems, problems, result.notes,
                   receipt.state.value, receipt.county, receipt.problems)
