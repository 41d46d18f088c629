"""Blocks of cells as Excel and WPS put them on the clipboard: tab-separated text, one line a
row, a cell holding a tab, quote or line break wrapped in double quotes. No Qt."""
from __future__ import annotations

import csv
import io


def read_tsv(text: str) -> list[list[str]]:
    """The rows of a copied block; the line break Excel adds after the last row is dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    if not text:
        return []
    return [row for row in csv.reader(io.StringIO(text), delimiter="\t", quotechar='"', strict=False)] or [[""]]


def write_tsv(rows: list[list[str]]) -> str:
    """A block to copy out; Excel reads it back cell for cell."""
    out = io.StringIO()
    csv.writer(out, delimiter="\t", quotechar='"', lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerows(rows)
    return out.getvalue()
