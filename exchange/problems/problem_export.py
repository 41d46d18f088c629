"""The 营商台账 as a workbook to hand on: every problem of a year with its loop, contact names and
phones masked (models.problems.masked), text that starts like a formula kept as text."""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from exchange.common.files import write_atomically
from models.errors import LedgerError
from models.problems.checks import mask_text
from models.problems.masked import masked_record
from models.problems.records import EnterpriseIssue
from models.settings import as_of_date

COLUMNS = [("number", "问题编号", 11), ("received", "受理日期", 11), ("channel", "来源渠道", 14), ("kind", "问题类型", 8),
           ("enterprise", "企业名称", 24), ("contact", "联系人", 8), ("phone", "联系电话", 13), ("tags", "问题标签", 14),
           ("description", "问题描述", 50), ("lead_handler", "主办单位", 18), ("due", "办结期限", 11),
           ("state", "办理状态", 8), ("closed_on", "办结日期", 11), ("satisfaction", "满意度", 8),
           ("reopen_count", "重办次数", 8)]


def export_problems(store, path: Path, year: int | None = None) -> Path:
    """Write ``path`` atomically (the working date's year unless ``year``); refused when the year
    holds no problem."""
    # openpyxl (and the return's cell writer, which imports it) is slow to import: only when exporting.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from exchange.returns.xlsx_return import put

    with store.session() as session:
        year = year or as_of_date(session).year
        issues = session.scalars(select(EnterpriseIssue).where(EnterpriseIssue.year == year)
                                 .order_by(EnterpriseIssue.seq).options(selectinload(EnterpriseIssue.steps))).all()
        records = [masked_record(issue) for issue in issues]
        steps = [(issue.number, s.kind.label, s.day, s.unit, mask_text(s.text, (issue.contact,)), s.who)
                 for issue in issues for s in issue.steps]
    if not records:
        raise LedgerError(f"{year}年没有涉企问题，未导出。")
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}年涉企问题"
    for column, (_key, label, width) in enumerate(COLUMNS, 1):
        put(sheet, 1, column, label).font = Font(bold=True)
        sheet.column_dimensions[sheet.cell(1, column).column_letter].width = width
    for row, record in enumerate(records, 2):
        for column, (key, _label, _width) in enumerate(COLUMNS, 1):
            value = record[key]
            put(sheet, row, column, value.isoformat() if isinstance(value, date) else value)
    sheet.freeze_panes = "A2"
    log = book.create_sheet("办理过程")
    for column, label in enumerate(("问题编号", "环节", "日期", "单位", "内容", "记录人"), 1):
        put(log, 1, column, label).font = Font(bold=True)
    for row, (number, kind, day, unit, text, who) in enumerate(steps, 2):
        for column, value in enumerate((number, kind, day.isoformat(), unit, text, who), 1):
            put(log, row, column, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return write_atomically(Path(path), buffer.getvalue())

