"""分发: the fill-in workbook (填报表) for one responsible unit, and sending every unit's at once.

A form has a cover sheet (填报说明: period, due date, how to fill it in), 任务进展 (one row per
task: its open milestones, and input cells for 本期进展 — starting from the last 下步计划 — 存在问题
and 下步计划), 节点举措 (a drop-down 已完成/未完成 and the done date) and 指标数据 (the values the
unit is the source of, with unit, target and allowed range). Input cells are light yellow and
unlocked; every other cell is locked and the sheets protected without a password, so a WPS user
is never stuck. Input messages say what goes in; each sheet prints on A4, one page wide.
The hidden sheet 台账标识 names the ledger, the form, unit, period, plan version and the digest of
the locked cells; models.collection.record_form keeps the rest for reading the answers back.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from unicodedata import east_asian_width

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from exchange.common.files import safe_file_name, write_atomically
from exchange.common.xlsx_cells import put
from exchange.common.xlsx_print import print_on_a4
from models.collection import (DONE, FORM_MARK, NOT_DONE, FormContent, cell_text, cells_digest, form_contents,
                               milestone_key, record_form, report_key, value_key)
from models.errors import LedgerError
from models.locks import locked_period_ids
from models.plan_loader import require_plan
from models.progress import Progress, no_progress
from models.returns import get_period
from models.settings import as_of_date
from models.store import Store
from models.tasks import REPORT_FIELDS, REPORT_TEXT_LIMIT, plan_start

META_SHEET = "台账标识"
COVER_SHEET, TASK_SHEET, MILESTONE_SHEET, INDICATOR_SHEET = "填报说明", "任务进展", "节点举措", "指标数据"
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DCE6F1")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_UNLOCKED = Protection(locked=False)
FIRST_ROW = 4  # tables: title, subtitle, header, then the rows


def form_file_name(unit: str, period_id: str) -> str:
    """``<unit>_<period>.xlsx``, without the characters Windows refuses in a file name."""
    return f"{safe_file_name(f'{unit}_{period_id}')}.xlsx"


def _width(text: str) -> int:
    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)


def _height(texts: list[str], widths: list[float], least: int = 1) -> float:
    """Points for a row of wrapped text: not every program fits row heights by itself."""
    lines = least
    for text, width in zip(texts, widths):
        lines = max(lines, sum(max(1, math.ceil(_width(part) / (width * 1.1))) for part in text.split("\n")))
    return min(409, 15 * lines + 4)


def _print_setup(ws: Worksheet, content: FormContent, landscape: bool) -> None:
    print_on_a4(ws, f"{content.unit} · {content.period_id}", landscape)
    # No password: a unit whose program cannot lift a protection is never stuck with the file.
    ws.protection.sheet = True
    ws.protection.formatRows = ws.protection.formatColumns = False  # rows may grow for long answers


def _validation(ws: Worksheet, title: str, prompt: str, **kind: Any) -> DataValidation:
    rule = DataValidation(allow_blank=True, showInputMessage=True, promptTitle=title[:32], prompt=prompt[:255],
                          showErrorMessage="type" in kind, errorTitle=title[:32], error=prompt[:225], **kind)
    ws.add_data_validation(rule)
    return rule


class _Sheet:
    """A titled table whose input cells are recorded as they are written."""

    def __init__(self, ws: Worksheet, content: FormContent, title: str, header: list[tuple[str, float]]) -> None:
        self.ws, self.widths = ws, [w for _n, w in header]
        put(ws, 1, 1, title).font = Font(size=15, bold=True)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        ws.cell(1, 1).alignment = _CENTER
        ws.row_dimensions[1].height = 28
        put(ws, 2, 1, f"{content.unit}　{content.period_label}　请于 {content.due:%Y年%m月%d日} 前填写并发回")
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(header))
        for col, (name, width) in enumerate(header, 1):
            cell = put(ws, 3, col, name)
            cell.font, cell.fill, cell.border, cell.alignment = Font(bold=True), _HEAD_FILL, _BORDER, _CENTER
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.freeze_panes = f"A{FIRST_ROW}"
        ws.print_title_rows = "1:3"

    def row(self, row: int, values: list[Any], inputs: set[int], least_lines: int = 1) -> None:
        for col, value in enumerate(values, 1):
            cell = put(self.ws, row, col, value)
            cell.border, cell.alignment = _BORDER, _WRAP
            if col in inputs:
                cell.fill, cell.protection = _INPUT_FILL, _UNLOCKED
        self.ws.row_dimensions[row].height = _height(["" if v is None else str(v) for v in values], self.widths,
                                                     least_lines)

    def where(self, row: int, col: int) -> str:
        return f"{self.ws.title}!{get_column_letter(col)}{row}"


def _cover(ws: Worksheet, content: FormContent) -> None:
    put(ws, 1, 1, f"{content.period_label}工作进展填报表").font = Font(size=16, bold=True)
    ws.merge_cells("A1:D1")
    ws["A1"].alignment = _CENTER
    ws.row_dimensions[1].height = 36
    contact = "　".join(x for x in (content.contact, content.phone) if x)
    lines = [("填报单位", content.unit), ("期次", content.period_label), ("报送截止", f"{content.due:%Y年%m月%d日}"),
             ("发出单位", content.office or content.county),
             ("联系人", contact), ("方案", content.plan_name), ("发出日期", f"{content.sent_on:%Y年%m月%d日}")]
    row = 3
    for label, value in lines:
        put(ws, row, 1, label).font = Font(bold=True)
        put(ws, row, 2, value).alignment = _WRAP
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        for col in range(1, 5):
            ws.cell(row, col).border = _BORDER
        row += 1
    row += 1
    put(ws, row, 1, "填写说明").font = Font(size=13, bold=True)
    steps = [
        "只在浅黄色的单元格中填写，其余单元格已锁定（工作表保护无密码，但请勿取消保护或改动锁定内容）。",
        f"“{TASK_SHEET}”：本期进展已预填上期的下步计划，请据实改写；存在问题、下步计划照实填写，每格最多 {REPORT_TEXT_LIMIT} 字。",
        f"“{MILESTONE_SHEET}”：本期已完成的节点，完成情况选“{DONE}”，并填写完成日期（如 {content.due:%Y-%m-%d}）。",
        f"“{INDICATOR_SHEET}”：本期值只填数字，单位见“单位”列，须在允许范围内；确实无法提供的，本期值留空并在“说明”中写明原因。",
        "请勿增删行列、改动工作表名称或删除工作表；文件名可以改，用 WPS、Excel 或 LibreOffice 保存为 .xlsx 均可。",
        f"请于 {content.due:%Y年%m月%d日} 前将填好的文件发回{content.office or '县改革办'}。",
    ]
    for n, text in enumerate(steps, 1):
        row += 1
        put(ws, row, 1, f"{n}.").alignment = Alignment(horizontal="right", vertical="top")
        put(ws, row, 2, text).alignment = _WRAP
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        ws.row_dimensions[row].height = _height([text], [90])
    ws.column_dimensions["A"].width = 12
    for letter in "BCD":
        ws.column_dimensions[letter].width = 30
    _print_setup(ws, content, landscape=False)


def build_form(content: FormContent, plan_begins: date) -> tuple[Workbook, dict[str, str], dict[str, Any]]:
    """The workbook, the text of its locked cells and, per answer key, its cells and base."""
    wb = Workbook()
    cover = wb.active
    cover.title = COVER_SHEET
    _cover(cover, content)
    inputs: dict[str, Any] = {}
    if content.tasks:
        sheet = _Sheet(wb.create_sheet(TASK_SHEET), content, f"{content.unit} 任务进展",
                       [("序号", 6), ("任务", 24), ("本期节点举措", 30), ("本期进展", 40), ("存在问题", 28), ("下步计划", 28)])
        for row, task in enumerate(content.tasks, FIRST_ROW):
            sheet.row(row, [str(task.number), task.title, task.milestones, task.progress, task.problems,
                            task.next_steps], {4, 5, 6}, least_lines=4)
            for col, name in zip((4, 5, 6), REPORT_FIELDS):
                inputs[report_key(task.task_id, name)] = {"cells": {"text": sheet.where(row, col)},
                                                          "base": task.base[name], "start": getattr(task, name)}
        last = FIRST_ROW + len(content.tasks) - 1
        for col, name in zip("DEF", REPORT_FIELDS.values()):
            _validation(sheet.ws, name, f"填写{name}，最多 {REPORT_TEXT_LIMIT} 字。", type="textLength",
                        operator="lessThanOrEqual", formula1=str(REPORT_TEXT_LIMIT)).add(f"{col}{FIRST_ROW}:{col}{last}")
        _print_setup(sheet.ws, content, landscape=True)
    if content.milestones:
        sheet = _Sheet(wb.create_sheet(MILESTONE_SHEET), content, f"{content.unit} 节点举措",
                       [("任务序号", 8), ("任务", 26), ("节点", 6), ("节点举措", 44), ("计划完成日期", 14),
                        ("完成情况", 12), ("完成日期", 14)])
        for row, m in enumerate(content.milestones, FIRST_ROW):
            sheet.row(row, [str(m.task_number), m.task_title, str(m.seq), m.title, m.due.isoformat(), NOT_DONE, None],
                      {6, 7})
            sheet.ws.cell(row, 7).number_format = "yyyy-mm-dd"
            inputs[milestone_key(m.milestone_id)] = {"cells": {"state": sheet.where(row, 6), "date": sheet.where(row, 7)},
                                                     "base": m.base}
        last = FIRST_ROW + len(content.milestones) - 1
        _validation(sheet.ws, "完成情况", f"本期已完成的选“{DONE}”，并在右侧填写完成日期。", type="list",
                    formula1=f'"{DONE},{NOT_DONE}"').add(f"F{FIRST_ROW}:F{last}")
        _validation(sheet.ws, "完成日期", f"填写完成日期，如 {content.due:%Y-%m-%d}；不早于 {plan_begins:%Y-%m-%d}。",
                    type="date", operator="greaterThanOrEqual",
                    formula1=f"DATE({plan_begins.year},{plan_begins.month},{plan_begins.day})").add(f"G{FIRST_ROW}:G{last}")
        _print_setup(sheet.ws, content, landscape=True)
    if content.indicators:
        sheet = _Sheet(wb.create_sheet(INDICATOR_SHEET), content, f"{content.unit} 指标数据",
                       [("指标编号", 10), ("指标名称", 32), ("单位", 8), ("目标", 14), ("允许范围", 18), ("数据期次", 22),
                        ("上期值", 14), ("本期值", 14), ("说明", 30)])
        for row, i in enumerate(content.indicators, FIRST_ROW):
            value = None if i.value is None else (int(i.value) if i.decimals == 0 and i.value.is_integer() else i.value)
            sheet.row(row, [i.code, i.name, i.unit, i.target, i.range_text, i.period_label, i.previous, value, i.note],
                      {8, 9})
            inputs[value_key(i.indicator_id, i.period_id)] = {"cells": {"value": sheet.where(row, 8),
                                                                        "note": sheet.where(row, 9)},
                                                              "base": [i.value, i.note]}
            bounds: dict[str, Any] = {}
            if i.range_min is not None and i.range_max is not None:
                bounds = dict(type="decimal", operator="between", formula1=f"{i.range_min:g}", formula2=f"{i.range_max:g}")
            elif i.range_min is not None:
                bounds = dict(type="decimal", operator="greaterThanOrEqual", formula1=f"{i.range_min:g}")
            elif i.range_max is not None:
                bounds = dict(type="decimal", operator="lessThanOrEqual", formula1=f"{i.range_max:g}")
            decimals = f"最多 {i.decimals} 位小数" if i.decimals else "整数"
            _validation(sheet.ws, i.name, f"单位：{i.unit or '无'}；允许范围：{i.range_text or '不限'}；{decimals}。"
                        "只填数字；无法提供的留空，并在“说明”中写明原因。", **bounds).add(f"H{row}")
        _print_setup(sheet.ws, content, landscape=True)

    locked = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                where = f"{ws.title}!{cell.coordinate}"
                text = cell_text(cell.value)
                if text and cell.protection.locked and all(where not in s["cells"].values() for s in inputs.values()):
                    locked[where] = text
    meta = wb.create_sheet(META_SHEET)
    for row, (key, value) in enumerate([
            ("格式", FORM_MARK), ("台账标识", content.ledger_uid), ("表单编号", content.form_uid),
            ("单位", content.unit), ("期次", content.period_id), ("方案版本", content.plan_version),
            ("锁定单元格摘要", cells_digest(locked)), ("发出日期", content.sent_on.isoformat()),
            ("报送截止", content.due.isoformat())], 1):
        put(meta, row, 1, key)
        put(meta, row, 2, value)
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    wb.security = WorkbookProtection(lockStructure=True)  # no password; keeps the sheets as they are
    return wb, locked, inputs


@dataclass
class SentForms:
    period_label: str
    due: date
    files: list[Path]


def send_forms(store: Store, period_id: str, out_dir: Path, as_of: date | None = None, due: date | None = None,
               progress: Progress = no_progress) -> SentForms:
    """Write every responsible unit's form for the period into ``out_dir`` and record them; all
    in one transaction, so a failure records nothing (files already written stay whole)."""
    out_dir = Path(out_dir)
    with store.transaction() as session:
        as_of = as_of_date(session, as_of)
        period = get_period(session, period_id)
        if period.id in locked_period_ids(session):
            raise LedgerError(f"{period.label}的报表已签发，不再发送该期的填报表。")
        due = due or period.end
        if due < as_of:
            raise LedgerError(f"报送截止日期 {due.isoformat()} 早于台账日期 {as_of.isoformat()}，请另选截止日期（--due）。")
        contents = form_contents(session, period.id, due, as_of)
        if not contents:
            raise LedgerError("方案中没有写明责任单位的任务或指标，没有可发送的填报表。")
        begins = plan_start(require_plan(session))
        files = []
        for n, content in enumerate(contents):
            progress(n, len(contents), f"正在生成 {content.unit} 的填报表…")
            wb, locked, inputs = build_form(content, begins)
            buffer = io.BytesIO()
            wb.save(buffer)
            name = form_file_name(content.unit, content.period_id)
            files.append(write_atomically(out_dir / name, buffer.getvalue()))
            record_form(session, content, name, locked, inputs)
        progress(len(contents), len(contents), "")
        return SentForms(period.label, due, files)
