"""The consolidated workbook: indicators side by side, task statuses, area boards, returns received;
signed like a county's return (exchange.signing.xlsx_signature) when the city's key is given."""
from __future__ import annotations

import io
from pathlib import Path

from exchange.consolidation.consolidation_data import COUNTED, Consolidation
from exchange.common.files import write_atomically
from exchange.common.xlsx_cells import append, row_cells
from exchange.common.xlsx_print import print_on_a4
from exchange.signing.identity import SigningKey
from exchange.signing.documents import CONSOLIDATION
from exchange.signing.xlsx_signature import sign_workbook
from models.beijing_time import format_moment
from models.periods import period_name
from models.quantities import excel_number_format

_STATUS_FILL = {"滞后": "F8CBAD", "已完成": "C6EFCE", "已达标": "C6EFCE", "未填报": "EDEDED"}


def build_consolidated_workbook(result: Consolidation):
    """The workbook, written row by row (openpyxl's write-only mode: ninety counties' columns
    would otherwise hold 65,000 cell objects at once); every cell styled before its row goes in,
    widths and frozen panes set before the first row."""
    # openpyxl is slow to import: loaded when the workbook is written, not with the 汇总 workspace
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.cell_range import CellRange

    bold, center = Font(bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True)
    fills = {label: PatternFill("solid", fgColor=color) for label, color in _STATUS_FILL.items()}
    book = Workbook(write_only=True)
    footer = f"{result.office} 汇总 {period_name(result.period_id)}"

    def columns(sheet, widths: list[float], title_rows: str, title_columns: str | None = None) -> None:
        """Every column's width, and how the sheet prints (set before the first row goes in)."""
        for column, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.print_title_rows = title_rows
        if title_columns:
            sheet.print_title_cols = title_columns
        print_on_a4(sheet, footer, width=sum(widths))

    def head(sheet, values: list) -> None:
        cells = row_cells(sheet, values)
        for cell in cells:
            cell.font, cell.alignment = bold, center
        sheet.append(cells)

    sheet = book.create_sheet("指标对比")
    fixed = ["指标编号", "指标名称", "单位", "目标", "全市合计"]
    sheet.freeze_panes = "F4"  # below the header rows, right of the fixed columns
    columns(sheet, [10, 30, 7, 12, 12] + [10, 8, 6] * len(result.counties), "1:3", "A:E")
    append(sheet, [f"{result.plan_name} 指标汇总（{result.period_label}）"])
    head(sheet, fixed + [c if n == 0 else None for c in result.counties for n in range(3)])  # merged over 3
    head(sheet, [""] * len(fixed) + ["本期值", "完成率", "排名"] * len(result.counties))
    for index, _county in enumerate(result.counties):
        column = len(fixed) + 1 + index * 3
        sheet.merged_cells.add(CellRange(min_row=2, min_col=column, max_row=2, max_col=column + 2))
    for line in result.indicators:
        row = [line.code, line.name, line.unit, line.target_text, line.total if line.additive else "—"]
        for county in result.counties:
            row += [line.values.get(county), line.completions.get(county), line.ranks.get(county)]
        cells = row_cells(sheet, row)
        cells[len(fixed) - 1].number_format = excel_number_format(line.total if line.additive else None)
        for index, county in enumerate(result.counties):
            value, completion = cells[len(fixed) + index * 3], cells[len(fixed) + 1 + index * 3]
            value.number_format = excel_number_format(line.values.get(county))
            completion.number_format = "0.0%"
            if line.statuses.get(county) in fills:
                completion.fill = fills[line.statuses[county]]
        sheet.append(cells)

    sheet = book.create_sheet("任务状态")
    sheet.freeze_panes = "D2"
    columns(sheet, [6, 14, 30] + [10] * len(result.counties), "1:1", "A:C")
    head(sheet, ["序号", "领域", "任务"] + result.counties)
    for line in result.tasks:
        cells = row_cells(sheet, [line.number, line.area, line.title] + [line.statuses.get(c, "") for c in result.counties])
        for cell, county in zip(cells[3:], result.counties):
            if line.statuses.get(county) in fills:
                cell.fill = fills[line.statuses[county]]
        sheet.append(cells)

    sheet = book.create_sheet("领域排名")
    columns(sheet, [14, 6, 16, 8, 10, 10, 8, 8, 8, 8], "1:1")
    head(sheet, ["领域", "排名", "县（市、区）", "得分", "任务得分", "指标得分", "已完成", "推进中", "未启动", "滞后"])
    for area, scores in result.areas.items():
        for s in scores:
            append(sheet, [area, s.rank, s.county, s.score, _round(s.task_score), _round(s.indicator_score),
                          s.tasks.get("已完成", 0), s.tasks.get("推进中", 0), s.tasks.get("未启动", 0),
                          s.tasks.get("滞后", 0)])

    if result.problems:
        sheet = book.create_sheet("营商台账晾晒")
        columns(sheet, [6, 16, 8, 8, 8, 9, 11, 9, 9, 14], "1:1")
        head(sheet, ["排名", "县（市、区）", "得分", "受理", "办结", "办结率", "按期办结率", "满意率", "重办率",
                     "平均办结用时（工作日）"])
        for p in result.problems:
            cells = row_cells(sheet, [p.rank, p.county, p.score, p.received, p.closed, p.close_rate, p.on_time_rate,
                                      p.satisfaction_rate, p.reopen_rate, p.mean_close_days])
            for cell in cells[5:9]:
                cell.number_format = "0.0%"
            sheet.append(cells)

    sheet = book.create_sheet("报表接收")
    columns(sheet, [16, 10, 8, 30, 24, 18, 20, 6, 18, 60], "1:1")
    head(sheet, ["县（市、区）", "状态", "是否计入", "文件", "签名人", "签发时间", "期次", "版本", "证书指纹", "说明"])
    for receipt in result.receipts:
        append(sheet, [receipt.county, receipt.state.label, "是" if receipt.state in COUNTED else "否",
                      receipt.path.name if receipt.path else "", receipt.signer,
                      format_moment(receipt.signed_at), period_name(receipt.period_id), receipt.version or "", receipt.fingerprint[:16],
                      "；".join(receipt.problems)[:2000]])
    return book


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def consolidated_xlsx_bytes(result: Consolidation, key: SigningKey | None = None) -> bytes:
    """The workbook's file content, signed with the city's key when one is given."""
    book = build_consolidated_workbook(result)
    if key is not None:
        return sign_workbook(book, key, CONSOLIDATION, result.period_id)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_consolidated_xlsx(result: Consolidation, path: Path, key: SigningKey | None = None) -> Path:
    """Write the workbook atomically, signed with the city's key when one is given."""
    return write_atomically(Path(path), consolidated_xlsx_bytes(result, key))
