"""Moments as people in Zhejiang read them: Beijing time (UTC+08:00), to the minute.

Signatures record UTC; the store records the office PC's local time. Everything a person reads
(the signature stamp, the PDFs, verify's output, the window) goes through ``format_moment``.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "北京时间")


def to_beijing(moment: datetime) -> datetime:
    """An aware moment in Beijing time; a naive one is taken as the computer's local time."""
    return moment.astimezone(BEIJING)


def format_moment(moment: datetime | None) -> str:
    """2026-12-01 16:32 (Beijing time); empty for no moment."""
    return "" if moment is None else f"{to_beijing(moment):%Y-%m-%d %H:%M}"
