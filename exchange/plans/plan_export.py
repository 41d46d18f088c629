"""Writing the store's plan as a workbook that people can read and ``import-plan`` reads back unchanged.

Sheet 任务清单: one block of rows per task (task cells merged down), a milestone and an
indicator per row. Sheet 方案信息: the plan's fields and its areas, which the table cannot show.
"""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from exchange.common.files import write_atomically
from exchange.plans.plan_import import AREA_HEADER, INFO_FIELDS, INFO_SHEET
from models.enums import PeriodType
from models.plan_loader import require_plan
from models.plan_update import plan_to_data
from models.quantities import format_target

COLUMNS = [("序号", 6), ("领域", 10), ("清单类别", 10), ("重点任务", 24), ("任务内容", 40), ("牵头单位", 16),
           ("责任单位", 20), ("配合单位", 16), ("节点举措", 36), ("完成时限", 12), ("指标编号", 10),
           ("指标名称", 24), ("目标值", 12), ("目标说明", 16), ("单位", 8), ("统计周期", 8)]
TASK_COLUMNS = 8  # the first eight columns describe the task and are merged down its rows


def _target(indicator: dict[str, Any]) -> str:
    comparison = "band" if indicator["direction"] == "band" else indicator["comparison"]
    decimals = max(int(indicator.get("decimals") or 0), _needed_decimals(indicator["target"]))
    return format_target(comparison, indicator["target"], indicator["unit"], decimals, indicator.get("target_high"))


def _needed_decimals(value: float | None) -> int:
    """Enough decimals that the written target reads back as the same number."""
    if value is None:
        return 0
    for decimals in range(0, 7):
        if round(value, decimals) == round(value, 9):
            return decimals
    return 6


def build_plan_workbook(data: dict[str, Any]):
    # openpyxl is slow to import: loaded when a plan workbook is written, not at start-up
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "任务清单"
    sheet.append([data["name"]])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet["A1"].font = Font(size=14, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([name for name, _width in COLUMNS])
    for index, (_name, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(2, index).column_letter].width = width
        sheet.cell(2, index).font = Font(bold=True)
    areas = {a["code"]: a["name"] for a in data["areas"]}
    kinds = {k["code"]: k["name"] for k in data.get("list_kinds", [])}
    by_task: dict[int | None, list[dict[str, Any]]] = {}
    for indicator in data["indicators"]:
        by_task.setdefault(indicator["task"], []).append(indicator)
    wrap = Alignment(wrap_text=True, vertical="top")
    for task in data["tasks"]:
        milestones, indicators = task["milestones"], by_task.get(task["number"], [])
        first = sheet.max_row + 1
        task_cells = [task["number"], areas[task["area"]], kinds.get(task["list_kind"], task["list_kind"]),
                      task["title"], task["text"], task["lead_unit"], "、".join(task["responsible_units"]),
                      "、".join(task["supporting_units"])]
        for line in range(max(len(milestones), len(indicators), 1)):
            row = list(task_cells) if line == 0 else [None] * TASK_COLUMNS
            m = milestones[line] if line < len(milestones) else None
            row += [m["title"], date.fromisoformat(m["due"])] if m else [None, None]
            i = indicators[line] if line < len(indicators) else None
            row += [i["code"], i["name"], _target(i), i["target_text"], i["unit"],
                    PeriodType(i["period_type"]).label] if i else [None] * 6
            sheet.append(row)
            sheet.cell(sheet.max_row, 10).number_format = "yyyy-mm-dd"
        for column in range(1, TASK_COLUMNS + 1):
            sheet.cell(first, column).alignment = wrap
            if sheet.max_row > first:
                sheet.merge_cells(start_row=first, start_column=column, end_row=sheet.max_row, end_column=column)
    sheet.freeze_panes = "A3"

    info = book.create_sheet(INFO_SHEET)
    labels = {key: label for label, key in INFO_FIELDS.items()}
    for key, label in labels.items():
        info.append([label, "" if data.get(key) is None else str(data[key])])
    info.append([])
    info.append(list(AREA_HEADER))
    for area in data["areas"]:
        info.append([area["code"], area["seq"], area["name"], area["title"], area["lead_unit"]])
    info.column_dimensions["A"].width = 12
    info.column_dimensions["B"].width = 60
    return book


def export_plan(data: dict[str, Any], path: Path) -> Path:
    """Write the plan workbook whole or not at all."""
    buffer = io.BytesIO()
    build_plan_workbook(data).save(buffer)
    return write_atomically(Path(path), buffer.getvalue())


def export_store_plan(store, path: Path) -> Path:
    with store.session() as session:
        plan = require_plan(session, "，无可导出的内容")
        data = plan_to_data(plan)
    return export_plan(data, path)
