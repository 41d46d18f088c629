"""Widgets shown as a person sees them, for the tests that drive the window and its pages."""
from __future__ import annotations


def shown(qtbot, widget, size: tuple[int, int] | None = None):
    """``widget`` owned by qtbot (closed after the test), resized to ``size`` if given, shown and
    exposed on the (offscreen) screen."""
    qtbot.addWidget(widget)
    if size:
        widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def loaded(qtbot, page, timeout: int = 10_000):
    """``page`` once the rows it reads off the UI thread are shown (at once if it reads none);
    also when one read's rows ask for another, as a partial re-read that finds more changed does."""
    qtbot.waitUntil(lambda: not page.reading(), timeout=timeout)
    return page
