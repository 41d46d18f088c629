"""The font of the signature stamp: a small subset of the shipped font, built once and kept.

pyHanko embeds only the glyphs a stamp uses, but to find them it reads and subsets the whole
font (4 MB, 30,000 glyphs) at every signature, the slowest step of signing. So the stamp gets a
font of its own: the glyphs of its text and of all printable ASCII (the time, the version), cut
from the shipped font once and kept beside the key. The file's name is made of the digest of
the font and the characters it holds: a changed font or a character not yet held (another
signer, a new kind of period) builds a new one, and the old one is removed.
"""
from __future__ import annotations

import hashlib
import io
import string
from pathlib import Path

from exchange.common.files import clear_stale, write_atomically
from exchange.common.pdf_fonts import fallback_font_path
from models.errors import LedgerError

PREFIX, SUFFIX = "stamp-font-", ".ttf"
ALWAYS = frozenset(string.ascii_letters + string.digits + string.punctuation + " ")


def stamp_font(folder: Path | None, text: str) -> Path:
    """A font holding every character of ``text``: the subset kept in ``folder``, built now if
    it is not there yet; the shipped font itself when there is no folder or it cannot be written."""
    source = fallback_font_path()
    if folder is None:
        return source
    font = source.read_bytes()
    chars = "".join(sorted(ALWAYS | set(text) - {"\n", "\r"}))
    key = hashlib.sha256(hashlib.sha256(font).digest() + chars.encode("utf-8")).hexdigest()[:20]
    path = folder / f"{PREFIX}{key}{SUFFIX}"
    if path.is_file():
        return path
    try:
        clear_stale(folder, [f"{PREFIX}*{SUFFIX}"])  # what a killed build left half-written
        write_atomically(path, _subset(font, chars))
    except LedgerError:  # a folder we may not write: sign with the whole font, only slower
        return source
    for stale in folder.glob(f"{PREFIX}*{SUFFIX}"):
        if stale != path:
            try:
                stale.unlink(missing_ok=True)
            except OSError:  # another signing holds it open (Windows): removed next time
                pass
    return path


def _subset(font: bytes, chars: str) -> bytes:
    """The glyphs of ``chars`` (and .notdef) from ``font``, with its metrics and names."""
    from fontTools import subset  # pyHanko's dependency; loaded only when a subset is built

    options = subset.Options()
    options.layout_features = ["*"]
    tt = subset.load_font(io.BytesIO(font), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(tt)
    out = io.BytesIO()
    tt.save(out)
    return out.getvalue()
