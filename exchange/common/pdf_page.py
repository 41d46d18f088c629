"""The page every PDF the program prints shares (a county's return, the city's consolidation).

A4, portrait or landscape, the same margins; a footer under a thin rule on every page: up to two
lines on the left saying whose document it is (county or plan, period, version), 第 N 页 共 M
页 in the middle, or on the right when the lines reach the middle (the canvas holds the pages
back until it knows M), and on the right, where the
document has one, a QR code carrying its identity. Also the stamp box of the visible digital
signature, and the small helpers both documents draw with, set to our embedded fonts.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from exchange.common.pdf_fonts import FontSet

MARGIN = 15 * mm
FOOTER_H = 22 * mm  # room under the text for the footer lines and the QR code
QR_SIZE = 17 * mm


@dataclass
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
    """Plain text (None as empty) as a paragraph: escaped, line breaks kept."""
    return Paragraph(escape("" if text is None else str(text)).replace("\n", "<br/>"), style)


def drawing(width: float, height: float, fonts: FontSet) -> Drawing:
    drawing = Drawing(width, height)
    drawing.initialFontName = fonts.body  # the renderer would otherwise start with Helvetica
    return drawing


def document(buffer: io.BytesIO, fonts: FontSet, pagesize: tuple[float, float] = A4, **info: str) -> SimpleDocTemplate:
    """A document with the shared margins and room for the footer; ``info`` is its title, author,
    subject. Our font from the first page on, so no unembedded Helvetica is referenced."""
    return SimpleDocTemplate(buffer, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                             bottomMargin=FOOTER_H + 2 * mm, creator="改革台账", initialFontName=fonts.body,
                             initialFontSize=10, **info)


def numbered_canvas(footer: PageFooter, fonts: FontSet) -> type[canvas.Canvas]:
    """A canvas that draws the footer on every page once the page count is known."""

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            width = self._pagesize[0]
            self.saveState()
            self.setStrokeColor(colors.HexColor("#888888"))
            self.setLineWidth(0.5)
            self.line(MARGIN, FOOTER_H - 2 * mm, width - MARGIN, FOOTER_H - 2 * mm)
            self.setFont(fonts.body, 9)
            for y, line in zip((12 * mm, 7 * mm), footer.lines):
                self.drawString(MARGIN, y, line)
            number = f"第 {self._pageNumber} 页 共 {total} 页"
            left_end = MARGIN + max((stringWidth(line, fonts.body, 9) for line in footer.lines), default=0)
            if left_end + 4 * mm < (width - stringWidth(number, fonts.body, 9)) / 2:
                self.drawCentredString(width / 2, 9 * mm, number)
            else:  # long footer lines: the number goes to the right, clear of them
                self.drawRightString(width - MARGIN - (QR_SIZE + 4 * mm if footer.qr_text else 0), 9 * mm, number)
            if footer.qr_text:
                qr = QrCodeWidget(footer.qr_text, barLevel="M")
                x1, y1, x2, y2 = qr.getBounds()
                code = drawing(QR_SIZE, QR_SIZE, fonts)
                code.transform = [QR_SIZE / (x2 - x1), 0, 0, QR_SIZE / (y2 - y1), 0, 0]
                code.add(qr)
                renderPDF.draw(code, self, width - MARGIN - QR_SIZE, 2 * mm)
            self.restoreState()

    return NumberedCanvas
