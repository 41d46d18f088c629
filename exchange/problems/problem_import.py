"""Enterprises' problems from a workbook, such as an export of the 12345 platform.

The table may sit under title rows on any sheet; each column's role comes from its header words
(``ROLES``, the longest word found wins, as for plan workbooks). The import is all or nothing:
every cell that cannot be read is reported at once with its sheet, row and column, and nothing
is written. A row repeating a problem already in the ledger or earlier in the file (same
enterprise, same text, same day) is a duplicate: the import shows them and stops, or skips them
when asked to. The file is opened through exchange.common.workbook_guard.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from exchange.common.headers import header_role
from exchange.common.workbook_guard import column_letter, open_workbook, sheet_rows
from models.errors import LedgerError
from models.problems.checks import check_credit_code, check_phone
from models.problems.loop import IssueDraft, check_draft, parse_channel, parse_kind, register
from models.problems.records import Channel, EnterpriseIssue

# role → (label, header words)
ROLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "received": ("受理日期", ("受理时间", "受理日期", "来电时间", "登记时间", "登记日期", "反映时间", "诉求时间",
                              "日期", "时间")),
    "enterprise": ("企业名称", ("企业名称", "诉求企业", "企业", "诉求单位", "单位名称", "市场主体")),
    "credit_code": ("统一社会信用代码", ("统一社会信用代码", "信用代码", "社会信用代码")),
    "contact": ("联系人", ("联系人", "诉求人", "来电人", "反映人", "姓名")),
    "phone": ("联系电话", ("联系电话", "来电号码", "电话", "手机", "联系方式")),
    "kind": ("问题类型", ("诉求类型", "工单类型", "问题类型", "类型", "诉求性质")),
    "tags": ("问题标签", ("问题分类", "诉求分类", "标签", "问题标签", "诉求标签", "涉及领域")),
    "description": ("问题描述", ("诉求内容", "问题描述", "工单内容", "反映内容", "问题内容", "内容", "诉求")),
    "channel": ("来源渠道", ("来源渠道", "诉求渠道", "来源", "渠道")),
}
REQUIRED = ("received", "enterprise", "description")
HEADER_SCAN_ROWS = 20
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_TAG_SPLIT = re.compile(r"[、，,；;/\s]+")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE.match(_text(value))
    if not match:
        raise ValueError
    return date(*(int(part) for part in match.groups()))


@dataclass
class ImportRow:
    where: str  # 工作表“…”第 N 行
    draft: IssueDraft
    duplicate_of: str = ""  # the number in the ledger, or the earlier row, it repeats


@dataclass
class ImportPreview:
    path: Path
    sheet: str
    rows: list[ImportRow] = field(default_factory=list)

    @property
    def duplicates(self) -> list[ImportRow]:
        return [r for r in self.rows if r.duplicate_of]

    @property
    def new_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.duplicate_of]

    def duplicate_lines(self) -> list[str]:
        return [f"{r.where}：{r.draft.enterprise}（{r.draft.received.isoformat()}）与{r.duplicate_of}重复"
                for r in self.duplicates]


def _find_table(path: Path, book) -> tuple[Any, int, dict[int, str], list[tuple]]:
    """The sheet, its header row (1-based), column index → role, and the rows below the header."""
    best = None
    for sheet in book.worksheets:
        rows = list(sheet_rows(path, sheet))
        for number, row in enumerate(rows[:HEADER_SCAN_ROWS]):
            roles: dict[int, str] = {}
            for index, value in enumerate(row):
                text = _text(value)
                role = header_role(text, ROLES) if text and len(text) <= 20 else None
                if role and role not in roles.values():
                    roles[index] = role
            if len(roles) >= 3 and (best is None or len(roles) > len(best[2])):
                best = (sheet, number + 1, roles, rows[number + 1:])
    if best is None:
        raise LedgerError(f"{path.name}：在各工作表的前 {HEADER_SCAN_ROWS} 行中找不到涉企问题的表头"
                          "（如“受理时间、企业名称、诉求内容”）。")
    missing = [ROLES[r][0] for r in REQUIRED if r not in best[2].values()]
    if missing:
        raise LedgerError(f"{path.name} 工作表“{best[0].title}”第 {best[1]} 行的表头中缺少：{'、'.join(missing)}。")
    return best


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _key(enterprise: str, text: str, day: date) -> tuple[str, str, date]:
    """What makes two rows the same problem: enterprise, text (spacing aside) and day."""
    return _squash(enterprise), _squash(text), day


def read_problems(path: Path, session) -> ImportPreview:
    """Every row of the table as a checked draft, duplicates marked; LedgerError listing every
    unreadable cell otherwise."""
    path = Path(path)
    book = open_workbook(path)
    try:
        sheet, header_row, roles, body = _find_table(path, book)
        title = sheet.title
    finally:
        book.close()
    column_of = {role: index for index, role in roles.items()}
    preview = ImportPreview(path, title)
    problems: list[str] = []
    seen = {_key(i.enterprise, i.description, i.received): f"台账中的 {i.number}"
            for i in session.scalars(select(EnterpriseIssue))}
    for offset, row in enumerate(body, start=header_row + 1):
        def cell(role: str) -> Any:
            index = column_of.get(role)
            return row[index] if index is not None and index < len(row) else None

        if not any(_text(v) for v in row):
            continue
        where = f"工作表“{title}”第 {offset} 行"

        def fault(role: str, why: str) -> None:
            problems.append(f"{where} {column_letter(column_of[role])} 列（{ROLES[role][0]}）：{why}")

        values: dict[str, Any] = {}
        for role in REQUIRED:
            if not _text(cell(role)):
                fault(role, "不能为空")
        try:
            values["received"] = _date(cell("received")) if _text(cell("received")) else None
        except ValueError:
            fault("received", f"“{_text(cell('received'))}”不是日期")
        for role, check in (("credit_code", check_credit_code), ("phone", check_phone), ("kind", parse_kind),
                            ("channel", parse_channel)):
            if _text(cell(role)):
                try:
                    check(_text(cell(role)))
                except LedgerError as error:
                    fault(role, str(error).rstrip("。"))
        if values.get("received") is None:
            continue
        draft = IssueDraft(enterprise=_text(cell("enterprise")), channel=_text(cell("channel")) or Channel.HOTLINE.label,
                           kind=_text(cell("kind")) or "求助", description=_text(cell("description")),
                           received=values["received"], credit_code=_text(cell("credit_code")),
                           contact=_text(cell("contact")), phone=_text(cell("phone")),
                           tags=[t for t in _TAG_SPLIT.split(_text(cell("tags"))) if t])
        try:
            check_draft(session, draft)
        except LedgerError as error:
            if draft.enterprise and draft.description:
                problems.append(f"{where}：{str(error).rstrip('。')}")
            continue
        key = _key(draft.enterprise, draft.description, draft.received)
        preview.rows.append(ImportRow(where, draft, seen.get(key, "")))
        seen.setdefault(key, f"本文件{where}")
    if problems:
        raise LedgerError(f"{path.name} 有 {len(problems)} 处无法读取，未导入任何问题：\n" + "\n".join(problems))
    if not preview.rows:
        raise LedgerError(f"{path.name} 工作表“{title}”的表头下没有问题记录。")
    return preview


def import_problems(store, path: Path, dry_run: bool = False, skip_duplicates: bool = False) -> ImportPreview:
    """Read the file and, unless ``dry_run``, register its problems in one transaction. Duplicates
    stop the import unless ``skip_duplicates``; the preview says what was (or would be) added."""
    with store.transaction() as session:
        preview = read_problems(path, session)
        if dry_run:
            return preview
        if preview.duplicates and not skip_duplicates:
            raise LedgerError(f"{Path(path).name} 中有 {len(preview.duplicates)} 条与已有问题重复（同一企业、同一内容、"
                              "同一天），未导入任何问题。确认跳过它们后再导入：\n" + "\n".join(preview.duplicate_lines()))
        for row in preview.new_rows:
            register(session, row.draft)
    return preview
