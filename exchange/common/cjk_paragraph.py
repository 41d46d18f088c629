"""Chinese line breaking for ReportLab paragraphs, with the rules of 避头尾.

ReportLab's CJK wrapping cuts wherever the line is full and only lets a few closing marks hang
in the margin: a line may still open with ，。、；：？！”’）》 (the full-width marks are missing from
its list) or end with “‘（《, and a number such as 547.12万 may be cut in two. ``line_breaks``
fills each line greedily and then moves the break back (the last characters go down to the next
line) until no line opens with a closing mark, none ends with an opening one and no run of Latin
letters and digits is cut. ``CJKParagraph`` lays out every paragraph of our PDFs with it.
"""
from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import ParaLines, cjkU, makeCJKParaLine
from reportlab.rl_config import _FUZZ

# 行首禁则: may not open a line (closing marks, pauses, stops).
NO_LINE_START = frozenset("，。、；：？！”’）》」』】〕〉〗…·,.;:?!)]}%")
# 行尾禁则: may not end a line (opening marks).
NO_LINE_END = frozenset("“‘（《「『【〔〈〖([{")
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.,%+-_/:@#&=~")


def _bad_break(text: str, at: int, words: bool) -> bool:
    """True if a line may not end before ``text[at]``."""
    before, after = text[at - 1], text[at]
    return (after in NO_LINE_START or before in NO_LINE_END
            or (words and before in _WORD and after in _WORD))


def line_breaks(text: str, widths: Sequence[float], max_widths: Sequence[float],
                forced: frozenset[int] = frozenset()) -> list[tuple[int, int]]:
    """(start, end) of each line of ``text`` whose characters are ``widths`` wide.

    Line n is at most ``max_widths[n]`` wide (the last width repeats); a line ends after every
    index in ``forced`` (a <br/>). Spaces opening a line are dropped. A break that cannot obey
    the rules within the line (one long word) falls back to the punctuation rules alone, then
    to a plain cut.
    """
    lines: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while start < n:
        limit = max_widths[min(len(lines), len(max_widths) - 1)]
        end, used, hard = start, 0.0, False
        while end < n and (end == start or used + widths[end] <= limit + _FUZZ):
            used += widths[end]
            end += 1
            if end - 1 in forced:
                hard = True
                break
        if not hard and end < n:
            for words in (True, False):
                cut = end
                while cut > start + 1 and _bad_break(text, cut, words):
                    cut -= 1
                if not _bad_break(text, cut, words):
                    end = cut
                    break
        lines.append((start, end))
        start = end
        while start < n and text[start] == " " and start - 1 not in forced:
            start += 1
    return lines


class CJKParagraph(Paragraph):
    """A Paragraph broken into lines by ``line_breaks`` (its style must say wordWrap="CJK")."""

    def breakLinesCJK(self, maxWidths):
        if not isinstance(maxWidths, (list, tuple)):
            maxWidths = [maxWidths]
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara  # the rest of a paragraph split across pages: already broken
        # A table cell is wrapped two or three times at the same width (its height, the split at
        # a page end, the drawing): broken once.
        widths = tuple(maxWidths)
        broken = getattr(self, "_broken", None)
        if broken is None or broken[0] != widths:
            broken = self._broken = widths, self._break_lines(maxWidths)
        return broken[1]

    def _break_lines(self, maxWidths):
        frags = [f for f in self.frags if not hasattr(f, "cbDefn")]
        if not frags or len(frags) != len(self.frags) or self.style.endDots or self.bulletText:
            return super().breakLinesCJK(maxWidths)  # images, dots, bullets: ReportLab's own way
        glyphs = []
        for frag in frags:  # a frag without text (a <br/>) still takes one place
            glyphs.extend(cjkU(ch, frag, "utf8") for ch in frag.text or [""])
        text = "".join(g or "\0" for g in glyphs)  # an empty glyph is a <br/>: keep the indices
        forced = frozenset(i for i, g in enumerate(glyphs) if hasattr(g.frag, "lineBreak"))
        auto_leading = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
        lines = []
        for n, (start, end) in enumerate(line_breaks(text, [g.width for g in glyphs], maxWidths, forced)):
            width = maxWidths[min(n, len(maxWidths) - 1)]
            used = sum(g.width for g in glyphs[start:end])
            lines.append(makeCJKParaLine(glyphs[start:end], width, used, width - used, end - 1 in forced,
                                         auto_leading not in ("", "off")))
        return ParaLines(kind=1, lines=lines)
