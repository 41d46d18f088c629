"""``import-values``: indicator values from a workbook, all-or-nothing.

Each sheet lists one value a row: indicator (code or name), period id (2023-M05), value and,
optionally, a note and a source. A first row naming these columns (指标 / 期次 / 数值 / 备注 /
来源) may put them in any order; without it the columns are read as A–E in that order. Every
refused cell is reported at once, by sheet, row and column letter; then nothing is written.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exchange.common.workbook_guard import column_letter, open_workbook, sheet_rows
from models.errors import LedgerError
from models.indicator_values import MESSAGE_LINES, BlockPreview, CellEdit, apply_block, check_block, find_indicator
from models.periods import PeriodError, parse_period_id
from models.plan_loader import require_plan
from models.store import Store

FIELDS = ("indicator", "period", "value", "note", "source")
_HEADER_WORDS = {
    "indicator": ("指标", "指标编号", "指标名称", "编号", "code", "indicator"),
    "period": ("期次", "期次编号", "period"),
    "value": ("数值", "值", "实际值", "完成值", "value"),
    "note": ("备注", "说明", "note"),
    "source": ("来源", "数据来源", "source"),
}


@dataclass(frozen=True, slots=True)
class SheetRow:
    sheet: str
    row: int
    cells: dict[str, tuple[str, object]]  # field → (column letter, cell value)

    def where(self, field: str) -> str:
        letter = self.cells[field][0] if field in self.cells else "?"
        return f"工作表“{self.sheet}”第{self.row}行{letter}列"

    def text(self, field: str) -> str:
        value = self.cells.get(field, ("", None))[1]
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()


def _columns(header: tuple) -> dict[str, int] | None:
    """Field → column index, if the row is a header naming at least indicator, period and value."""
    found = {}
    for index, cell in enumerate(header):
        word = str(cell).strip().lower() if cell is not None else ""
        for name, words in _HEADER_WORDS.items():
            if word in words and name not in found:
                found[name] = index
    return found if {"indicator", "period", "value"} <= found.keys() else None


def read_rows(path: Path) -> list[SheetRow]:
    """The filled rows of every sheet, with where each cell came from, read through the guard."""
    book = open_workbook(Path(path))
    rows = []
    try:
        for sheet in book.worksheets:
            columns = None
            for number, values in enumerate(sheet_rows(path, sheet), start=1):
                if number == 1 and (columns := _columns(values)) is not None:
                    continue
                layout = columns or {name: i for i, name in enumerate(FIELDS)}
                if all(v is None or str(v).strip() == "" for v in values):
                    continue
                cells = {name: (column_letter(i), values[i] if i < len(values) else None)
                         for name, i in layout.items()}
                rows.append(SheetRow(sheet.title, number, cells))
    finally:
        book.close()
    return rows


def import_values(store: Store, path: Path, who: str | None = None, confirm_outliers: bool = False) -> BlockPreview:
    """Read ``path`` and write its values in one transaction, or refuse it whole."""
    rows = read_rows(path)
    if not rows:
        raise LedgerError(f"{path.name} 中没有数据行。")
    problems: list[str] = []
    edits: list[CellEdit] = []
    seen: dict[tuple[int, str], SheetRow] = {}
    with store.session() as session:
        plan = require_plan(session, "，无法导入指标数值")
        for row in rows:
            try:
                indicator = find_indicator(session, plan, row.text("indicator"), f"{row.where('indicator')}：")
            except LedgerError as error:
                problems.append(str(error))
                continue
            try:
                period_id = parse_period_id(row.text("period")).id
            except PeriodError as error:
                problems.append(f"{row.where('period')}：{error}")
                continue
            key = (indicator.id, period_id)
            if key in seen:
                problems.append(f"{row.where('period')}：与第{seen[key].row}行重复（{indicator.name} {period_id}）。")
                continue
            seen[key] = row
            value = row.cells["value"][1]
            if isinstance(value, bool) or (value is not None and not isinstance(value, (int, float, str))):
                problems.append(f"{row.where('value')}：“{value}”不是数值。")
                continue
            edits.append(CellEdit(indicator.id, period_id, row.text("value"),
                                  row.text("note") if "note" in row.cells else None,
                                  row.text("source") if "source" in row.cells else None, row.where("value")))
        if problems:
            problems += [c.describe() for c in check_block(session, edits).refused]
    if problems:
        shown = problems[:MESSAGE_LINES] + ([f"……另有 {len(problems) - MESSAGE_LINES} 处"] if len(problems) > MESSAGE_LINES else [])
        raise LedgerError("\n".join([f"{path.name}有 {len(problems)} 处不能接受，全部未写入：", *shown]))
    preview, _before = apply_block(store, edits, who, confirm_outliers, what=path.name)
    return preview
