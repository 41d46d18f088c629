"""How every workbook the program writes prints: A4, one page wide, as many pages tall as it takes,
page numbers in the footer. A clerk or a city office printing a sheet from Excel or WPS gets pages
as readable as the PDF's, not a sheet's first columns spread over a dozen pages."""
from __future__ import annotations

from typing import Any


# Widest a sheet may be (in column units) and still be shrunk onto one page's width: A4 landscape
# holds about 145 at full size, so this keeps the print at about 55 % or larger.
FIT_WIDTH_MAX = 260


def print_on_a4(ws: Any, footer: str, landscape: bool = True, width: float = 0) -> None:
    """Page setup of ``ws`` (an ordinary or a write-only worksheet). ``footer`` goes at the left of
    every page's footer after the sheet's name (&A): a printout of the whole workbook says which
    sheet each page is from. A sheet ``width`` units wide beyond FIT_WIDTH_MAX (ninety counties
    side by side) is not shrunk: it prints at full size across pages, which repeat the columns
    the caller names in ``ws.print_title_cols``."""
    ws.page_setup.paperSize = "9"  # A4 (a write-only sheet has no PAPERSIZE_A4 to name it)
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    if width <= FIT_WIDTH_MAX:
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.left.text = f"&A · {footer}"
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
