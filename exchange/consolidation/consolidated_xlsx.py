"""The consolidated workbook: indicators side by side, task statuses, area boards, returns received;
signed like a county's return (exchange.signing.xlsx_signature) when the city's key is given."""
from __future__ import annotations

import io
from pathlib import Path

from exchange.consolidation.consolidation_data import COUNTED, Consolidation
from exchange.common.files import write_atomically
from exchange.common.xlsx_cells import append
from exchange.signing.identity import SigningKey
from exchange.signing.documents import CONSOLIDATION
from exchange.signing.xlsx_signature import sign_workbook
from models.beijing_time import format_moment
from models.periods import period_name
from models.quantities import excel_number_format

_STATUS_FILL = {"滞后": "F8CBAD", "已完成": "C6EFCE", "已达标": "C6EFCE", "未填报": "EDEDED"}


def build_consolidated_workbook(result: Consolidation):
    # openpyxl is slow to import: loaded when the workbook is written, not with the 汇总 workspace
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    bold, center = Font(bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True)
    fills = {label: PatternFill("solid", fgColor=color) for label, color in _STATUS_FILL.items()}
    book = Workbook()

    sheet = book.active
    sheet.title = "指标对比"
    append(sheet, [f"{result.plan_name} 指标汇总（{result.period_label}）"])
    fixed = ["指标编号", "指标名称", "单位", "目标", "全市合计"]
    append(sheet, fixed + [c for c in result.counties for _ in range(3)])
    append(sheet, [""] * len(fixed) + ["本期值", "完成率", "排名"] * len(result.counties))
    for index, _county in enumerate(result.counties):
        column = len(fixed) + 1 + index * 3
        sheet.merge_cells(start_row=2, start_column=column, end_row=2, end_column=column + 2)
    # Rows are numbered as they are appended: sheet.max_row looks at every cell each time.
    for number, line in enumerate(result.indicators, start=4):
        row = [line.code, line.name, line.unit, line.target_text, line.total if line.additive else "—"]
        for county in result.counties:
            row += [line.values.get(county), line.completions.get(county), line.ranks.get(county)]
        append(sheet, row)
        total = sheet.cell(number, len(fixed))
        total.number_format = excel_number_format(line.total if line.additive else None)
        for index, county in enumerate(result.counties):
            value = sheet.cell(number, len(fixed) + 1 + index * 3)
            value.number_format = excel_number_format(line.values.get(county))
            cell = sheet.cell(number, len(fixed) + 2 + index * 3)
            cell.number_format = "0.0%"
            if line.statuses.get(county) in fills:
                cell.fill = fills[line.statuses[county]]
    _head(sheet, 3, bold, center)
    sheet.freeze_panes = sheet.cell(4, len(fixed) + 1)
    sheet.column_dimensions["B"].width = 30

    sheet = book.create_sheet("任务状态")
    append(sheet, ["序号", "领域", "任务"] + result.counties)
    for number, line in enumerate(result.tasks, start=2):
        append(sheet, [line.number, line.area, line.title] + [line.statuses.get(c, "") for c in result.counties])
        for index, county in enumerate(result.counties, start=4):
            if line.statuses.get(county) in fills:
                sheet.cell(number, index).fill = fills[line.statuses[county]]
    _head(sheet, 1, bold, center)
    sheet.freeze_panes = "D2"
    sheet.column_dimensions["C"].width = 30

    sheet = book.create_sheet("领域排名")
    append(sheet, ["领域", "排名", "县（市、区）", "得分", "任务得分", "指标得分", "已完成", "推进中", "未启动", "滞后"])
    for area, scores in result.areas.items():
        for s in scores:
            append(sheet, [area, s.rank, s.county, s.score, _round(s.task_score), _round(s.indicator_score),
                          s.tasks.get("已完成", 0), s.tasks.get("推进中", 0), s.tasks.get("未启动", 0),
                          s.tasks.get("滞后", 0)])
    _head(sheet, 1, bold, center)

    if result.problems:
        sheet = book.create_sheet("营商台账晾晒")
        append(sheet, ["排名", "县（市、区）", "得分", "受理", "办结", "办结率", "按期办结率", "满意率", "重办率",
                      "平均办结用时（工作日）"])
        for number, p in enumerate(result.problems, start=2):
            append(sheet, [p.rank, p.county, p.score, p.received, p.closed, p.close_rate, p.on_time_rate,
                          p.satisfaction_rate, p.reopen_rate, p.mean_close_days])
            for column in range(6, 10):
                sheet.cell(number, column).number_format = "0.0%"
        _head(sheet, 1, bold, center)

    sheet = book.create_sheet("报表接收")
    append(sheet, ["县（市、区）", "状态", "是否计入", "文件", "签名人", "签发时间", "期次", "版本", "证书指纹", "说明"])
    for receipt in result.receipts:
        append(sheet, [receipt.county, receipt.state.label, "是" if receipt.state in COUNTED else "否",
                      receipt.path.name if receipt.path else "", receipt.signer,
                      format_moment(receipt.signed_at), period_name(receipt.period_id), receipt.version or "", receipt.fingerprint[:16],
                      "；".join(receipt.problems)[:2000]])
    _head(sheet, 1, bold, center)
    sheet.column_dimensions["J"].width = 60
    return book


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _head(sheet, rows: int, bold, center) -> None:
    for row in sheet.iter_rows(min_row=1 if rows == 1 else 2, max_row=rows):
        for cell in row:
            cell.font, cell.alignment = bold, center


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
