"""Reading a city's plan workbook, as city offices really write them, into the plan data form.

The result is the same dict ``models.plan_loader.load_plan`` takes (resources/plans/*.json), so a
plan from a workbook is loaded, compared and updated by the one code path the built-in plan uses.

What the reader copes with: title and note rows around the table, a header of one or two rows
(cells merged across), an area column merged down its tasks or area rows such as “一、政务环境”
inside the table, numbering 一、/（一）/1./1、, line breaks, full-width digits and trailing spaces,
several sheets of which one holds the table. Column roles come from the header text
(``ROLES``); the user may assign them instead (``read_plan(..., roles=...)``). Every cell that
cannot be read is collected and reported together in one ``PlanImportError``.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from models.enums import PeriodType
from models.errors import LedgerError
from models.plan import Plan
from models.plan_update import apply_plan, match_carried, plan_diff, title_key
from models.quantities import QuantityError, normalise, parse_target
from models.resources import builtin_plan_path
from models.settings import PLAN_COLUMN_ROLES, read_setting, save_setting
from exchange.common.headers import header_key, header_role
from exchange.common.workbook_guard import column_letter, open_workbook, sheet_rows
from exchange.plans.deadlines import Deadline, examples, read_deadline

# role → (label, header words); the longest word found in a header decides its role.
ROLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "number": ("序号", ("序号", "编号", "任务编号", "任务序号")),
    "area": ("领域", ("领域", "环境", "类别", "板块", "所属领域")),
    "list_kind": ("清单类别", ("清单类别", "清单类型", "所属清单", "任务类型")),
    "task": ("任务", ("任务", "重点任务", "改革任务", "工作任务", "任务名称", "改革事项")),
    "text": ("任务内容", ("任务内容", "工作内容", "任务描述", "目标任务")),
    "milestone": ("节点举措", ("举措", "具体举措", "主要举措", "节点举措", "主要内容", "节点", "工作举措")),
    "deadline": ("完成时限", ("时限", "完成时限", "时间节点", "完成时间", "节点时间", "截止时间")),
    "indicator_code": ("指标编号", ("指标编号", "指标代码")),
    "indicator": ("指标", ("指标", "量化指标", "指标名称", "考核指标")),
    "target": ("目标值", ("目标", "目标值", "年度目标", "目标数", "指标值")),
    "target_text": ("目标说明", ("目标说明", "目标表述")),
    "unit": ("单位", ("单位", "计量单位")),
    "period_type": ("统计周期", ("统计周期", "报送周期", "填报周期")),
    "lead_unit": ("牵头单位", ("牵头单位", "牵头部门", "市级牵头单位")),
    "responsible_units": ("责任单位", ("责任单位", "责任部门")),
    "supporting_units": ("配合单位", ("配合单位", "配合部门", "协同单位")),
}
TASK_FIELDS = ("number", "area", "list_kind", "task", "text", "lead_unit", "responsible_units", "supporting_units")
HEADER_SCAN_ROWS = 30
INFO_SHEET = "方案信息"
INFO_FIELDS = {"方案编号": "code", "方案名称": "name", "年度": "year", "发文单位": "issuer",
               "发文日期": "issued_on", "进展周期": "progress_cycle", "来源": "source"}
AREA_HEADER = ("领域编号", "序号", "领域", "全称", "牵头单位")

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMBERING = re.compile(r"^\s*(?:[（(]\s*([一二三四五六七八九十\d]+)\s*[)）]|([一二三四五六七八九十]+)\s*[、.．]"
                        r"|(\d+)\s*[、.．](?!\d)|([①-⑳]))\s*")
_NOTE = re.compile(r"^(注|备注|说明|填报说明|附)")
_SPLIT_UNITS = re.compile(r"[、，,；;/\n]+")


class PlanImportError(LedgerError):
    """The workbook cannot be imported; ``problems`` lists every cell at fault, ``layout`` the table found."""

    def __init__(self, message: str, problems: list[str] | None = None, layout: Layout | None = None) -> None:
        self.problems = problems or []
        self.layout = layout
        text = message if not self.problems else message + "\n" + "\n".join(self.problems)
        super().__init__(text)


@dataclass
class Column:
    index: int  # 0-based
    header: str
    role: str | None

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class Layout:
    """Where the table is and what each column holds; ``shape`` identifies files of the same design."""

    path: Path
    sheet: str
    header_row: int  # 1-based, the last header row
    columns: list[Column]
    title: str = ""

    @property
    def shape(self) -> str:
        text = "|".join(header_key(c.header) for c in self.columns)
        return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]

    def roles(self) -> dict[int, str]:
        return {c.index: c.role for c in self.columns if c.role}


def role_of(header: str) -> str | None:
    """The role a plan's header names."""
    return header_role(header, ROLES)


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing .0, lines stripped, blank lines dropped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    lines = [line.strip() for line in str(value).replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


def chinese_number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 7 → 7."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS[text]


def split_numbering(text: str) -> tuple[int | None, str]:
    """“（三）优化审批” → (3, “优化审批”); text without numbering → (None, text)."""
    match = _NUMBERING.match(text)
    if not match:
        return None, text
    token = next(g for g in match.groups() if g)
    number = ord(token) - ord("①") + 1 if "①" <= token <= "⑳" else chinese_number(token)
    return number, text[match.end():].strip()


def parse_number_cell(text: str) -> int:
    """1, 1., 1、, （一）, 一、, ① → the number; anything else is refused with ValueError."""
    clean = normalise(text)
    if clean.isdigit():
        return int(clean)
    if match := re.fullmatch(r"\(?([一二三四五六七八九十]+|\d+)\)?[、.．]?", clean):
        return chinese_number(match[1])
    if len(clean) == 1 and "①" <= clean <= "⑳":
        return ord(clean) - ord("①") + 1
    raise ValueError(text)


def _is_number(text: str) -> bool:
    try:
        parse_number_cell(text)
    except (ValueError, KeyError):
        return False
    return True


def split_units(text: str) -> list[str]:
    return [part.strip() for part in _SPLIT_UNITS.split(text) if part.strip()]


def _sheet_head(path: Path, sheet) -> list[tuple]:
    rows = []
    for row in sheet_rows(path, sheet):
        rows.append(row)
        if len(rows) >= HEADER_SCAN_ROWS:
            break
    return rows


def _header_in(rows: list[tuple]) -> tuple[int, list[str]] | None:
    """The header row (0-based, the lower of a two-row header) and each column's header text."""
    best, best_score = None, 1
    for number, row in enumerate(rows):
        texts = [cell_text(v) for v in row]
        score = sum(1 for t in texts if t and len(t) <= 20 and role_of(t))
        if score > best_score:
            best, best_score = number, score
    if best is None:
        return None
    def score(number: int) -> int:
        return sum(1 for v in rows[number] if (t := cell_text(v)) and len(t) <= 20 and role_of(t))

    def texts(number: int) -> list[str]:
        return [cell_text(v).replace("\n", "") for v in rows[number]]

    if best > 0 and score(best - 1) >= 2:  # the upper row of a two-row header
        return best, _combine(texts(best - 1), texts(best))
    if best + 1 < len(rows):
        lower = texts(best + 1)
        filled = [t for t in lower if t]
        if filled and all(role_of(t) or len(t) <= 4 for t in filled) \
                and not any(_NUMBERING.match(t) or t.isdigit() for t in filled):
            return best + 1, _combine(texts(best), lower)
    return best, texts(best)


def _combine(upper: list[str], lower: list[str]) -> list[str]:
    """One header from two rows: the lower cell names the column, else the (merged) upper one."""
    headers, group = [], ""
    for index in range(max(len(upper), len(lower))):
        up = upper[index] if index < len(upper) else ""
        group = up or group  # a merged upper cell covers the empty cells to its right
        low = lower[index] if index < len(lower) else ""
        if not low:
            headers.append(up)
        elif role_of(low):
            headers.append(low)
        else:
            headers.append(group + low)
    return headers


def _assign_roles(headers: list[str]) -> list[Column]:
    columns, taken = [], set()
    for index, header in enumerate(headers):
        role = role_of(header) if header else None
        if role in taken:
            role = None
        if role:
            taken.add(role)
        columns.append(Column(index, header, role))
    while columns and not columns[-1].header:
        columns.pop()
    return columns


def find_layout(path: Path, remembered: dict[str, dict[str, str]] | None = None) -> Layout:
    """Find the sheet and header that hold the plan, and each column's role.

    ``remembered`` maps a layout shape to the roles a user once assigned (column letter → role).
    """
    path = Path(path)
    book = open_workbook(path)
    try:
        found: Layout | None = None
        for sheet in book.worksheets:
            if sheet.title == INFO_SHEET:
                continue
            rows = _sheet_head(path, sheet)
            header = _header_in(rows)
            if header is None:
                continue
            number, headers = header
            columns = _assign_roles(headers)
            score = sum(1 for c in columns if c.role)
            if found is None or score > sum(1 for c in found.columns if c.role):
                title = max((cell_text(v) for r in rows[:number] for v in r if isinstance(v, str)),
                            key=lambda t: (bool(re.search(r"方案|清单|任务|计划|表$", t)), len(t)), default="")
                found = Layout(path, sheet.title, number + 1, columns, title.replace("\n", ""))
    finally:
        book.close()
    if found is None:
        raise PlanImportError(f"{path.name}：在各工作表的前 {HEADER_SCAN_ROWS} 行中找不到任务清单的表头"
                              "（如“序号、重点任务、牵头单位”）。这可能不是方案工作簿。")
    if remembered and found.shape in remembered:
        by_letter = remembered[found.shape]
        for column in found.columns:
            column.role = by_letter.get(column.letter) or None
    return found


@dataclass(frozen=True)
class CellNote:
    """A doubt about one cell, read anyway: shown by sheet, row and column, never blocking."""

    sheet: str
    row: int
    column: int | None  # 0-based; None when the note is about the row
    label: str
    text: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" + (f" {column_letter(self.column)} 列（{self.label}）" if self.column is not None else "")
        return f"工作表“{self.sheet}”{where}：{self.text}"


@dataclass
class _TaskDraft:
    row: int
    cells: dict[str, str]
    numbers: list[int] = field(default_factory=list)
    milestones: list[tuple[str, date, bool]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)


class _Reader:
    """One pass over the table rows, collecting tasks, areas, errors (rows that mean nothing) and
    warnings (cells read with a doubt)."""

    def __init__(self, layout: Layout, year: int) -> None:
        self.layout = layout
        self.year = year
        self.roles = {c.role: c.index for c in layout.columns if c.role}
        self.problems: list[str] = []
        self.warnings: list[CellNote] = []
        self.tasks: list[_TaskDraft] = []
        self.by_title: dict[tuple[str, str], _TaskDraft] = {}
        self.current: _TaskDraft | None = None
        self.area = ""  # current area name, from an area row or the area column
        self.areas: dict[str, tuple[str, str]] = {}  # area name → (title, lead unit) from its heading

    def note(self, row: int, role: str | None, text: str) -> CellNote:
        index = self.roles.get(role) if role else None
        return CellNote(self.layout.sheet, row, index, ROLES[role][0] if role else "", text)

    def problem(self, row: int, role: str, text: str) -> None:
        self.problems.append(str(self.note(row, role, text)))

    def warn(self, row: int, role: str | None, text: str) -> None:
        self.warnings.append(self.note(row, role, text))

    def get(self, values: tuple, role: str) -> str:
        index = self.roles.get(role)
        if index is None or index >= len(values):
            return ""
        return cell_text(values[index])

    def set_area(self, text: str) -> None:
        name, title, lead = area_heading(text)
        self.area = name
        old_title, old_lead = self.areas.get(name, ("", ""))
        self.areas[name] = (old_title or title, old_lead or lead)

    def is_area_row(self, values: tuple, texts: list[str]) -> bool:
        """A heading inside the table: one text alone in its row (merged across, or in the task
        column), or one text carrying its 〔lead unit〕 beside a lead-unit cell."""
        if any(self.get(values, role) for role in ("milestone", "indicator", "deadline", "target")):
            return False
        lead = self.roles.get("lead_unit")
        filled = [t for i, t in enumerate(texts) if t and i != lead]
        if len(filled) != 1 or _NOTE.match(filled[0]) or _is_number(filled[0]):
            return False
        return len([t for t in texts if t]) == 1 or bool(_LEAD_IN_HEADING.search(filled[0]))

    def read_row(self, row: int, values: tuple) -> None:
        texts = [cell_text(v) for v in values]
        if not any(texts):
            return
        if len([t for t in texts if t]) == 1 and _NOTE.match(next(t for t in texts if t)):
            return  # a note under the table
        if self.is_area_row(values, texts):
            self.set_area(next(t for t in texts if t))
            return
        cells = {role: self.get(values, role) for role in TASK_FIELDS}
        if cells["area"]:
            self.set_area(cells["area"])
        cells["area"] = self.area
        number = None
        if cells["number"]:
            try:
                number = parse_number_cell(cells["number"])
            except (ValueError, KeyError):
                self.warn(row, "number", f"序号“{cells['number']}”无法识别，已按顺序编号。")
        title = cells["task"]
        if title and "number" not in self.roles:
            number, title = split_numbering(title)
            cells["task"] = title
        if title:
            key = (self.area, title_key(title))
            task = self.by_title.get(key)
            if task is None:
                task = self.by_title[key] = _TaskDraft(row, cells)
                self.tasks.append(task)
            else:
                self._fill(task, cells)
        elif self.current is not None:  # a continuation row: the title merged down or left out
            task = self.current
            self._fill(task, cells)
        else:
            if "task" in self.roles:
                self.problem(row, "task", "这一行没有任务名称，也不接续上面的任务。")
            return
        self.current = task
        if number is not None and number not in task.numbers:
            task.numbers.append(number)
        self.read_milestones(row, values, task)
        self.read_indicator(row, values, task)

    @staticmethod
    def _fill(task: _TaskDraft, cells: dict[str, str]) -> None:
        """Fill what the task's first row left empty (cells merged down)."""
        for role, text in cells.items():
            if text and not task.cells.get(role):
                task.cells[role] = text

    def read_milestones(self, row: int, values: tuple, task: _TaskDraft) -> None:
        text = self.get(values, "milestone")
        if not text:
            return
        raw_deadline = values[self.roles["deadline"]] if "deadline" in self.roles and \
            self.roles["deadline"] < len(values) else None
        parts: list[str] = []
        for line in text.split("\n"):  # numbered lines are separate steps; other lines continue the step above
            if parts and not _NUMBERING.match(line):
                parts[-1] += line
            else:
                parts.append(line)
        parts = [split_numbering(p)[1] or p for p in parts]
        deadline_lines = cell_text(raw_deadline).split("\n")
        paired = len(parts) > 1 and len(deadline_lines) == len(parts)  # one deadline per line beside one step per line
        column_due = read_deadline(raw_deadline, self.year)
        doubts: list[str] = []
        for index, part in enumerate(parts):
            due = read_deadline(deadline_lines[index], self.year) if paired else column_due
            if due is None or due.doubt:
                in_text = read_deadline(part, self.year) if re.search(r"月|季度|半年|年底", part) else None
                if in_text and not in_text.doubt:
                    due = in_text
            if due is None:
                due = Deadline([("", date(self.year, 12, 31))], doubt="没有完成时限，按年底计")
            if due.doubt and due.doubt not in doubts:
                doubts.append(due.doubt)
            for label, day in due.dues:
                step = (part + label, day, due.continuing)
                if step not in task.milestones:
                    task.milestones.append(step)
        for doubt in doubts:
            self.warn(row, "deadline" if "deadline" in self.roles else "milestone",
                      f"{doubt}；可写 {examples(self.year)}。")

    def read_indicator(self, row: int, values: tuple, task: _TaskDraft) -> None:
        name = self.get(values, "indicator").replace("\n", "")
        if not name or any(i["name"] == name for i in task.indicators):
            return
        unit = normalise(self.get(values, "unit"))
        written = self.get(values, "target")
        target_text = self.get(values, "target_text").replace("\n", "") or written.replace("\n", "")
        source = written or self.get(values, "target_text")
        role = "target" if written or "target_text" not in self.roles else "target_text"
        indicator: dict[str, Any] = {"code": self.get(values, "indicator_code") or None, "name": name, "unit": unit,
                                     "comparison": ">=", "direction": "higher", "target": None, "target_high": None,
                                     "target_text": target_text, "decimals": 0}
        try:
            target = parse_target(source, unit) if source else None
        except QuantityError:
            target = None
        if target is None:
            said = f"目标“{source}”没有可比较的数，按文字保留" if source else "没有目标值"
            self.warn(row, role, f"指标“{name}”{said}，完成率不计算；可在导入后填写目标值。")
        else:
            indicator |= {"unit": unit or target.unit, "comparison": target.comparison,
                          "direction": "band" if target.comparison == "band"
                          else "lower" if target.comparison.startswith("<") else "higher",
                          "target": target.value, "target_high": target.high, "decimals": _decimals(source)}
        period_text = self.get(values, "period_type")
        if period_text:
            try:
                indicator["period_type"] = PeriodType.from_label(period_text).value
            except ValueError:
                self.warn(row, "period_type", f"统计周期“{period_text}”无法识别，按月度计；可写 双周、月度、季度、年度。")
        task.indicators.append(indicator)

    def units(self, task: _TaskDraft) -> tuple[str, list[str]]:
        """The lead unit and the responsible units: the first unit listed leads (列第一位的为牵头单位)."""
        leads = split_units(task.cells["lead_unit"])
        responsible = split_units(task.cells["responsible_units"])
        if leads:
            return leads[0], [u for u in leads[1:] if u not in responsible] + responsible
        if responsible:
            return responsible[0], responsible[1:]
        area_lead = self.areas.get(task.cells["area"], ("", ""))[1]
        role = next((r for r in ("lead_unit", "responsible_units") if r in self.roles), None)
        said = f"，按领域牵头单位“{area_lead}”计" if area_lead else ""
        self.warn(task.row, role, f"任务“{task.cells['task']}”没有牵头单位或责任单位{said}。")
        return area_lead, []

def _decimals(text: str) -> int:
    match = re.search(r"\d+\.(\d+)", normalise(text))
    return len(match[1]) if match else 0


_LEAD_IN_HEADING = re.compile(r"[〔【\[［]\s*(?:牵头单位[:：])?([^〔〕【】\[\]［］]+?)\s*[〕】\]］]\s*$")


def area_heading(text: str) -> tuple[str, str, str]:
    """An area as headed in a plan → (name, title, lead unit):
    “一、政务环境” → (政务环境, "", ""); “（一）打造便捷高效的政务环境〔市政管办（放管服办）〕” →
    (政务环境, 打造便捷高效的政务环境, 市政管办（放管服办）)."""
    text = text.replace("\n", "").strip()
    lead = ""
    if match := _LEAD_IN_HEADING.search(text):
        lead, text = match[1].strip(), text[:match.start()].strip()
    text = split_numbering(text)[1] or text
    match = re.search(r"的([^的]{2,10})$", text)
    if match and len(text) > len(match[1]) + 1:
        return match[1], text, lead
    return text, "", lead

def _read_info(path: Path) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The 方案信息 sheet that export-plan writes: plan fields and the area table."""
    book = open_workbook(path)
    try:
        if INFO_SHEET not in book.sheetnames:
            return {}, []
        info, areas, in_areas = {}, [], False
        for values in sheet_rows(path, book[INFO_SHEET]):
            texts = [cell_text(v) for v in values]
            if tuple(texts[:5]) == AREA_HEADER:
                in_areas = True
            elif in_areas and texts and texts[0]:
                areas.append({"code": texts[0], "seq": int(texts[1]), "name": texts[2], "title": texts[3],
                              "lead_unit": texts[4]})
            elif texts and texts[0] in INFO_FIELDS:
                info[INFO_FIELDS[texts[0]]] = texts[1] if len(texts) > 1 else ""
        return info, areas
    finally:
        book.close()


def builtin_list_kinds() -> list[dict[str, str]]:
    return json.loads(builtin_plan_path().read_text(encoding="utf-8"))["list_kinds"]


Overrides = dict[tuple[int, int], str]  # (sheet row, 0-based column) → the value the user typed in the preview


def plan_year(layout: Layout, info: dict[str, str], name: str, fallback: int | None = None) -> int:
    """The plan's year: its info sheet, else a year in its title, else ``fallback`` or this year."""
    found = re.search(r"(20\d\d)", name) or re.search(r"(20\d\d)", layout.path.name)
    return int(info.get("year") or (found[1] if found else fallback or date.today().year))


def table_rows(layout: Layout) -> list[tuple[int, list[str]]]:
    """Every row under the header as text, with its sheet row number (for the preview)."""
    book = open_workbook(layout.path)
    try:
        return [(number, [cell_text(v) for v in values[:len(layout.columns)]])
                for number, values in enumerate(sheet_rows(layout.path, book[layout.sheet]), start=1)
                if number > layout.header_row and any(v is not None for v in values)]
    finally:
        book.close()


def read_plan(path: Path, layout: Layout | None = None, *, code: str | None = None,
              year: int | None = None, overrides: Overrides | None = None) -> dict[str, Any]:
    """The plan in the workbook as plan data, with ``warnings`` (CellNote) for cells read with a
    doubt; ``PlanImportError`` lists every row that means nothing (no task title, no header)."""
    path = Path(path)
    layout = layout or find_layout(path)
    roles = layout.roles()
    if "task" not in roles.values():
        raise PlanImportError(f"{path.name}：找不到“任务”列，请指定各列的含义。", layout=layout)
    info, info_areas = _read_info(path)
    name = info.get("name") or layout.title or path.stem
    year = year or plan_year(layout, info, name)
    reader = _Reader(layout, year)
    overrides = overrides or {}
    book = open_workbook(path)
    try:
        for number, values in enumerate(sheet_rows(path, book[layout.sheet]), start=1):
            if number <= layout.header_row:
                continue
            if any(row == number for row, _column in overrides):
                values = list(values) + [None] * max(0, len(layout.columns) - len(values))
                for (row, column), text in overrides.items():
                    if row == number and column < len(values):
                        values[column] = text
            reader.read_row(number, tuple(values))
    finally:
        book.close()
    if not reader.tasks and not reader.problems:
        reader.problems.append(f"工作表“{layout.sheet}”表头下没有任务。")
    if reader.problems:
        raise PlanImportError(f"{path.name}：有 {len(reader.problems)} 处无法读取，未导入任何内容：",
                              reader.problems, layout)
    return _plan_data(reader, info, info_areas, name, year, code)


def _plan_data(reader: _Reader, info: dict[str, str], info_areas: list[dict[str, Any]], name: str,
               year: int, code: str | None) -> dict[str, Any]:
    kinds = builtin_list_kinds()
    kind_by_name = {k["name"]: k["code"] for k in kinds} | {k["code"]: k["code"] for k in kinds}
    areas: dict[str, dict[str, Any]] = {a["name"]: a for a in info_areas}
    firsts = [t.numbers[0] if t.numbers else None for t in reader.tasks]
    # 序号 numbering rows (one task over several numbers), missing, or （一） restarting per area
    renumber = None in firsts or len(set(firsts)) != len(firsts) or any(len(t.numbers) > 1 for t in reader.tasks)
    tasks, indicators = [], []
    for seq, draft in enumerate(reader.tasks, start=1):
        area_name = draft.cells["area"] or "未分领域"
        title, lead = reader.areas.get(area_name, ("", ""))
        if area_name not in areas:
            areas[area_name] = {"code": f"A{len(areas) + 1}", "seq": len(areas) + 1, "name": area_name,
                                "title": title, "lead_unit": lead}
        number = seq if renumber else firsts[seq - 1]
        lead_unit, responsible = reader.units(draft)
        tasks.append({
            "number": number, "area": areas[area_name]["code"],
            "list_kind": kind_by_name.get(draft.cells["list_kind"], "KEY"),
            "title": draft.cells["task"].replace("\n", "")[:100],
            "text": draft.cells["text"],
            "lead_unit": lead_unit,
            "responsible_units": responsible,
            "supporting_units": split_units(draft.cells["supporting_units"]),
            "milestones": [{"seq": i, "title": t, "due": d.isoformat()} | ({"continuing": True} if c else {})
                           for i, (t, d, c) in enumerate(draft.milestones, 1)],
        })
        for indicator in draft.indicators:
            indicators.append(indicator | {"task": number})
    plan_code = code or info.get("code") or f"P{year}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:6].upper()}"
    for seq, indicator in enumerate(indicators, start=1):
        indicator["code_given"] = bool(indicator["code"])
        indicator["code"] = indicator["code"] or f"{plan_code}-{seq:02d}"
    return {
        "code": plan_code, "name": name, "year": year, "issuer": info.get("issuer", ""),
        "issued_on": info.get("issued_on") or None, "progress_cycle": info.get("progress_cycle") or "biweekly",
        "source": info.get("source", ""), "list_kinds": kinds, "code_from_sheet": bool(code or info.get("code")),
        "areas": sorted(areas.values(), key=lambda a: a["seq"]), "tasks": tasks, "indicators": indicators,
        "warnings": sorted(reader.warnings, key=lambda w: (w.row, w.column or 0)),
    }


def remembered_roles(store) -> dict[str, dict[str, str]]:
    return read_setting(store, PLAN_COLUMN_ROLES)


def remember_roles(store, layout: Layout) -> None:
    """Keep the user's column roles for the next workbook of the same header shape."""
    roles = remembered_roles(store)
    roles[layout.shape] = {c.letter: c.role for c in layout.columns if c.role}
    save_setting(store, PLAN_COLUMN_ROLES, roles)


def import_plan_workbook(store, path: Path, layout: Layout | None = None, *, code: str | None = None,
                         dry_run: bool = False, strict: bool = False, overrides: Overrides | None = None):
    """Read the workbook and load it (a new plan) or update the stored plan of the same code, in one
    transaction; with ``dry_run`` only report what would change; with ``strict`` a warning refuses
    the import like an error. The plan of a year the ledger made by rollover is matched to the
    carried tasks (``models.plan_update.match_carried``). Returns (plan data, PlanDiff); the data's
    ``warnings`` list the doubts, its ``carried`` the pairings with carried tasks."""
    layout = layout or find_layout(Path(path), remembered_roles(store))
    data = read_plan(Path(path), layout, code=code, overrides=overrides)
    if strict and data["warnings"]:
        raise PlanImportError(f"{Path(path).name}：有 {len(data['warnings'])} 处存疑（按 --strict 不导入）：",
                              [str(w) for w in data["warnings"]], layout)
    if code is None:
        with store.session() as session:  # a foreign workbook of a plan we hold: the same name
            same = session.scalar(select(Plan.code).where(Plan.name == data["name"]))
        if same and same != data["code"] and not data.get("code_from_sheet"):
            data["code"] = same
    if dry_run:
        with store.session() as session:  # the pairing renumbers in this session only; it is not committed
            data["carried"] = match_carried(session, data) if code is None else []
            return data, plan_diff(session, data)
    with store.transaction() as session:
        data["carried"] = match_carried(session, data) if code is None else []
        return data, apply_plan(session, data)
