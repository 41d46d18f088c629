"""Chinese fonts for the PDFs, registered once with ReportLab (embedded as subsets).

As GB/T 9704 sets them for official documents: the body in 仿宋, headings in 黑体, the title in
小标宋, each where the system has it (Windows, and the CESI and AR PL fonts of 统信 UOS / 麒麟 and
other Linux desktops); else the body falls back to 宋体 and then to the WenQuanYi Micro Hei
shipped in resources/fonts (Apache-2.0), headings and title to the body's font. Only
TrueType-outline fonts can be embedded by ReportLab; others are skipped. Each is held as an
exchange.common.compact_font.CompactTTFont (under 1 MB where ReportLab's TTFont keeps 20 MB
per CJK font), or ReportLab's own TTFont for the rare font that one cannot read.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from exchange.common.compact_font import CompactTTFont, UnsupportedFont
from models.resources import resources_dir

_WINDOWS = Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"
# (path, face index in a .ttc) in order of preference, per role.
BODY_CANDIDATES = [
    (_WINDOWS / "simfang.ttf", 0), (_WINDOWS / "simsun.ttc", 0),
    (Path("/usr/share/fonts/fonts-cesi/CESI_FS_GB2312.TTF"), 0),
    (Path("/usr/share/fonts/fonts-cesi/CESI_SS_GB2312.TTF"), 0),
    (Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0),
]
HEADING_CANDIDATES = [
    (_WINDOWS / "simhei.ttf", 0),
    (Path("/usr/share/fonts/fonts-cesi/CESI_HT_GB2312.TTF"), 0),
]
TITLE_CANDIDATES = [
    (_WINDOWS / "FZXBSJW.TTF", 0), (_WINDOWS / "方正小标宋简体.ttf", 0),
    (Path("/usr/share/fonts/fonts-cesi/CESI_XBS_GB2312.TTF"), 0),
]


def fallback_font_path() -> Path:
    """The shipped font, also used for the signature stamp (a .ttf at 1000 units per em)."""
    return resources_dir() / "fonts" / "wqy-microhei.ttf"


@dataclass(frozen=True)
class FontSet:
    body: str
    heading: str
    title: str


def load_font(name: str, path: Path, index: int = 0) -> TTFont:
    """The font at ``path`` (face ``index`` of a .ttc), compact where it can be."""
    try:
        return CompactTTFont(name, str(path), subfontIndex=index)
    except UnsupportedFont:
        return TTFont(name, str(path), subfontIndex=index)


def _register(name: str, candidates: list[tuple[Path, int]]) -> str | None:
    for path, index in candidates:
        if not path.is_file():
            continue
        try:
            pdfmetrics.registerFont(load_font(name, path, index))
        except Exception:  # PostScript outlines or a damaged file: try the next one
            continue
        return name
    return None


@functools.cache
def register_fonts() -> FontSet:
    """Register the fonts once per process and name them for the styles; the shipped font only
    when the system has no body font."""
    body = _register("LedgerBody", BODY_CANDIDATES)
    if body is None:
        pdfmetrics.registerFont(load_font("LedgerFallback", fallback_font_path()))
        body = "LedgerFallback"
    heading = _register("LedgerHeading", HEADING_CANDIDATES) or body
    title = _register("LedgerTitle", TITLE_CANDIDATES) or heading
    return FontSet(body, heading, title)
