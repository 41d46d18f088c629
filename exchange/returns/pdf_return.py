"""The return as a PDF for printing, signing by hand and stamping (ReportLab platypus).

A4 portrait: title and cover block, summary, a chart of indicator completion against time
progress, the indicator, task, milestone and gap tables (header row repeated on every page, no
row cut in half), and the signature block 填报人 / 审核人 / 签发人 / 日期 / （单位盖章）. Every page
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
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, LayoutError, Paragraph, Spacer, Table, TableStyle

from exchange.common.pdf_fonts import FontSet, register_fonts
from exchange.common.pdf_page import MARGIN, PageFooter, StampBox, document, drawing, numbered_canvas, para
from exchange.returns.return_data import ReturnData, return_digest
from exchange.signing.documents import return_subject
from models.progress import Progress, no_progress

CONTENT_W = A4[0] - 2 * MARGIN
STATUS_COLOURS = {"滞后": colors.HexColor("#C0392B"), "已完成": colors.HexColor("#1E8449"),
                  "已达标": colors.HexColor("#1E8449"), "未填报": colors.HexColor("#7F8C8D")}


class _Styles:
    def __init__(self, fonts: FontSet, split_rows: bool = False) -> None:
        self.split_rows = split_rows  # only for a row taller than a page, which cannot be kept whole
        base = dict(fontName=fonts.body, fontSize=10.5, leading=15, wordWrap="CJK")
        self.title = ParagraphStyle("title", fontName=fonts.heading, fontSize=20, leading=28, alignment=TA_CENTER)
        self.subtitle = ParagraphStyle("subtitle", fontName=fonts.body, fontSize=13, leading=20, alignment=TA_CENTER)
        self.h1 = ParagraphStyle("h1", fontName=fonts.heading, fontSize=14, leading=20, spaceBefore=10, spaceAfter=6)
        self.body = ParagraphStyle("body", firstLineIndent=21, **base)
        self.cell = ParagraphStyle("cell", fontName=fonts.body, fontSize=9, leading=12, wordWrap="CJK")
        self.head = ParagraphStyle("head", fontName=fonts.heading, fontSize=9, leading=12, alignment=TA_CENTER,
                                   wordWrap="CJK")
        self.fonts = fonts


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _table(st: _Styles, header: list[str], rows: list[list[object]], widths_mm: list[float]) -> Table:
    """A grid whose header repeats on every page; rows are never split across pages."""
    data = [[para(h, st.head) for h in header]]
    data += [[c if isinstance(c, Flowable) else para(c, st.cell) for c in row] for row in rows]
    table = Table(data, colWidths=[w * mm for w in widths_mm], repeatRows=1, splitInRow=int(st.split_rows))
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), st.fonts.body),  # else Table asks for an unembedded Helvetica
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#555555")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE6F1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _status(st: _Styles, label: str) -> Paragraph:
    colour = STATUS_COLOURS.get(label)
    text = f'<font color="{colour.hexval()}">{escape(label)}</font>' if colour else escape(label)
    return Paragraph(text, st.cell)


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
    legend.dxTextSpace, legend.deltax = 4, 150
    board.add(legend)
    board.add(String(0, height - 10, "图1  指标完成率与序时进度", fontName=fonts.heading, fontSize=9))
    return board


class SignatureBlock(Flowable):
    """填报人 / 审核人 / 签发人 / 日期 and the （单位盖章） box, whose place it records."""

    HEIGHT = 58 * mm

    def __init__(self, data: ReturnData, fonts: FontSet, stamp: StampBox) -> None:
        super().__init__()
        self.data, self.fonts, self.stamp = data, fonts, stamp
        self.width, self.height = CONTENT_W, self.HEIGHT

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c, cover = self.canv, self.data.cover
        c.setFont(self.fonts.body, 12)
        lines = [("填报人", cover.preparer), ("审核人", cover.reviewer), ("签发人", cover.approver), ("日期", "")]
        for n, (label, name) in enumerate(lines):
            y = self.height - 12 * mm - n * 12 * mm
            c.drawString(0, y, f"{label}：{name}")
            c.setLineWidth(0.5)
            c.line(38 * mm, y - 2, 95 * mm, y - 2)
            if label == "日期":
                c.drawString(55 * mm, y + 1, "年　　月　　日")
            else:
                c.setFont(self.fonts.body, 8)
                c.drawString(38 * mm, y - 10, "（签字）")
                c.setFont(self.fonts.body, 12)
        box_x, box_w, box_h = self.width - 78 * mm, 78 * mm, self.height - 4 * mm
        c.setDash(3, 2)
        c.rect(box_x, 0, box_w, box_h)
        c.setDash()
        c.drawCentredString(box_x + box_w / 2, 5 * mm, "（单位盖章）")
        stamp_box = (box_x + 3 * mm, 14 * mm, box_x + box_w - 3 * mm, box_h - 3 * mm)
        x1, y1 = c.absolutePosition(stamp_box[0], stamp_box[1])
        x2, y2 = c.absolutePosition(stamp_box[2], stamp_box[3])
        self.stamp.page, self.stamp.box = c.getPageNumber() - 1, (round(x1), round(y1), round(x2), round(y2))


def _story(data: ReturnData, st: _Styles, digest: str, stamp: StampBox) -> list[Flowable]:
    c, s = data.cover, data.summary
    story: list[Flowable] = [
        Paragraph(escape(f"{c.county}营商环境优化提升“一号改革工程”"), st.title),
        Paragraph("工作进展报表", st.title),
        Spacer(1, 3 * mm),
        Paragraph(escape(f"{c.period_label}　第 {c.version} 版"), st.subtitle),
        Spacer(1, 5 * mm),
    ]
    cover_rows = [["报送单位", c.office, "期次编号", c.period_id],
                  ["方案", c.plan, "报送截止", c.due.isoformat()],
                  ["填报人", c.preparer, "统计日期", c.as_of.isoformat()],
                  ["联系电话", c.phone, "版本", f"第 {c.version} 版"],
                  ["报表摘要", digest, "", ""]]
    cover = Table([[para(v, st.head if i % 2 == 0 else st.cell) for i, v in enumerate(r)] for r in cover_rows],
                  colWidths=[22 * mm, 88 * mm, 22 * mm, 48 * mm])
    cover.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), st.fonts.body),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#555555")),
                               ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F2F2F2")),
                               ("BACKGROUND", (2, 0), (2, -2), colors.HexColor("#F2F2F2")),
                               ("SPAN", (1, 4), (3, 4)), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [cover, Paragraph("一、总体情况", st.h1), para(s.text, st.body), Spacer(1, 3 * mm)]
    story.append(_table(st, ["已完成", "推进中", "滞后", "未启动", "本期完成节点", "逾期节点", "指标达标", "指标滞后"],
                        [[s.tasks_done, s.tasks_on_track, s.tasks_lagging, s.tasks_not_started,
                          s.milestones_done_in_period, s.milestones_overdue, s.indicators_achieved,
                          s.indicators_lagging]], [22.5] * 8))

    heading = Paragraph("二、指标完成情况", st.h1)
    story += [KeepTogether([heading, _chart(data, st.fonts), Spacer(1, 3 * mm)]) if data.indicators else heading]
    story.append(_table(st, ["编号", "指标名称", "目标", "本期值", "数据期次", "完成率", "序时进度", "状态"],
                        [[i.code, i.name, i.target_text, i.value_text or "—", i.value_period or "—",
                          _percent(i.completion), _percent(i.time_progress), _status(st, i.status)]
                         for i in data.indicators], [17, 48, 21, 22, 20, 17, 17, 18]))

    story += [CondPageBreak(60 * mm), Paragraph("三、任务推进情况", st.h1)]
    story.append(_table(st, ["序号", "任务 / 责任单位", "状态", "本期进展", "存在问题", "下步计划"],
                        [[t.number, f"{t.title}\n（{t.unit}；{t.leader}、{t.contact}）",
                          _status(st, t.status),
                          t.progress or f"（未报送{'：' + t.gap_reason if t.gap_reason else ''}）",
                          t.problems or "无", t.next_steps] for t in data.tasks],
                        [11, 34, 15, 51, 33, 36]))

    if data.milestones:
        story += [CondPageBreak(40 * mm), Paragraph("四、本期节点举措", st.h1)]
        story.append(_table(st, ["任务", "节点举措", "计划完成", "实际完成", "状态"],
                            [[m.task_number, m.title, m.due.isoformat(), m.done.isoformat() if m.done else "—",
                              _status(st, "滞后" if m.state == "逾期未完成" else m.state)]
                             for m in data.milestones], [12, 100, 24, 24, 20]))
    if data.gaps:
        story += [CondPageBreak(40 * mm), Paragraph("五、缺报事项说明", st.h1)]
        story.append(_table(st, ["类别", "事项", "原因说明"],
                            [[g.kind, g.subject, g.reason or "（未说明）"] for g in data.gaps], [16, 70, 94]))
    if data.problem_figures:
        story += _problem_section(data, st)
    story += [Spacer(1, 8 * mm),
              KeepTogether([Paragraph("签发", st.h1), SignatureBlock(data, st.fonts, stamp)])]
    return story


def _problem_section(data: ReturnData, st: _Styles) -> list[Flowable]:
    """附: the 营商台账 figures and the problems handled in the period, personal data masked."""
    story: list[Flowable] = [CondPageBreak(50 * mm), Paragraph("附：涉企问题办理情况（营商台账）", st.h1)]
    story.append(_table(st, ["范围", "主办单位", "受理", "办结", "按期", "办结率", "按期办结率", "满意率", "重办率",
                             "平均用时"],
                        [[f.scope, f.unit, f.received, f.closed, f.closed_on_time, _percent(f.close_rate),
                          _percent(f.on_time_rate), _percent(f.satisfaction_rate), _percent(f.reopen_rate),
                          "—" if f.mean_close_days is None else f"{f.mean_close_days:g}"]
                         for f in data.problem_figures], [18, 46, 10, 10, 10, 17, 19, 16, 16, 18]))
    if data.problems:
        story += [Spacer(1, 3 * mm), para("本期办理的涉企问题（联系人、电话已脱敏）", st.cell), Spacer(1, 1 * mm)]
        story.append(_table(st, ["编号", "企业 / 联系人", "问题", "主办单位", "期限", "状态"],
                            [[p.number, f"{p.enterprise}\n{p.contact} {p.phone}", p.description, p.lead_handler,
                              p.due.isoformat() if p.due else "—",
                              p.state + (f"（{p.satisfaction}）" if p.satisfaction else "")] for p in data.problems],
                            [23, 36, 52, 27, 21, 21]))
    return story


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
