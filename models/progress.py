"""Progress reporting for long work (export, sign, import, consolidate), without Qt.

Core functions take ``progress: Progress = no_progress`` and call ``progress(done, total, text)``
as they go; the UI's worker passes a callback that updates its dialog and raises ``Cancelled``
when the user pressed 取消, so the work stops at the next step and rolls back what it began.
"""
from __future__ import annotations

from typing import Protocol

from models.errors import LedgerError


class Cancelled(LedgerError):
    """The user cancelled; nothing was written."""

    def __init__(self, message: str = "已取消，未作任何改动。") -> None:
        super().__init__(message)


class Progress(Protocol):
    def __call__(self, done: int, total: int, text: str = "") -> None: ...


def no_progress(done: int, total: int, text: str = "") -> None:
    """The default for callers that show no progress (the command line, tests)."""
