"""Header cells of the workbooks people send (plans, 12345 exports): which column plays which
role, found by the words of its header. No Qt."""
from __future__ import annotations

import re
import unicodedata


def header_key(text: str) -> str:
    """A header as compared: full-width forms folded, all spaces dropped."""
    return re.sub(r"[\s\u3000]+", "", unicodedata.normalize("NFKC", text))


def header_role(header: str, roles: dict[str, tuple[str, tuple[str, ...]]]) -> str | None:
    """The role (key of ``roles``: label, words) a header names, by its longest matching word
    (牵头单位 over 单位); a note in brackets does not count."""
    key = re.sub(r"[(（].*?[)）]", "", header_key(header))
    best, best_len = None, 0
    for role, (_label, words) in roles.items():
        for word in words:
            if word in key and len(word) > best_len:
                best, best_len = role, len(word)
    return best
