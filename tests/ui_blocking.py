"""How long the UI thread is kept from answering a person, for the benchmarks (not collected by
pytest): a 1 ms timer ticks whenever the event loop runs; the longest gap between ticks (or
between the start or end and the nearest tick) is the longest stretch in which a click, a key or
a repaint would have waited. A read thread holding Python's interpreter lock counts too: the UI
thread really waits for it."""
from __future__ import annotations

import time

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication


class LongestBlock:
    """``with LongestBlock() as block: …`` then ``block.ms``: the longest gap inside."""

    def __init__(self) -> None:
        self.ticks: list[float] = []
        self.ms = 0.0
        self.timer = QTimer(interval=1, timerType=Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))

    def __enter__(self) -> "LongestBlock":
        self.ticks = [time.perf_counter()]
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.stop()
        self.ticks.append(time.perf_counter())
        self.ms = max(b - a for a, b in zip(self.ticks, self.ticks[1:])) * 1000


def wait_until_read(page) -> None:
    """Run the event loop (sleeping between events) until ``page`` has its rows and has painted
    what they changed."""
    while page.reading():
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    QApplication.processEvents()
