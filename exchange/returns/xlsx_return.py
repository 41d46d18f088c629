"""The return as an Excel workbook: sheets for reading and printing (封面, 任务进展, 节点举措,
指标完成情况), the flat 报送数据 sheet for machine upload, and, when signed, the very hidden
signature sheet of exchange.signing.xlsx_signature.

``read_return`` reads 报送数据 back into the same ReturnData it was written from.
"""
from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any
from unicodedata import east_asian_width

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from exchange.common.files import sha256_of, write_atomically
from exchange.common.workbook_guard import open_workbook
from exchange.common.xlsx_cells import put
from exchange.common.xlsx_print import print_on_a4
from exchange.signing.identity import SigningKey
from exchange.returns.return_data import FLAT_HEADER, ReturnData, flat_rows, from_flat_rows, return_digest
from exchange.signing.documents import RETURN
from exchange.signing.xlsx_signature import MAX_ROWS, sign_workbook
from models.errors import LedgerError
from models.periods import period_name
from models.progress import Progress, no_progress
from models.quantities import format_percent

DATA_SHEET = "报送数据"
FLAT_ROWS_PER_PAGE = 50  # printed rows of 报送数据 a page: about 8 pt text, still legible
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DCE6F1")
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)




def _table(ws: Worksheet, title: str, data: ReturnData, digest: str, header: list[tuple[str, float]],
           rows: list[list[Any]]) -> None:
    """A titled, bordered, wrapped table set up for A4 landscape printing."""
    cover = data.cover
    width = len(header)
    put(ws, 1, 1, title).font = Font(size=16, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(1, 1).alignment = _CENTER
    put(ws, 2, 1, f"{cover.county}　{cover.office}　{cover.period_label}　第 {cover.version} 版")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    for col, (name, col_width) in enumerate(header, 1):
        cell = put(ws, 3, col, name)
        cell.font, cell.fill, cell.border, cell.alignment = Font(bold=True), _HEAD_FILL, _BORDER, _CENTER
        ws.column_dimensions[get_column_letter(col)].width = col_width
    for r, values in enumerate(rows, 4):
        for col, value in enumerate(values, 1):
            cell = put(ws, r, col, value)
            cell.border, cell.alignment = _BORDER, _WRAP
        ws.row_dimensions[r].height = _row_height(values, [w for _n, w in header])
    ws.freeze_panes = "A4"
    ws.print_title_rows = "1:3"
    _page_setup(ws, data, digest)


def _text_width(text: str) -> int:
    """Width in column units: a Chinese character takes two."""
    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)


def _row_height(values: list[Any], widths: list[float]) -> float:
    """Points for a row of wrapped text; not every spreadsheet program fits rows itself."""
    lines = 1
    for value, width in zip(values, widths):
        text = "" if value is None else str(value)
        lines = max(lines, sum(max(1, math.ceil(_text_width(part) / (width * 1.2))) for part in text.split("\n")))
    return 15 * lines + 3


def _page_setup(ws: Worksheet, data: ReturnData, digest: str, landscape: bool = True) -> None:
    """A4, the return named at the left of every page's footer, its digest (``return_digest``) at the right."""
    print_on_a4(ws, f"{data.cover.county} {period_name(data.cover.period_id)} 第 {data.cover.version} 版", landscape)
    ws.oddFooter.right.text = f"摘要 {digest[:12]}"


def _cover_sheet(ws: Worksheet, data: ReturnData, digest: str) -> None:
    c, s = data.cover, data.summary
    put(ws, 1, 1, f"{c.county}营商环境优化提升工作报表").font = Font(size=18, bold=True)
    ws.merge_cells("A1:D1")
    ws["A1"].alignment = _CENTER
    ws.row_dimensions[1].height = 36
    lines = [("报送单位", c.office), ("方案", c.plan), ("期次", c.period_label),
             ("报送截止日期", c.due.isoformat()), ("统计日期", c.as_of.isoformat()), ("版本", f"第 {c.version} 版"),
             ("填报人", c.preparer), ("审核人", c.reviewer), ("签发人", c.approver), ("联系电话", c.phone),
             ("内容摘要", digest)]
    row = 3
    for label, value in lines:
        put(ws, row, 1, label).font = Font(bold=True)
        put(ws, row, 2, value)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        for col in range(1, 5):
            ws.cell(row, col).border = _BORDER
        row += 1
    row += 1
    put(ws, row, 1, "情况综述").font = Font(bold=True)
    put(ws, row, 2, s.text).alignment = _WRAP
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
    ws.row_dimensions[row].height = 90
    if data.gaps:
        row += 2
        put(ws, row, 1, "缺报事项及原因").font = Font(bold=True)
        for gap in data.gaps:
            row += 1
            put(ws, row, 1, gap.kind)
            put(ws, row, 2, gap.subject)
            put(ws, row, 3, gap.reason or "（未说明）")
            ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=4)
    row += 2
    for n, label in enumerate(("填报人：", "审核人：", "签发人：", "日期：")):
        put(ws, row + n // 2, 1 + 2 * (n % 2), label)
    put(ws, row + 3, 3, "（单位盖章）")
    for col, width in zip("ABCD", (16, 40, 16, 40)):
        ws.column_dimensions[col].width = width
    _page_setup(ws, data, digest, landscape=False)


def _flat_sheet(ws: Worksheet, data: ReturnData, digest: str) -> None:
    for col, name in enumerate(FLAT_HEADER, 1):
        put(ws, 1, col, name).font = Font(bold=True)
    for r, row in enumerate(flat_rows(data), 2):
        for col, value in enumerate(row, 1):
            put(ws, r, col, value)
    for col, width in zip("ABCDE", (8, 10, 20, 16, 80)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:E{ws.max_row}"
    # Printed as a compact appendix: landscape, one page wide, the header on every page, gridlines,
    # and as many pages as FLAT_ROWS_PER_PAGE rows a page need (the program scales the sheet down).
    _page_setup(ws, data, digest)
    ws.page_setup.fitToHeight = math.ceil(ws.max_row / FLAT_ROWS_PER_PAGE)
    ws.print_title_rows = "1:1"
    ws.print_area = f"A1:E{ws.max_row}"  # not the empty columns a long value spills into
    ws.print_options.gridLines = True


def build_workbook(data: ReturnData) -> Workbook:
    """The unsigned workbook of the return."""
    digest = return_digest(data)
    wb = Workbook()
    cover = wb.active
    cover.title = "封面"
    _cover_sheet(cover, data, digest)
    _table(wb.create_sheet("任务进展"), f"{data.cover.county}改革任务推进情况表", data, digest,
           [("序号", 6), ("领域", 10), ("任务", 22), ("责任单位", 16), ("责任领导", 9), ("联系人", 8),
            ("状态", 8), ("节点完成", 9), ("本期进展", 42), ("存在问题", 28), ("下步计划", 28)],
           [[t.number, t.area, t.title, t.unit, t.leader, t.contact, t.status,
             f"{t.milestones_done}/{t.milestones_total}", t.progress or (f"（未报送：{t.gap_reason}）" if t.gap_reason else "（未报送）"),
             t.problems, t.next_steps] for t in data.tasks])
    _table(wb.create_sheet("节点举措"), f"{data.cover.county}本期节点举措完成情况表", data, digest,
           [("任务序号", 9), ("节点", 6), ("节点举措", 60), ("计划完成", 12), ("实际完成", 12), ("状态", 12)],
           [[m.task_number, m.seq, m.title, m.due.isoformat(), m.done.isoformat() if m.done else "", m.state]
            for m in data.milestones])
    _table(wb.create_sheet("指标完成情况"), f"{data.cover.county}指标完成情况表", data, digest,
           [("编号", 10), ("指标名称", 36), ("目标", 14), ("本期值", 14), ("数据期次", 10), ("完成率", 10),
            ("序时进度", 10), ("状态", 8), ("说明", 30)],
           [[i.code, i.name, i.target_text, i.value_text, period_name(i.value_period), format_percent(i.completion, ""),
             format_percent(i.time_progress, ""), i.status, i.note] for i in data.indicators])
    if data.problem_figures:
        _problem_sheets(wb, data, digest)
    _flat_sheet(wb.create_sheet(DATA_SHEET), data, digest)
    return wb


def xlsx_bytes(data: ReturnData, key: SigningKey | None = None, progress: Progress = no_progress) -> bytes:
    """The workbook's file content, signed when a key is given."""
    progress(0, 2, "正在生成 Excel 报表…")
    wb = build_workbook(data)
    if key is not None:
        progress(1, 2, "正在为 Excel 报表签名…")
        return sign_workbook(wb, key, RETURN, data.cover.period_id, data.cover.version, return_digest(data))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _problem_sheets(wb: Workbook, data: ReturnData, digest: str) -> None:
    """营商台账: the figures, then the problems handled in the period (personal data masked)."""
    _table(wb.create_sheet("涉企问题统计"), f"{data.cover.county}涉企问题办理情况统计表", data, digest,
           [("统计范围", 10), ("主办单位", 22), ("受理", 7), ("办结", 7), ("按期办结", 9), ("回访", 7), ("满意", 7),
            ("重办", 7), ("办结率", 9), ("按期办结率", 11), ("满意率", 9), ("重办率", 9), ("平均用时（工作日）", 12)],
           [[f.scope, f.unit, f.received, f.closed, f.closed_on_time, f.visited, f.satisfied, f.reopened,
             format_percent(f.close_rate, ""), format_percent(f.on_time_rate, ""),
             format_percent(f.satisfaction_rate, ""), format_percent(f.reopen_rate, ""),
             "" if f.mean_close_days is None else f.mean_close_days] for f in data.problem_figures])
    _table(wb.create_sheet("涉企问题清单"), f"{data.cover.county}本期涉企问题清单", data, digest,
           [("编号", 11), ("受理日期", 11), ("来源", 12), ("类型", 6), ("企业", 20), ("联系人", 8), ("电话", 13),
            ("问题描述", 40), ("主办单位", 16), ("办结期限", 11), ("状态", 8), ("办结日期", 11), ("满意度", 8),
            ("重办", 5)],
           [[p.number, p.received.isoformat(), p.channel, p.kind, p.enterprise, p.contact, p.phone, p.description,
             p.lead_handler, p.due.isoformat() if p.due else "", p.state,
             p.closed_on.isoformat() if p.closed_on else "", p.satisfaction, p.reopen_count] for p in data.problems])


def write_xlsx(data: ReturnData, path: Path, key: SigningKey | None = None,
               progress: Progress = no_progress) -> str:
    """Write the workbook (signed when a key is given) atomically; returns the file's SHA-256."""
    content = xlsx_bytes(data, key, progress)
    write_atomically(path, content)
    return sha256_of(content)


# ---- reading back --------------------------------------------------------------------------

def read_return(path: Path, wb: Any = None) -> ReturnData:
    """The return as its 报送数据 sheet holds it; a malformed sheet is refused naming the row.
    The file is opened read-only through exchange.common.workbook_guard unless ``wb`` is given."""
    book = wb or open_workbook(Path(path), MAX_ROWS)
    try:
        if DATA_SHEET not in book.sheetnames:
            raise LedgerError(f"{Path(path).name} 中没有“{DATA_SHEET}”工作表，不是本程序导出的报表。")
        return return_from_rows(path, list(book[DATA_SHEET].iter_rows(values_only=True)))
    finally:
        if wb is None:
            book.close()


def return_from_rows(path: Path, rows: list[tuple[Any, ...]] | None) -> ReturnData:
    """The return from the rows of its 报送数据 sheet (None: the workbook has no such sheet)."""
    if rows is None:
        raise LedgerError(f"{Path(path).name} 中没有“{DATA_SHEET}”工作表，不是本程序导出的报表。")
    if not rows or tuple(rows[0][:len(FLAT_HEADER)]) != FLAT_HEADER:
        raise LedgerError(f"{Path(path).name} 工作表“{DATA_SHEET}”第 1 行应为表头：{'、'.join(FLAT_HEADER)}。")
    body = [tuple(r[:5]) + (None,) * (5 - len(r[:5])) for r in rows[1:] if any(v not in (None, "") for v in r)]
    return from_flat_rows(body, f"{Path(path).name} 工作表“{DATA_SHEET}”")
