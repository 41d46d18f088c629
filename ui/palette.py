"""The window's status colours, in one place: a task's status, a milestone's urgency, a
receipt's state, an indicator's status, a reason still missing. Red is always "behind"."""
from __future__ import annotations

from PySide6.QtGui import QColor

from models.enums import IndicatorStatus, TaskStatus

BEHIND = QColor("#c0392b")  # 滞后, overdue, not received, a reason still missing
DONE = QColor("#1e8449")  # 已完成, received and valid
ON_TRACK = QColor("#2471a3")  # 推进中, not yet due
NOT_STARTED = QColor("#7f8c8d")
DUE_SOON = QColor("#e67e22")
LATE = QColor("#b9770e")  # received after the due date, still counted; a carried-forward draft

TASK_STATUS_COLOURS = {
    TaskStatus.NOT_STARTED: NOT_STARTED,
    TaskStatus.ON_TRACK: ON_TRACK,
    TaskStatus.LAGGING: BEHIND,
    TaskStatus.DONE: DONE,
}
# An indicator's status as a cell shows it: (background, text).
INDICATOR_STATUS_COLOURS = {
    IndicatorStatus.ACHIEVED: ("#e3f4e8", "#1e7b3a"),
    IndicatorStatus.NORMAL: ("#e8f0fb", "#1d4f8f"),
    IndicatorStatus.LAGGING: ("#fde2e0", "#b42318"),
    IndicatorStatus.NO_DATA: ("#f0f0f0", "#6b7280"),
}
