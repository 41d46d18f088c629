"""The footer every PDF page shares: the return's QR code, drawn once per document, is shown on
every page, where it still reads as the return's identity (its modules sampled from the rendered
page and compared with the QR encoding of ``RL|county|period|version|digest``)."""
from __future__ import annotations

import subprocess
from pathlib import Path

from PIL import Image
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from exchange.common.pdf_page import PORTRAIT, QR_SIZE
from exchange.returns.returns_export import export_return
from tests.test_returns import AS_OF, PERIOD

DPI = 300


def rendered_qr(pdf: Path, page: int, folder: Path) -> Image.Image:
    """The footer's QR square of ``page``, rendered at DPI."""
    scale = DPI / 72
    left, top = A4[0] - PORTRAIT.right - QR_SIZE, A4[1] - 2 * mm - QR_SIZE
    stem = folder / f"qr-{page}"
    subprocess.run(["pdftoppm", "-r", str(DPI), "-f", str(page), "-l", str(page), "-singlefile", "-gray",
                    "-x", str(round(left * scale)), "-y", str(round(top * scale)),
                    "-W", str(round(QR_SIZE * scale)), "-H", str(round(QR_SIZE * scale)), "-png", str(pdf), str(stem)],
                   check=True)
    return Image.open(f"{stem}.png").convert("L")


def modules(image: Image.Image, count: int, border: int) -> list[list[bool]]:
    """Dark or light at the centre of each of the count × count modules inside the quiet zone."""
    box = image.width / (count + 2 * border)
    return [[image.getpixel((int((border + c + 0.5) * box), int((border + r + 0.5) * box))) < 128
             for c in range(count)] for r in range(count)]


def test_every_page_shows_the_qr_code_of_the_return(demo_store, tmp_path):
    result = export_return(demo_store, PERIOD, tmp_path / "out", AS_OF)
    expected = QrCodeWidget(f"RL|婺城区|{PERIOD}|v{result.version}|{result.digest}", barLevel="M")
    expected.draw()
    count, border = expected.qr.getModuleCount(), expected.barBorder
    truth = [[bool(expected.qr.isDark(r, c)) for c in range(count)] for r in range(count)]
    info = subprocess.run(["pdfinfo", str(result.pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages > 5
    for page in range(1, pages + 1):
        assert modules(rendered_qr(result.pdf, page, tmp_path), count, border) == truth, f"page {page}"
