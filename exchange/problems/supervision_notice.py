"""督办单: a printable sheet per unit listing the problems it holds — overdue first, each with its
due date, the working days left and its colour — asking for them to be handled and answered.
Personal data are masked. A4 portrait, on the page every PDF of the program shares
(exchange.common.pdf_page)."""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from exchange.common.files import safe_file_name, write_atomically
from exchange.common.pdf_fonts import register_fonts
from exchange.common.pdf_page import PageFooter, content_width, document, numbered_canvas, para
from models.problems.supervision import Colour, Notice, supervision_notice, units_with_open_issues

COLOURS = {Colour.RED.value: colors.HexColor("#F8CBAD"), Colour.BLUE.value: colors.HexColor("#BDD7EE"),
           Colour.YELLOW.value: colors.HexColor("#FFE699")}


def build_notice_pdf(notice: Notice) -> bytes:
    fonts = register_fonts()
    title = ParagraphStyle("title", fontName=fonts.heading, fontSize=20, leading=28, alignment=1, spaceAfter=4 * mm)
    body = ParagraphStyle("body", fontName=fonts.body, fontSize=12, leading=20, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=fonts.body, fontSize=8.5, leading=11.5, wordWrap="CJK")
    buffer = io.BytesIO()
    doc = document(buffer, fonts, title=f"督办单 {notice.unit}", author=notice.office, subject="涉企问题督办单")
    overdue = len(notice.overdue)
    story = [Paragraph("涉企问题督办单", title),
             para(f"{notice.unit}：", body),
             para(f"　　截至{notice.as_of:%Y年%m月%d日}，贵单位主办的涉企问题尚有 {len(notice.lines)} 件未办结，"
                  f"其中已超过办结期限 {overdue} 件。请对照下表抓紧办理，逾期件于 2 个工作日内办结答复或说明原因，"
                  "并及时反馈企业。", body), Spacer(0, 3 * mm)]
    rows = [[para(h, cell) for h in ("编号", "企业 / 联系人", "问题", "交办日期", "办结期限", "剩余\n工作日", "督办")]]
    for line in notice.lines:
        left = "" if line.days_left is None else (f"逾期 {-line.days_left}" if line.days_left < 0 else str(line.days_left))
        rows.append([para(v, cell) for v in (
            line.number, f"{line.enterprise}\n{line.contact} {line.phone}", line.description,
            line.assigned_on.isoformat() if line.assigned_on else "", line.due.isoformat() if line.due else "", left,
            line.colour_label or line.state_label)])
    # Shares of the text block: numbers and dates on one line, the text columns take the rest.
    shares = (21, 29, 27, 21, 21, 14, 23)
    table = Table(rows, colWidths=[content_width() * share / sum(shares) for share in shares], repeatRows=1)
    style = [("FONTNAME", (0, 0), (-1, -1), fonts.body),  # else an unembedded Helvetica
             ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#555555")),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE6F1")), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    for number, line in enumerate(notice.lines, start=1):
        if line.colour in COLOURS:  # the 督办 cell in the problem's colour
            style.append(("BACKGROUND", (6, number), (6, number), COLOURS[line.colour]))
    table.setStyle(TableStyle(style))
    story += [table, Spacer(0, 3 * mm),
              para("红：已逾期；蓝：2个工作日内到期；黄：时限已过半。联系人、电话已脱敏，完整信息请向本办查询。", cell),
              Spacer(0, 12 * mm),
              para(f"{notice.office or notice.county}　　{notice.as_of:%Y年%m月%d日}",
                   ParagraphStyle("sign", parent=body, alignment=2))]
    footer = PageFooter((f"{notice.county} · 涉企问题督办单 · {notice.unit}", f"截至 {notice.as_of.isoformat()}"))
    doc.build(story, canvasmaker=numbered_canvas(footer, fonts))
    return buffer.getvalue()


def write_notices(store, folder: Path, as_of: date | None = None, units: list[str] | None = None) -> list[Path]:
    """One 督办单 PDF per unit (all units holding a problem, unless named), ``督办单_<unit>_<date>.pdf``,
    as on ``as_of`` (None: the working date)."""
    paths = []
    for unit in units or units_with_open_issues(store):
        notice = supervision_notice(store, unit, as_of)
        name = safe_file_name(f"督办单_{unit}_{notice.as_of.isoformat()}")
        paths.append(write_atomically(Path(folder) / f"{name}.pdf", build_notice_pdf(notice)))
    return paths


