"""The consolidated PDF: the returns received, the ranking board (晾晒) of each area — a chart and
a table — and one reminder notice (提示单) per county, each starting on its own page, ready to print.

Fonts come from exchange.common.pdf_fonts and the page (margins, footer, 第 N 页 共 M 页) from
exchange.common.pdf_page, as for the county's return. Each notice is signed off with the city
office's name from 设置, kept on one page with the notice's last rows.
"""
from __future__ import annotations

import functools
import io
from collections.abc import Callable
from datetime import date

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from exchange.consolidation.consolidation_data import COUNTED, LAGGING, Consolidation, Receipt, ReceiptState
from exchange.common.pdf_fonts import register_fonts
from exchange.common.pdf_page import PageFooter, StampBox, content_width, document, drawing, numbered_canvas, para
from exchange.signing.documents import consolidation_subject
from models.beijing_time import format_moment
from models.periods import period_name
from models.progress import Progress, no_progress
from models.quantities import format_number, format_percent, format_value

PAGE = landscape(A4)
WIDTH = content_width(PAGE)
TAIL_ROWS = 2  # rows of a notice's last table kept on one page with its sign-off
HEAD_BG = colors.HexColor("#DCE6F1")
BAR = colors.HexColor("#2E75B6")
LAG = colors.HexColor("#C0392B")
CELL_PADDING = 6  # ReportLab's table cell padding, left and right


class _Styles:
    def __init__(self) -> None:
        fonts = register_fonts()
        self.fonts = fonts
        # GB/T 9704: title 2号 小标宋, headings 3号 黑体, body 3号 仿宋; tables smaller.
        self.title = ParagraphStyle("title", fontName=fonts.title, fontSize=22, leading=30, alignment=1,
                                    spaceAfter=4 * mm, wordWrap="CJK")
        self.h2 = ParagraphStyle("h2", fontName=fonts.heading, fontSize=16, leading=22, spaceBefore=3 * mm,
                                 spaceAfter=2 * mm, wordWrap="CJK")
        self.body = ParagraphStyle("body", fontName=fonts.body, fontSize=16, leading=28, wordWrap="CJK")
        self.notice = ParagraphStyle("notice", parent=self.body, firstLineIndent=32)
        self.sign = ParagraphStyle("sign", parent=self.body, alignment=2)
        self.cell = ParagraphStyle("cell", fontName=fonts.body, fontSize=9, leading=12, wordWrap="CJK")
        self.lag = ParagraphStyle("lag", parent=self.cell, textColor=LAG)


def _table(st: _Styles, header: list[str] | None, rows: list[list[object]], widths_mm: list[float],
           lag_column: int | None = None) -> Table:
    """A grid scaled to the text block; no header: the continuation of a table. A text that fits
    on one line is set as a plain cell, in the paragraphs' font, size and leading, where it
    prints the same at a fraction of a paragraph's cost; a longer one as a paragraph, broken as
    Chinese is. Lagging and unreported states (LAGGING) are red."""
    scale = WIDTH / (sum(widths_mm) * mm)
    widths = [w * mm * scale for w in widths_mm]
    top = 1 if header else 0
    data, red = [], []
    for r, row in enumerate(([header] if header else []) + rows):
        cells = []
        for c, value in enumerate(row):
            lag = r >= top and c == lag_column and value in LAGGING
            cells.append(_cell(value, st.lag if lag else st.cell, widths[c] - 2 * CELL_PADDING))
            if lag and isinstance(cells[-1], str):
                red.append(("TEXTCOLOR", (c, r), (c, r), LAG))
        data.append(cells)
    table = Table(data, colWidths=widths, repeatRows=top)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), st.fonts.body),  # else an unembedded Helvetica
                               ("FONTSIZE", (0, 0), (-1, -1), st.cell.fontSize),
                               ("LEADING", (0, 0), (-1, -1), st.cell.leading),
                               ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
                              + ([("BACKGROUND", (0, 0), (-1, 0), HEAD_BG)] if header else []) + red))
    return table


def _cell(value: object, style: ParagraphStyle, room: float) -> str | Paragraph:
    """A table cell's text as it is when it fits on one line (a paragraph would print it the
    same: no spaces to collapse, no break to make), else as a paragraph."""
    text = "" if value is None else str(value)
    if text == " ".join(text.split()) and stringWidth(text, style.fontName, style.fontSize) <= room:
        return text
    return para(text, style)


def _closing_table(st: _Styles, header: list[str], rows: list[list[object]], widths_mm: list[float],
                   lag_column: int | None, closing: list[Flowable]) -> list[Flowable]:
    """A notice's last table and its sign-off: the last rows stay on the sign-off's page."""
    head, tail = rows[:-TAIL_ROWS], rows[-TAIL_ROWS:]
    first = [_table(st, header, head, widths_mm, lag_column)] if head else []
    return first + [KeepTogether([_table(st, None if head else header, tail, widths_mm, lag_column)] + closing)]



def _score(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _chart(st: _Styles, area: str, scores) -> Drawing:
    """Each county's score for the area, best first, as bars."""
    ranked = [s for s in scores if s.score is not None]
    height = 62 * mm
    board = drawing(WIDTH, height, st.fonts)
    chart = VerticalBarChart()
    plot_width = min(WIDTH - 20 * mm, max(len(ranked), 3) * 24 * mm)  # a few counties: narrow bars
    chart.x, chart.y, chart.width, chart.height = 14 * mm, 16 * mm, plot_width, height - 24 * mm
    chart.data = [[s.score for s in ranked] or [0]]
    chart.categoryAxis.categoryNames = [s.county for s in ranked] or [""]
    chart.categoryAxis.labels.fontName = st.fonts.body
    chart.categoryAxis.labels.fontSize = 8 if len(ranked) <= 20 else 5
    if len(ranked) > 12:
        chart.categoryAxis.labels.angle = 60
        chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 110, 20
    chart.valueAxis.labels.fontName = st.fonts.body
    chart.bars[0].fillColor = BAR
    chart.barLabels.fontName = st.fonts.body
    chart.barLabels.fontSize = 7 if len(ranked) <= 20 else 0.1
    chart.barLabelFormat = "%.1f"
    chart.barLabels.nudge = 6
    board.add(chart)
    board.add(String(14 * mm, height - 6 * mm, f"{area}：各地得分", fontName=st.fonts.heading, fontSize=10))
    return board


class StampSpace(Flowable):
    """Room for the city's digital signature stamp; remembers where it was laid out."""

    def __init__(self, stamp: StampBox, width: float = 72 * mm, height: float = 24 * mm) -> None:
        super().__init__()
        self.stamp, self.width, self.height = stamp, width, height

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return avail_w, self.height

    def draw(self) -> None:
        left = WIDTH - self.width
        x1, y1 = self.canv.absolutePosition(left, 0)
        x2, y2 = self.canv.absolutePosition(left + self.width, self.height)
        self.stamp.page = self.canv.getPageNumber() - 1
        self.stamp.box = (int(x1), int(y1), int(x2), int(y2))


def _receipts(st: _Styles, result: Consolidation, stamp: StampBox) -> list:
    counted = len(result.counties)
    story = [para(f"{result.plan_name}", st.title),
             para(f"汇总情况（{result.period_label}，报送截止 {result.due:%Y年%m月%d日}）", st.h2),
             para(f"收到并计入 {counted} 个县（市、区）的报表；未计入或未报送的见下表“说明”。", st.body),
             Spacer(0, 3 * mm)]
    rows = [[r.county or "（不明）", r.state.label, "是" if r.state in COUNTED else "否",
             r.path.name if r.path else "", format_moment(r.signed_at),
             period_name(r.period_id), r.version or "", "；".join(r.problems)[:300]] for r in result.receipts]
    story.append(_table(st, ["县（市、区）", "状态", "计入", "文件", "签发时间", "期次", "版本", "说明"], rows,
                        [24, 20, 12, 45, 31, 26, 12, 53]))  # 计入, 期次 and 版本 on one line
    story.append(KeepTogether([Spacer(0, 4 * mm), para(f"{result.office}（签章）", st.sign), StampSpace(stamp)]))
    return story


def _boards(st: _Styles, result: Consolidation) -> list:
    story = []
    for area, scores in result.areas.items():
        story += [PageBreak(), para(f"晾晒榜 · {area}　{result.period_label}", st.title), _chart(st, area, scores),
                  Spacer(0, 3 * mm)]
        rows = [[s.rank or "—", s.county, _score(s.score), _score(s.task_score), _score(s.indicator_score),
                 s.tasks.get("已完成", 0), s.tasks.get("推进中", 0), s.tasks.get("未启动", 0),
                 s.tasks.get("滞后", 0)] for s in scores]
        story.append(_table(st, ["排名", "县（市、区）", "得分", "任务得分", "指标得分", "已完成", "推进中", "未启动",
                                 "滞后"], rows, [14, 36, 18, 20, 20, 16, 16, 16, 16]))
        story.append(Spacer(0, 2 * mm))
        story.append(para("得分为任务得分（已完成100、推进中80、未启动60、滞后0 的平均）与指标得分"
                        "（完成率平均，单项最高按120%计）的平均。", st.cell))
    return story


def _problem_board(st: _Styles, result: Consolidation) -> list:
    """晾晒榜 · 营商台账: the counties' year-to-date figures side by side, ranked."""
    if not result.problems:
        return []
    rows = [[p.rank or "—", p.county, _score(p.score), p.received, p.closed, format_percent(p.close_rate, ""),
             format_percent(p.on_time_rate, ""), format_percent(p.satisfaction_rate, ""),
             format_percent(p.reopen_rate, ""), "" if p.mean_close_days is None else format_number(p.mean_close_days)]
            for p in result.problems]
    return [PageBreak(), para(f"晾晒榜 · 营商台账　{result.period_label}", st.title),
            _chart(st, "营商台账", result.problems), Spacer(0, 3 * mm),
            _table(st, ["排名", "县（市、区）", "得分", "受理", "办结", "办结率", "按期办结率", "满意率", "重办率",
                        "平均办结用时（工作日）"], rows, [14, 36, 18, 16, 16, 20, 22, 20, 20, 30]),
            Spacer(0, 2 * mm),
            para("各地本年累计数（据各地本期报表）。得分为办结率、按期办结率、满意率与（1−重办率）的平均。", st.cell)]


class _Later(Flowable):
    """Takes no room; when the layout reaches it, the flowables ``make`` returns take its place.
    Each 提示单 is made when its turn comes and dropped once drawn, so a consolidation of many
    counties never holds every page's story at once (ReportLab's generated content, as DocIf)."""

    _ZEROSIZE = 1

    def __init__(self, make: Callable[[], list[Flowable]]) -> None:
        super().__init__()
        self.make: Callable[[], list[Flowable]] | None = make

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        if self.make is not None:
            self._frame.add_generated_content(*self.make())
            self.make = None
        return 0, 0

    def draw(self) -> None:
        pass


def _notices(st: _Styles, result: Consolidation, issued: date) -> list:
    return [_Later(functools.partial(_notice, st, result, issued, receipt)) for receipt in result.notice_receipts()]


def _notice(st: _Styles, result: Consolidation, issued: date, receipt: Receipt) -> list[Flowable]:
    """One county's 提示单, from a page of its own."""
    county = receipt.county
    story = [PageBreak(), para("提示单", st.title), para(f"{county}改革办：", st.body), Spacer(0, 2 * mm)]
    closing = [Spacer(0, 8 * mm), para(f"{result.office}　　{issued:%Y年%m月%d日}", st.sign)]
    tables = []  # (title, header, rows, widths, lag column)
    if receipt.state == ReceiptState.MISSING:
        story.append(para(f"截至汇总时，未收到贵单位{result.period_label}的报表（报送截止 "
                          f"{result.due:%Y年%m月%d日}），请尽快签发报送。", st.notice))
    elif receipt.state not in COUNTED:
        story.append(para(f"贵单位{result.period_label}的报表未被采用（{receipt.state.label}）："
                          f"{'；'.join(receipt.problems)}请核实后重新签发报送。", st.notice))
    else:
        tasks, indicators = result.lagging(county)
        late = "（逾期报送）" if receipt.state == ReceiptState.LATE else ""
        lagging = "、".join(f"{n} 项{what}" for n, what in ((len(tasks), "任务"), (len(indicators), "指标")) if n)
        story.append(para(f"根据贵单位{result.period_label}报表{late}，" + (
            f"以下 {lagging}滞后或未填报，请督促责任单位加快推进，并在下期报表中说明进展。" if lagging
            else "本期无滞后或未填报的任务和指标，请继续保持。"), st.notice))
        if tasks:
            tables.append(("滞后任务", ["序号", "领域", "任务", "状态"],
                           [[t.number, t.area, t.title, t.statuses[county]] for t in tasks], [14, 30, 150, 20], 3))
        if indicators:
            tables.append(("滞后或未填报的指标", ["编号", "指标", "目标", "本期值", "完成率", "状态", "排名"],
                           [[i.code, i.name, i.target_text, format_value(i.values.get(county), i.unit, None),
                             format_percent(i.completions.get(county), ""), i.statuses[county],
                             i.ranks.get(county) or "—"] for i in indicators],
                           [20, 80, 30, 30, 20, 18, 14], 5))
    for n, (title, header, rows, widths, lag) in enumerate(tables, 1):
        story.append(para(title, st.h2))
        if n < len(tables):
            story.append(_table(st, header, rows, widths, lag))
        else:
            story += _closing_table(st, header, rows, widths, lag, closing)
    if not tables:
        story.append(KeepTogether(closing))
    return story


def build_consolidated_pdf(result: Consolidation, issued: date,
                           progress: Progress = no_progress) -> tuple[bytes, StampBox]:
    """The PDF, and where the signature stamp goes (on the page of returns received)."""
    st = _Styles()
    stamp = StampBox()
    buffer = io.BytesIO()
    doc = document(buffer, st.fonts, PAGE, title=f"汇总 {result.period_label}", author=result.office,
                   subject=consolidation_subject(result.period_id))
    footer = PageFooter((f"{result.plan_name} · {result.period_label} 汇总",
                         f"计入 {len(result.counties)} 个县（市、区）· {issued:%Y-%m-%d}"))
    progress(0, 2, "正在生成汇总 PDF…")
    story = _receipts(st, result, stamp) + _boards(st, result) + _problem_board(st, result) + _notices(st, result, issued)
    doc.build(story, canvasmaker=numbered_canvas(footer, st.fonts))
    progress(2, 2, "")
    return buffer.getvalue(), stamp


def consolidated_pdf_bytes(result: Consolidation, issued: date, key=None, progress: Progress = no_progress) -> bytes:
    """The PDF; with the city's unlocked key (exchange.signing.identity.SigningKey) signed (PAdES)."""
    pdf, stamp = build_consolidated_pdf(result, issued, progress)
    if key is not None:
        from exchange.signing.pdf_sign import sign_pdf  # pyHanko is slow to import; only when signing

        pdf = sign_pdf(pdf, key, stamp, f"{result.period_label} 汇总签发", key.county or key.office)
    return pdf
