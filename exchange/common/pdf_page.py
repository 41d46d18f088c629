"""The page every PDF the program prints shares (a county's return, the city's consolidation).

A4 with the margins of GB/T 9704-2012 (portrait: 37 mm top, 28 mm binding side, a 156 × 225 mm
text block; landscape: the same block turned), and under the text on every page the page
number “— 1 —” (odd pages right, even pages left, one character in from the text's edge, as
for official documents), then a thin rule and the footer: up to two lines on the left saying
whose document it is (county or plan, period, version, digest), 第 N 页 共 M 页 in the middle, or
on the right when the lines reach the middle (a form per page, written once M is known), and
on the right, where the document has one, a QR code carrying its identity (a form drawn once,
shown by every page). Also the
stamp box of the visible digital signature, and the small helpers both documents draw with,
set to our embedded fonts and our Chinese line breaking (exchange.common.cjk_paragraph).
"""
from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import PDFArray, PDFBase85Encode, PDFName, PDFStream, PDFZCompress
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from exchange.common.cjk_paragraph import CJKParagraph
from exchange.common.pdf_fonts import FontSet


@dataclass(frozen=True)
class Margins:
    left: float
    right: float
    top: float
    bottom: float


PORTRAIT = Margins(28 * mm, 26 * mm, 37 * mm, 35 * mm)  # GB/T 9704: 版心 156 × 225 mm
LANDSCAPE = Margins(37 * mm, 35 * mm, 24 * mm, 35 * mm)  # the block turned; the footer keeps its room
PAGE_NUMBER_SIZE = 14  # 4号
FOOTER_RULE_Y = 19 * mm
QR_SIZE = 16 * mm
QR_BORDER = 4  # modules of quiet zone around the code, as the QR standard asks
QR_FORM = "FooterQR"


def margins(pagesize: tuple[float, float]) -> Margins:
    return LANDSCAPE if pagesize[0] > pagesize[1] else PORTRAIT


def content_width(pagesize: tuple[float, float] = A4) -> float:
    m = margins(pagesize)
    return pagesize[0] - m.left - m.right


class StampBox:
    """Where the digital signature's appearance goes: page index (0-based) and box in points."""

    page: int = -1
    box: tuple[int, int, int, int] = (0, 0, 0, 0)


@dataclass
class PageFooter:
    """What the footer of every page says."""

    lines: tuple[str, ...]  # left, top to bottom; two fit
    qr_text: str = ""  # none: no QR code


def para(text: object, style: ParagraphStyle) -> Paragraph:
    """Plain text (None as empty) as a paragraph: escaped, line breaks kept, broken as Chinese is."""
    return CJKParagraph(escape("" if text is None else str(text)).replace("\n", "<br/>"), style)


def drawing(width: float, height: float, fonts: FontSet) -> Drawing:
    drawing = Drawing(width, height)
    drawing.initialFontName = fonts.body  # the renderer would otherwise start with Helvetica
    return drawing


def document(buffer: io.BytesIO, fonts: FontSet, pagesize: tuple[float, float] = A4, **info: str) -> SimpleDocTemplate:
    """A document with the shared margins and room for the footer; ``info`` is its title, author,
    subject. Our font from the first page on, so no unembedded Helvetica is referenced."""
    m = margins(pagesize)
    return SimpleDocTemplate(buffer, pagesize=pagesize, leftMargin=m.left, rightMargin=m.right, topMargin=m.top,
                             bottomMargin=m.bottom, creator="改革台账", initialFontName=fonts.body,
                             initialFontSize=10, **info)


def _draw_qr(c: canvas.Canvas, text: str) -> None:
    """The footer's QR code, QR_SIZE square from (0, 0) with its quiet zone: a filled rectangle
    per dark run of a row, drawn straight on the canvas (reportlab's widget makes a shape of each,
    several times slower to draw; a single path would be blurred on screen)."""
    qr = QrCodeWidget(text, barLevel="M").qr  # the widget's encoder, set up for the text
    qr.make()
    count = qr.getModuleCount()
    box = QR_SIZE / (count + 2 * QR_BORDER)
    c.setFillColor(colors.black)
    for r, row in enumerate(qr.modules):
        column = 0
        for dark, run in itertools.groupby(bool(m) for m in row):
            length = len(list(run))
            if dark:
                c.rect((QR_BORDER + column) * box, QR_SIZE - (QR_BORDER + r + 1) * box, length * box, box,
                       stroke=0, fill=1)
            column += length


def _encode_page(page) -> None:
    """Compress a finished page's content now rather than when the document is saved, as
    ReportLab then would (PDFPage.check_format's filters on the same text: the same bytes), and
    drop the text: an 800-page consolidation held 10 MB of page text until the end."""
    if not page.compression or not page.stream:
        return
    filters = [PDFBase85Encode, PDFZCompress] if rl_config.useA85 else [PDFZCompress]
    content = page.stream
    for stream_filter in reversed(filters):
        content = stream_filter.encode(content)
    contents = PDFStream(content=content)
    contents.dictionary["Filter"] = PDFArray([PDFName(f.pdfname) for f in filters])  # so not applied again
    contents.__Comment__ = "page stream"
    page.Contents, page.stream = contents, None


def numbered_canvas(footer: PageFooter, fonts: FontSet) -> type[canvas.Canvas]:
    """A canvas that draws the footer on every page as the page ends and compresses the page
    then. Its 第 N 页 共 M 页 is a form the page shows, written once the count M is known, so no
    page is held back until the end (an 800-page consolidation kept every page's drawing in
    memory)."""

    class NumberedCanvas(canvas.Canvas):
        def showPage(self) -> None:
            self._footer()
            super().showPage()
            _encode_page(self._doc.Pages.pages[-1])

        def save(self) -> None:
            total = self._pageNumber - 1
            for number in range(1, total + 1):
                self.beginForm(f"PageCount{number}")
                self._page_count(number, total)
                self.endForm()
            if footer.qr_text:  # thousands of squares: drawn once, as a form every page shows
                self.beginForm(QR_FORM, 0, 0, QR_SIZE, QR_SIZE)
                _draw_qr(self, footer.qr_text)
                self.endForm()
            super().save()

        def _page_count(self, number: int, total: int) -> None:
            """第 N 页 共 M 页: in the middle, or on the right when the footer lines reach the middle."""
            width = self._pagesize[0]
            m = margins(self._pagesize)
            self.setFont(fonts.body, 9)
            text = f"第 {number} 页 共 {total} 页"
            left_end = m.left + max((stringWidth(line, fonts.body, 9) for line in footer.lines), default=0)
            if left_end + 4 * mm < (width - stringWidth(text, fonts.body, 9)) / 2:
                self.drawCentredString(width / 2, 10 * mm, text)
            else:  # long footer lines: the number goes to the right, clear of them
                self.drawRightString(width - m.right - (QR_SIZE + 4 * mm if footer.qr_text else 0), 10 * mm, text)

        def _footer(self) -> None:
            width = self._pagesize[0]
            m = margins(self._pagesize)
            self.saveState()
            # — N —, 7 mm under the text block, outside: right on odd pages, left on even ones.
            self.setFont(fonts.body, PAGE_NUMBER_SIZE)
            number_y = m.bottom - 7 * mm - PAGE_NUMBER_SIZE * 0.8
            folio, indent = f"— {self._pageNumber} —", PAGE_NUMBER_SIZE
            if self._pageNumber % 2:
                self.drawRightString(width - m.right - indent, number_y, folio)
            else:
                self.drawString(m.left + indent, number_y, folio)
            self.setStrokeColor(colors.HexColor("#888888"))
            self.setLineWidth(0.5)
            self.line(m.left, FOOTER_RULE_Y, width - m.right, FOOTER_RULE_Y)
            self.setFont(fonts.body, 9)
            for y, line in zip((13 * mm, 8 * mm), footer.lines):
                self.drawString(m.left, y, line)
            self.doForm(f"PageCount{self._pageNumber}")
            if footer.qr_text:
                self.translate(width - m.right - QR_SIZE, 2 * mm)
                self.doForm(QR_FORM)
            self.restoreState()

    return NumberedCanvas
