"""The return as a PDF for printing, signing by hand and stamping (ReportLab platypus).

A4 portrait, set as GB/T 9704 sets official documents (exchange.common.pdf_page): title in 小标宋,
headings in 黑体, body in 仿宋 (3号), Chinese line breaking with 避头尾. Title and cover block,
summary, a chart of indicator completion against time progress, the indicator, task, milestone
and gap tables (header row repeated on every page, no row cut in half), and the signature block
填报人 / 审核人 / 签发人 / 日期 / （单位盖章）, kept on one page with the last rows of the last table
so that it never stands alone on a page. Every page
carries the footer of exchange.common.pdf_page: 第 N 页 共 M 页, the version, a short digest of the return
and a QR code holding it, so a printed page can be matched to the uploaded workbook. ``build_pdf`` also says
where the signature block's stamp box is, for the digital signature's visible appearance.
"""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, LayoutError, Spacer, Table, TableStyle

from exchange.common.pdf_fonts import FontSet, register_fonts
from exchange.common.cjk_paragraph import CJKParagraph
from exchange.common.pdf_page import PageFooter, StampBox, content_width, document, drawing, numbered_canvas, para
from exchange.returns.return_data import ReturnData, return_digest
from exchange.signing.documents import return_subject
from models.periods import period_name
from models.progress import Progress, no_progress
from models.quantities import format_number, format_percent

CONTENT_W = content_width(A4)
TAIL_ROWS = 2  # rows of the last table that go over to the next page with the signature block
STATUS_COLOURS = {"滞后": colors.HexColor("#C0392B"), "已完成": colors.HexColor("#1E8449"),
                  "已达标": colors.HexColor("#1E8449"), "未填报": colors.HexColor("#7F8C8D")}


class _Styles:
    def __init__(self, fonts: FontSet, split_rows: bool = False) -> None:
        self.split_rows = split_rows  # only for a row taller than a page, which cannot be kept whole
        # GB/T 9704: title 2号 小标宋, headings 3号 黑体, body 3号 仿宋 (28 characters a line).
        self.title = ParagraphStyle("title", fontName=fonts.title, fontSize=22, leading=32, alignment=TA_CENTER,
                                    wordWrap="CJK")
        self.subtitle = ParagraphStyle("subtitle", fontName=fonts.body, fontSize=15, leading=24, alignment=TA_CENTER,
                                       wordWrap="CJK")
        self.h1 = ParagraphStyle("h1", fontName=fonts.heading, fontSize=16, leading=24, spaceBefore=10, spaceAfter=6,
                                 wordWrap="CJK")
        self.body = ParagraphStyle("body", fontName=fonts.body, fontSize=16, leading=28, firstLineIndent=32,
                                   wordWrap="CJK")
        self.cell = ParagraphStyle("cell", fontName=fonts.body, fontSize=9, leading=12, wordWrap="CJK")
        self.head = ParagraphStyle("head", fontName=fonts.heading, fontSize=9, leading=12, alignment=TA_CENTER,
                                   wordWrap="CJK")
        self.fonts = fonts



def _table(st: _Styles, header: list[str] | None, rows: list[list[object]], widths_mm: list[float]) -> Table:
    """A grid whose header repeats on every page; rows are never split across pages. The widths
    are proportions of the text block's width; no header: the continuation of a table."""
    scale = CONTENT_W / (sum(widths_mm) * mm)
    data = [[para(h, st.head) for h in header]] if header else []
    data += [[c if isinstance(c, Flowable) else para(c, st.cell) for c in row] for row in rows]
    table = Table(data, colWidths=[w * mm * scale for w in widths_mm], repeatRows=1 if header else 0,
                  splitInRow=int(st.split_rows))
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), st.fonts.body),  # else Table asks for an unembedded Helvetica
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#555555")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ] + ([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE6F1"))] if header else [])))
    return table


def _closing_table(st: _Styles, header: list[str], rows: list[list[object]], widths_mm: list[float],
                   closing: list[Flowable]) -> list[Flowable]:
    """The last table of a document with what closes it (the signature block): its last rows and
    the closing are kept on one page, so the closing never stands alone on a page of its own."""
    head, tail = rows[:-TAIL_ROWS], rows[-TAIL_ROWS:]
    first = [_table(st, header, head, widths_mm)] if head else []
    return first + [KeepTogether([_table(st, None if head else header, tail, widths_mm)] + closing)]


def _status(st: _Styles, label: str) -> CJKParagraph:
    colour = STATUS_COLOURS.get(label)
    text = f'<font color="{colour.hexval()}">{escape(label)}</font>' if colour else escape(label)
    return CJKParagraph(text, st.cell)


def _chart(data: ReturnData, fonts: FontSet) -> Drawing:
    """Horizontal bars: each indicator's completion beside the year's time progress."""
    rows = data.indicators
    bar_h = 9
    height = len(rows) * bar_h * 2 + 60
    board = drawing(CONTENT_W, height, fonts)
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 35
    chart.width, chart.height = CONTENT_W - 170, height - 50
    chart.data = [[min((r.completion or 0) * 100, 150) for r in rows][::-1],
                  [r.time_progress * 100 for r in rows][::-1]]
    chart.categoryAxis.categoryNames = [f"{r.code} {r.name[:9]}{'…' if len(r.name) > 9 else ''}" for r in rows][::-1]
    chart.categoryAxis.labels.fontName = fonts.body
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 150, 25
    chart.valueAxis.labels.fontName = fonts.body
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
    chart.bars[0].fillColor = colors.HexColor("#2E75B6")
    chart.bars[1].fillColor = colors.HexColor("#BFBFBF")
    chart.barSpacing, chart.groupSpacing = 1, 4
    board.add(chart)
    full = chart.x + chart.width * 100 / 150  # the 100% line
    board.add(Line(full, chart.y, full, chart.y + chart.height, strokeColor=colors.HexColor("#C0392B"),
                     strokeDashArray=[3, 2]))
    legend = Legend()
    legend.x, legend.y = chart.x, 12
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.fontName, legend.fontSize = fonts.body, 8
    legend.colorNamePairs = [(chart.bars[0].fillColor, "完成率（超过150%按150%画）"),
                             (chart.bars[1].fillColor, "序时进度"),
                             (colors.HexColor("#C0392B"), "100%")]
    legend.dxTextSpace, legend.deltax = 4, 120
    board.add(legend)
    board.add(String(0, height - 10, "图1  指标完成率与序时进度", fontName=fonts.heading, fontSize=9))
    return board


class SignatureBlock(Flowable):
    """填报人 / 审核人 / 签发人 / 日期 and the （单位盖章） box, whose place it records."""

    HEIGHT = 50 * mm
    BOX_W = 62 * mm

    def __init__(self, data: ReturnData, fonts: FontSet, stamp: StampBox) -> None:
        super().__init__()
        self.data, self.fonts, self.stamp = data, fonts, stamp
        self.width, self.height = CONTENT_W, self.HEIGHT

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c, cover = self.canv, self.data.cover
        box_x, box_h = self.width - self.BOX_W, self.height - 2 * mm
        line_from, line_to = 24 * mm, box_x - 6 * mm
        c.setFont(self.fonts.body, 14)
        lines = [("填报人", cover.preparer), ("审核人", cover.reviewer), ("签发人", cover.approver), ("日　期", "")]
        for n, (label, name) in enumerate(lines):
            y = self.height - 9 * mm - n * 12 * mm
            c.drawString(0, y, f"{label}：")
            c.drawString(line_from + 2 * mm, y + 1, name)
            c.setLineWidth(0.5)
            c.line(line_from, y - 3, line_to, y - 3)
            if not name and label != "日　期":
                continue
            if label == "日　期":
                c.drawRightString(line_to - 2 * mm, y + 1, "年　　月　　日")
            else:
                c.setFont(self.fonts.body, 8)
                c.drawRightString(line_to, y + 3, "（签字）")
                c.setFont(self.fonts.body, 14)
        c.setDash(3, 2)
        c.rect(box_x, 0, self.BOX_W, box_h)
        c.setDash()
        c.setFont(self.fonts.body, 12)
        c.drawCentredString(box_x + self.BOX_W / 2, 4 * mm, "（单位盖章）")
        stamp_box = (box_x + 3 * mm, 11 * mm, box_x + self.BOX_W - 3 * mm, box_h - 3 * mm)
        x1, y1 = c.absolutePosition(stamp_box[0], stamp_box[1])
        x2, y2 = c.absolutePosition(stamp_box[2], stamp_box[3])
        self.stamp.page, self.stamp.box = c.getPageNumber() - 1, (round(x1), round(y1), round(x2), round(y2))


_NUMERALS = "一二三四五六七八九十"


def _story(data: ReturnData, st: _Styles, digest: str, stamp: StampBox) -> list[Flowable]:
    c, s = data.cover, data.summary
    story: list[Flowable] = [
        para(f"{c.county}营商环境优化提升“一号改革工程”", st.title),
        para("工作进展报表", st.title),
        Spacer(1, 3 * mm),
        para(f"{c.period_label}　第 {c.version} 版", st.subtitle),
        Spacer(1, 5 * mm),
    ]
    cover_rows = [["报送单位", c.office, "期次", period_name(c.period_id)],
                  ["方案", c.plan, "报送截止", c.due.isoformat()],
                  ["填报人", c.preparer, "统计日期", c.as_of.isoformat()],
                  ["联系电话", c.phone, "版本", f"第 {c.version} 版"],
                  ["报表摘要", digest, "", ""]]
    cover = Table([[para(v, st.head if i % 2 == 0 else st.cell) for i, v in enumerate(r)] for r in cover_rows],
                  colWidths=[w * CONTENT_W for w in (0.13, 0.44, 0.13, 0.30)])
    cover.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), st.fonts.body),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#555555")),
                               ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F2F2F2")),
                               ("BACKGROUND", (2, 0), (2, -2), colors.HexColor("#F2F2F2")),
                               ("SPAN", (1, 4), (3, 4)), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [cover, para("一、总体情况", st.h1), para(s.text, st.body), Spacer(1, 3 * mm)]
    story.append(_table(st, ["已完成", "推进中", "滞后", "未启动", "本期完成节点", "逾期节点", "指标达标", "指标滞后"],
                        [[s.tasks_done, s.tasks_on_track, s.tasks_lagging, s.tasks_not_started,
                          s.milestones_done_in_period, s.milestones_overdue, s.indicators_achieved,
                          s.indicators_lagging]], [1] * 8))

    heading = para("二、指标完成情况", st.h1)
    story += [KeepTogether([heading, _chart(data, st.fonts), Spacer(1, 3 * mm)]) if data.indicators else heading]
    story.append(_table(st, ["编号", "指标名称", "目标", "本期值", "数据期次", "完成率", "序时进度", "状态"],
                        [[i.code, i.name, i.target_text, i.value_text or "—", period_name(i.value_period) or "—",
                          format_percent(i.completion), format_percent(i.time_progress), _status(st, i.status)]
                         for i in data.indicators], [16, 38, 18, 20, 20, 15, 16, 13]))

    # The remaining sections, numbered in order; the last one carries the signature block.
    sections = [("任务推进情况", 60, ["序号", "任务 / 责任单位", "状态", "本期进展", "存在问题", "下步计划"],
                 [[t.number, f"{t.title}\n（{t.unit}；{t.leader}、{t.contact}）", _status(st, t.status),
                   t.progress or f"（未报送{'：' + t.gap_reason if t.gap_reason else ''}）", t.problems or "无",
                   t.next_steps] for t in data.tasks], [9, 30, 14, 45, 28, 30])]
    if data.milestones:
        sections.append(("本期节点举措", 40, ["任务", "节点举措", "计划完成", "实际完成", "状态"],
                         [[m.task_number, m.title, m.due.isoformat(), m.done.isoformat() if m.done else "—",
                           _status(st, "滞后" if m.state == "逾期未完成" else m.state)] for m in data.milestones],
                         [12, 96, 25, 25, 20]))
    if data.gaps:
        sections.append(("缺报事项说明", 40, ["类别", "事项", "原因说明"],
                         [[g.kind, g.subject, g.reason or "（未说明）"] for g in data.gaps], [14, 70, 80]))
    closing = [Spacer(1, 6 * mm), para("签发", st.h1), SignatureBlock(data, st.fonts, stamp)]
    for n, (title, room, header, rows, widths) in enumerate(sections, 2):
        story += [CondPageBreak(room * mm), para(f"{_NUMERALS[n]}、{title}", st.h1)]
        if n == len(sections) + 1 and rows and not data.problem_figures:
            story += _closing_table(st, header, rows, widths, closing)
        else:
            story.append(_table(st, header, rows, widths))
    if data.problem_figures:
        story += _problem_section(data, st, closing)
    elif not sections[-1][3]:
        story.append(KeepTogether(closing))
    return story


def _problem_section(data: ReturnData, st: _Styles, closing: list[Flowable]) -> list[Flowable]:
    """附: the 营商台账 figures and the problems handled in the period, personal data masked; its last
    table carries the signature block."""
    story: list[Flowable] = [CondPageBreak(50 * mm), para("附：涉企问题办理情况（营商台账）", st.h1)]
    figures = (["范围", "主办单位", "受理", "办结", "按期", "办结率", "按期办结率", "满意率", "重办率", "平均用时"],
               [[f.scope, f.unit, f.received, f.closed, f.closed_on_time, format_percent(f.close_rate),
                 format_percent(f.on_time_rate), format_percent(f.satisfaction_rate), format_percent(f.reopen_rate),
                 "—" if f.mean_close_days is None else format_number(f.mean_close_days)]
                for f in data.problem_figures], [18, 46, 10, 10, 10, 17, 19, 16, 16, 18])
    if not data.problems:
        return story + _closing_table(st, *figures, closing)
    story += [_table(st, *figures), Spacer(1, 3 * mm), para("本期办理的涉企问题（联系人、电话已脱敏）", st.cell),
              Spacer(1, 1 * mm)]
    return story + _closing_table(st, ["编号", "企业 / 联系人", "问题", "主办单位", "期限", "状态"],
                                  [[p.number, f"{p.enterprise}\n{p.contact} {p.phone}", p.description, p.lead_handler,
                                    p.due.isoformat() if p.due else "—",
                                    p.state + (f"（{p.satisfaction}）" if p.satisfaction else "")]
                                   for p in data.problems], [23, 36, 52, 27, 21, 21], closing)


def build_pdf(data: ReturnData, draft: bool = False, progress: Progress = no_progress) -> tuple[bytes, StampBox]:
    """The unsigned PDF of the return and where its stamp box is; a draft says so on every page.
    Rows are kept whole; only if one is taller than a page is it split (a second layout)."""
    progress(0, 2, "正在排版 PDF 报表…")
    try:
        result = _layout(data, draft, split_rows=False)
    except LayoutError:
        result = _layout(data, draft, split_rows=True)
    progress(1, 2, "")
    return result


def _layout(data: ReturnData, draft: bool, split_rows: bool) -> tuple[bytes, StampBox]:
    fonts = register_fonts()
    digest = return_digest(data)
    stamp = StampBox()
    buffer = io.BytesIO()
    cover = data.cover
    doc = document(buffer, fonts, title=f"{cover.county} {cover.period_label} 报表", author=cover.office,
                   subject=return_subject(data.cover.period_id, data.cover.version, digest))
    footer = PageFooter((f"{cover.county} · {cover.period_label} · 第 {cover.version} 版"
                         + ("（草稿，未签发）" if draft else ""), f"报表摘要 {digest[:16]}"),
                        f"RL|{cover.county}|{cover.period_id}|v{cover.version}|{digest}")
    doc.build(_story(data, _Styles(fonts, split_rows), digest, stamp), canvasmaker=numbered_canvas(footer, fonts))
    return buffer.getvalue(), stamp
