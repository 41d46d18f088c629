"""A TrueType font for ReportLab that holds its tables compactly (``CompactTTFont``).

ReportLab's ``TTFont`` reads the whole file into memory and keeps a dict entry per code point
(code → glyph, glyph → codes, code → width): for a CJK font of 30,000 characters that is about
20 MB that stay for the life of the process (40 MB for 宋体 and 仿宋 together), and each subset
it embeds copies the whole glyph table. This one reads the file where it is asked (a table, a
glyph), and keeps the cmap as a flat array over the Basic Multilingual Plane plus the format-12
groups above it, the advances, side bearings and glyph offsets as arrays: under 1 MB. It reads
the cmap ReportLab would choose, gives the same glyph and the same width for every character,
and embeds the same subsets (ReportLab's own ``makeSubset`` runs on these tables). Every
character stays printable: nothing of the font is left out, only the way it is held changes.

Fonts whose chosen cmap is not format 4 or 12 (rare old encodings), or that do not allow
subsetting, raise ``UnsupportedFont``: the caller then uses ReportLab's own ``TTFont``.
"""
from __future__ import annotations

import bisect
import sys
import threading
import weakref
from array import array
from collections.abc import Iterator, Mapping
from struct import unpack_from

from reportlab import rl_config
from reportlab.pdfbase.ttfonts import TTEncoding, TTFError, TTFont, TTFontFace

_ABSENT = -1  # a code point the cmap does not list (a listed one may map to glyph 0)
_BMP = 0x10000


class UnsupportedFont(Exception):
    """The font needs ReportLab's own reader (its cmap format, or embedding rules)."""


def _big_endian(typecode: str, data: bytes) -> array:
    values = array(typecode, data)
    if sys.byteorder == "little":
        values.byteswap()
    return values


class FontFile:
    """The font file's bytes where they are asked, by index or slice, as ReportLab's parser
    reads its in-memory copy; the file stays open for the subsets to come, and is read one
    piece at a time (documents may be made on two threads)."""

    def __init__(self, path: str) -> None:
        self.file = open(path, "rb")
        self.size = self.file.seek(0, 2)
        self.lock = threading.Lock()

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, key: int | slice) -> int | bytes:
        if isinstance(key, slice):
            start, stop, _step = key.indices(self.size)
            return self.read(start, stop - start)
        if not 0 <= key < self.size:
            raise IndexError(key)
        return self.read(key, 1)[0]

    def read(self, offset: int, length: int) -> bytes:
        with self.lock:
            self.file.seek(offset)
            return self.file.read(max(length, 0))


class TableSlice:
    """A table of the file, read a slice at a time (the glyph table, for the glyphs a subset takes)."""

    def __init__(self, data: FontFile, offset: int, length: int) -> None:
        self.data, self.offset, self.length = data, offset, length

    def __getitem__(self, key: slice) -> bytes:
        start, stop, _step = key.indices(self.length)
        return self.data.read(self.offset + start, stop - start)


class CharGlyphs(Mapping):
    """The cmap: code point → glyph, for the code points it lists. A flat array over the Basic
    Multilingual Plane (−1 where not listed); above it, the format-12 groups (sorted, disjoint),
    searched by bisection."""

    def __init__(self, bmp: array, starts: array, ends: array, first_glyphs: array) -> None:
        self.bmp, self.starts, self.ends, self.first_glyphs = bmp, starts, ends, first_glyphs

    def get(self, code: int, default=None):
        if 0 <= code < _BMP:
            glyph = self.bmp[code]
            return default if glyph == _ABSENT else glyph
        at = bisect.bisect_right(self.starts, code) - 1
        if at >= 0 and code <= self.ends[at]:
            return self.first_glyphs[at] + code - self.starts[at]
        return default

    def __getitem__(self, code: int) -> int:
        glyph = self.get(code)
        if glyph is None:
            raise KeyError(code)
        return glyph

    def __contains__(self, code: object) -> bool:
        return isinstance(code, int) and self.get(code) is not None

    def __iter__(self) -> Iterator[int]:
        yield from (code for code, glyph in enumerate(self.bmp) if glyph != _ABSENT)
        for start, end in zip(self.starts, self.ends):
            yield from range(start, end + 1)

    def __len__(self) -> int:
        return _BMP - self.bmp.count(_ABSENT) + sum(e - s + 1 for s, e in zip(self.starts, self.ends))


class HorizontalMetrics:
    """``hmetrics`` as ReportLab's subsetter reads it: (advance, left side bearing) per glyph;
    past the last full metric ReportLab repeats the last advance already scaled to 1000 units
    (what it writes into a subset), so this does too."""

    def __init__(self, advances: array, bearings: array, full: int, scale) -> None:
        self.advances, self.bearings, self.full, self.scale = advances, bearings, full, scale

    def __getitem__(self, glyph: int) -> tuple[float, int]:
        advance = self.advances[glyph]
        return (advance if glyph < self.full else self.scale(advance)), self.bearings[glyph]

    def __len__(self) -> int:
        return len(self.advances)


class _Widths(dict):
    """Each character's width in 1000ths of the font size, looked up once per character used."""

    def __init__(self, face: CompactFace) -> None:
        super().__init__()
        self.face = face

    def __missing__(self, code: int) -> float:
        face = self.face
        glyph = face.charToGlyph.get(code)
        width = face.defaultWidth if glyph is None or glyph >= len(face.hmetrics.advances) \
            else face._pdfScale(face.hmetrics.advances[glyph])
        self[code] = width
        return width


class CompactFace(TTFontFace):
    """ReportLab's TrueType face, reading its file where needed, its per-character tables compact."""

    def __init__(self, filename: str, subfontIndex: int = 0) -> None:
        try:
            super().__init__(filename, subfontIndex=subfontIndex)
        except BaseException:  # not a font this reads: the file is not kept open
            if isinstance(getattr(self, "_ttf_data", None), FontFile):
                self._ttf_data.file.close()
            raise

    def readFile(self, f) -> None:
        self._ttf_data = FontFile(f)
        self.filename = str(f)
        self._pos = 0

    def get_table(self, tag: str) -> bytes | TableSlice:
        """A table's bytes; the glyph table (most of the file) as slices read when taken."""
        offset, length = self.get_table_pos(tag)
        return TableSlice(self._ttf_data, offset, length) if tag == "glyf" else self._ttf_data.read(offset, length)

    def extractInfo(self, charInfo=1) -> None:
        super().extractInfo(charInfo=0)  # names, metrics, flags and checks, as ReportLab reads them
        if self._full_font:
            raise UnsupportedFont("font does not allow subsetting: embedded whole by ReportLab")
        del self.charWidths  # widths come from getCharWidth, never from a dict of every character
        index_format, glyph_format = unpack_from(">HH", self.get_table("head"), 50)
        if glyph_format != 0:
            raise TTFError(f"Unknown glyph data format ({glyph_format})")
        self.charToGlyph = self._read_cmap()
        self.hmetrics = self._read_hmtx()
        self.defaultWidth = self._pdfScale(self.hmetrics.advances[0])
        self.widths = _Widths(self)
        if "loca" not in self.table:
            raise TTFError("missing location table")
        loca, count = self.get_table_pos("loca")[0], self.numGlyphs + 1
        if index_format == 0:
            self.glyphPos = array("L", (offset << 1 for offset in _big_endian("H", self._ttf_data.read(loca, 2 * count))))
        elif index_format == 1:
            self.glyphPos = _big_endian("I", self._ttf_data.read(loca, 4 * count))  # "I": 4 bytes
        else:
            raise TTFError(f"Unknown location table format ({index_format})")

    def getCharWidth(self, code: int) -> float:
        return self.widths[code]

    def _cmap_offset(self, data: bytes) -> tuple[int, int]:
        """Where in the cmap table the subtable ReportLab chooses starts, and its format (its
        rule, in its order: the last Windows one, else Unicode, else Macintosh Roman)."""
        version, count = unpack_from(">HH", data, 0)
        if count == 0 and version != 0:
            count = version
        chosen, kind = None, 0
        for n in range(count):
            platform, encoding, offset = unpack_from(">HHL", data, 4 + 8 * n)
            if platform == 3 or (platform == 1 and encoding == 1) or (platform == 0 and encoding != 5):
                chosen, kind = offset, 1
            elif platform == 1 and encoding == 0 and kind != 1:
                chosen, kind = offset, 2
        if chosen is None:
            raise TTFError("could not find a suitable cmap encoding")
        return chosen, unpack_from(">H", data, chosen)[0]

    def _read_cmap(self) -> CharGlyphs:
        data = self.get_table("cmap")
        offset, cmap_format = self._cmap_offset(data)
        bmp = array("i", [_ABSENT]) * _BMP
        starts, ends, firsts = array("L"), array("L"), array("L")
        if cmap_format == 4:
            length, = unpack_from(">H", data, offset + 2)
            limit = offset + length
            segments = unpack_from(">H", data, offset + 6)[0] // 2
            ends_at = offset + 14
            end_codes = unpack_from(f">{segments}H", data, ends_at)
            start_codes = unpack_from(f">{segments}H", data, ends_at + 2 * segments + 2)
            deltas = unpack_from(f">{segments}h", data, ends_at + 4 * segments + 2)
            ranges_at = ends_at + 6 * segments + 2
            range_offsets = unpack_from(f">{segments}H", data, ranges_at)
            for n, (first, last, delta, range_offset) in enumerate(zip(start_codes, end_codes, deltas, range_offsets)):
                if range_offset == 0:
                    for code in range(first, last + 1):
                        bmp[code] = (code + delta) & 0xFFFF
                    continue
                for code in range(first, last + 1):
                    at = ranges_at + 2 * n + range_offset + (code - first) * 2
                    glyph = 0 if at >= limit else unpack_from(">H", data, at)[0]
                    bmp[code] = (glyph + delta) & 0xFFFF if glyph else 0
        elif cmap_format == 12:
            groups, = unpack_from(">L", data, offset + 12)
            previous_end = -1
            for first, last, glyph in (unpack_from(">3L", data, offset + 16 + 12 * n) for n in range(groups)):
                if first <= previous_end or last < first:  # unsorted or overlapping: ReportLab's reader
                    raise UnsupportedFont("cmap groups out of order")
                previous_end = last
                for code in range(first, min(last + 1, _BMP)):
                    bmp[code] = glyph + code - first
                if last >= _BMP:
                    above = max(first, _BMP)
                    starts.append(above), ends.append(last), firsts.append(glyph + above - first)
        else:
            raise UnsupportedFont(f"cmap format {cmap_format}")
        # As ReportLab: a no-break space prints as the space.
        if bmp[0x20] != _ABSENT:
            bmp[0xA0] = bmp[0x20]
        elif bmp[0xA0] != _ABSENT:
            bmp[0x20] = bmp[0xA0]
        return CharGlyphs(bmp, starts, ends, firsts)

    def _read_hmtx(self) -> HorizontalMetrics:
        full, = unpack_from(">H", self.get_table("hhea"), 34)
        hmtx = self.get_table_pos("hmtx")[0]
        pairs = _big_endian("H", self._ttf_data.read(hmtx, 4 * full))
        advances, bearings = pairs[0::2], pairs[1::2]
        rest = max(self.numGlyphs - full, 0)
        advances.extend([advances[-1]] * rest)
        bearings.extend(_big_endian("H", self._ttf_data.read(hmtx + 4 * full, 2 * rest)))
        return HorizontalMetrics(advances, bearings, full, self._pdfScale)


class CompactTTFont(TTFont):
    """ReportLab's ``TTFont`` on a ``CompactFace``; text is not shaped (as ReportLab's styles
    default: shaping off), so the HarfBuzz tables ReportLab would need are not kept."""

    def __init__(self, name: str, filename: str, subfontIndex: int = 0) -> None:
        self.fontName = name
        self.face = CompactFace(filename, subfontIndex=subfontIndex)
        self.encoding = TTEncoding()
        self.state = weakref.WeakKeyDictionary()
        self._asciiReadable = rl_config.ttfAsciiReadable
        self.shapable = False

    def stringWidth(self, text: str | bytes, size: float, encoding: str = "utf8") -> float:
        """As ReportLab's (the same sum in the same order), from the per-character width cache."""
        if not isinstance(text, str):
            text = text.decode(encoding or "utf8")
        widths = self.face.widths
        return 0.001 * size * sum(widths[code] for code in map(ord, text))
