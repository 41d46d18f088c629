"""The compact font (exchange.common.compact_font) reads a font as ReportLab's TTFont does: the
same glyph and width for every character, rare ones included, the same embedded subsets, and a
PDF set in it prints and extracts its text; the page compressed as it ends gives the same PDF."""
from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont as FontToolsFont
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen import canvas

from exchange.common import pdf_page
from exchange.common.compact_font import CompactTTFont
from exchange.common.pdf_fonts import fallback_font_path, register_fonts
from exchange.common.pdf_page import PageFooter, document, numbered_canvas, para

# Rare characters of enterprise and person names (喆 犇 淼 鑫 燚 龘 堃 昇 頔 玥), punctuation,
# Latin, a no-break space, and code points the font lacks (a private-use one, one above the BMP).
SAMPLE = "浙江省营商环境改革台账喆犇淼鑫燚龘堃昇頔玥，。（）《》—…ABCxyz0123%\u00a0 \ue000\U00020000"


def format4_copy(folder: Path) -> Path:
    """The shipped font with only its format-4 cmap (as 宋体 and 仿宋 have), to read that path."""
    font = FontToolsFont(fallback_font_path())
    font["cmap"].tables = [t for t in font["cmap"].tables if t.format == 4]
    path = folder / "format4.ttf"
    font.save(path)
    return path


@pytest.fixture(params=["shipped", "format4"])
def font_path(request, tmp_path) -> Path:
    return fallback_font_path() if request.param == "shipped" else format4_copy(tmp_path)


def test_glyphs_widths_and_subsets_are_reportlabs(font_path):
    ours, theirs = CompactTTFont("CompactProbe", str(font_path)), TTFont("ReportLabProbe", str(font_path))
    a, b = ours.face, theirs.face
    for name in ("name", "flags", "ascent", "descent", "capHeight", "bbox", "italicAngle", "stemV", "defaultWidth",
                 "numGlyphs", "unitsPerEm"):
        assert getattr(a, name) == getattr(b, name), name
    assert len(a.charToGlyph) == len(b.charToGlyph)
    for code in list(map(ord, SAMPLE)) + list(range(0, 0x3000, 7)) + list(range(0x4E00, 0xA000, 3)):
        assert (code in a.charToGlyph) == (code in b.charToGlyph), hex(code)
        assert a.charToGlyph.get(code) == b.charToGlyph.get(code), hex(code)
        assert a.getCharWidth(code) == b.charWidths.get(code, b.defaultWidth), hex(code)
    assert ours.stringWidth(SAMPLE, 9) == theirs.stringWidth(SAMPLE, 9)
    doc = canvas.Canvas(io.BytesIO())._doc  # the codes a document gives the characters
    assert ours.splitString(SAMPLE, doc) == theirs.splitString(SAMPLE, doc)
    codes = [ord(c) for c in dict.fromkeys(SAMPLE)] + sorted(b.charToGlyph)[::150]
    assert a.makeSubset(codes[:255]) == b.makeSubset(codes[:255])


def test_a_pdf_in_the_compact_font_embeds_and_shows_rare_characters(tmp_path):
    fonts = register_fonts()
    assert isinstance(pdfmetrics.getFont(fonts.body), CompactTTFont)  # this machine has no 仿宋: the shipped font
    path = tmp_path / "rare.pdf"
    page = canvas.Canvas(str(path))
    page.setFont(fonts.body, 14)
    page.drawString(72, 700, "企业：喆犇淼鑫燚龘有限公司")
    page.drawString(72, 670, "负责人：堃昇頔玥")
    page.save()
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "喆犇淼鑫燚龘有限公司" in text and "堃昇頔玥" in text
    fonts_listed = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYi" in fonts_listed and " yes " in fonts_listed  # embedded (as a subset)


def test_pages_compressed_as_they_end_make_the_same_pdf(monkeypatch):
    fonts = register_fonts()
    style = ParagraphStyle("s", fontName=fonts.body, fontSize=12, leading=18)
    monkeypatch.setattr(rl_config, "invariant", 1)  # no creation date or random id: two runs compare

    def build() -> bytes:
        buffer = io.BytesIO()
        story = [para(f"第{n}段：喆犇淼鑫 {n * 3.5}%", style) for n in range(400)]
        document(buffer, fonts, title="t").build(story, canvasmaker=numbered_canvas(PageFooter(("页脚",)), fonts))
        return buffer.getvalue()

    ours = build()
    monkeypatch.setattr(pdf_page, "_encode_page", lambda page: None)  # ReportLab compresses when saving
    assert build() == ours and ours.count(b"/Type /Page\n") > 5
