"""催报: the reminder notice (提示单) for one unit, as a printable A4 PDF.

A unit late with its form is asked for it, with what the form asks; a unit with lagging tasks
gets them listed with their overdue milestones. Fonts and the page (margins, footer, 第 N 页 共 M
页) are those of every PDF the program prints (exchange.common.pdf_fonts, pdf_page).
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle
from sqlalchemy import select

from exchange.common.files import write_atomically
from exchange.common.pdf_fonts import register_fonts
from exchange.common.pdf_page import PageFooter, document, numbered_canvas, para
from models.collection import UnitStatus, collection_status
from models.office import Office
from models.returns import get_period
from models.settings import as_of_date
from models.store import Store

_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|]')
HEAD_BG = colors.HexColor("#DCE6F1")


@dataclass
class NoticeContext:
    county: str
    office: str
    period_id: str
    period_label: str
    issued: date


def needs_notice(status: UnitStatus) -> bool:
    return status.late or bool(status.lagging)


def notice_pdf(status: UnitStatus, ctx: NoticeContext) -> bytes:
    fonts = register_fonts()
    title = ParagraphStyle("title", fontName=fonts.heading, fontSize=20, leading=28, alignment=1, spaceAfter=6 * mm)
    h2 = ParagraphStyle("h2", fontName=fonts.heading, fontSize=13, leading=18, spaceBefore=4 * mm, spaceAfter=2 * mm)
    # CJK wrapping keeps ，。 off the start of a line (避头尾).
    body = ParagraphStyle("body", fontName=fonts.body, fontSize=12, leading=20, wordWrap="CJK")
    text = ParagraphStyle("text", parent=body, firstLineIndent=24)
    cell = ParagraphStyle("cell", fontName=fonts.body, fontSize=10, leading=14, wordWrap="CJK")
    width = document(io.BytesIO(), fonts).width

    def table(header: list[str], rows: list[list[object]], shares: list[float]) -> Table:
        data = [[para(h, cell) for h in header]] + [[para(v, cell) for v in row] for row in rows]
        result = Table(data, colWidths=[width * s for s in shares], repeatRows=1)
        result.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.body),  # else an unembedded Helvetica
                                    ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
                                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return result

    story = [para("提示单", title), para(f"{status.unit}：", body), Spacer(0, 2 * mm)]
    if status.late:
        story.append(para(f"贵单位{ctx.period_label}的工作进展填报表应于{status.due:%Y年%m月%d日}前报送，"
                          f"截至{ctx.issued:%Y年%m月%d日}尚未收到，请尽快填写后发回。", text))
        if status.expected:
            story += [para("本期需填报的事项", h2),
                      table(["序号", "事项"], [[n, line] for n, line in enumerate(status.expected, 1)], [0.1, 0.9])]
    if status.lagging:
        story += [Spacer(0, 2 * mm),
                  para(f"贵单位负责的以下{len(status.lagging)}项任务滞后于计划进度，请加快推进，"
                       "并在下期填报表中说明进展和措施。", text),
                  para("滞后任务", h2),
                  table(["序号", "任务", "逾期未完成的节点"],
                        [[t.number, t.title, "\n".join(t.overdue) or "完成进度落后于序时进度"] for t in status.lagging],
                        [0.08, 0.32, 0.6])]
    story += [Spacer(0, 12 * mm), para(f"{ctx.office or ctx.county}　　{ctx.issued:%Y年%m月%d日}",
                                       ParagraphStyle("sign", parent=body, alignment=2))]
    buffer = io.BytesIO()
    doc = document(buffer, fonts, title=f"提示单 {status.unit} {ctx.period_id}", author=ctx.office or "改革台账",
                   subject=f"提示单 period={ctx.period_id}")
    footer = PageFooter((f"{ctx.period_label} 提示单", status.unit))
    doc.build(story, canvasmaker=numbered_canvas(footer, fonts))
    return buffer.getvalue()


def notice_file_name(unit: str, period_id: str) -> str:
    return _UNSAFE_NAME.sub("", f"提示单_{unit}_{period_id}.pdf")


def status_and_notices(store: Store, period_id: str, as_of: date | None = None,
                       out_dir: Path | None = None) -> tuple[list[UnitStatus], list[Path]]:
    """``collect status``: every unit's state, and with ``out_dir`` the reminders written there."""
    with store.session() as session:
        as_of = as_of_date(session, as_of)
        statuses = collection_status(session, period_id, as_of)
    return statuses, write_notices(store, period_id, out_dir, as_of) if out_dir is not None else []


def write_notices(store: Store, period_id: str, out_dir: Path, as_of: date) -> list[Path]:
    """One 提示单 per unit that is late with its form or has lagging tasks."""
    with store.session() as session:
        period = get_period(session, period_id)
        office = session.scalar(select(Office).limit(1)) or Office(county="", office_name="")
        ctx = NoticeContext(office.county or "", office.office_name or "", period.id, period.label, as_of)
        statuses = [s for s in collection_status(session, period.id, as_of) if needs_notice(s)]
    return [write_atomically(Path(out_dir) / notice_file_name(s.unit, ctx.period_id), notice_pdf(s, ctx))
            for s in statuses]
