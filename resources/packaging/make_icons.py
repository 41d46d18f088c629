"""Renders the program's icon (resources/icons/app.svg) to the PNG sizes the Linux desktops use
(resources/icons/app-<size>.png) and to a Windows .ico holding the sizes Explorer picks from
(resources/icons/app.ico). Run after changing app.svg: ``python resources/packaging/make_icons.py``.
"""
from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parents[1] / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main() -> None:
    _app = QGuiApplication(sys.argv[:1])  # QPainter on a QImage needs an application object
    renderer = QSvgRenderer(str(ICONS / "app.svg"))
    for size in PNG_SIZES:
        render(renderer, size).save(str(ICONS / f"app-{size}.png"))
    # Pillow scales the largest image down for each .ico size; each size drawn from the SVG
    # directly is sharper, so the .ico is built from the rendered PNGs.
    images = [Image.open(ICONS / f"app-{size}.png").convert("RGBA") for size in ICO_SIZES]
    images[-1].save(ICONS / "app.ico", sizes=[(s, s) for s in ICO_SIZES], append_images=images[:-1])


if __name__ == "__main__":
    main()
