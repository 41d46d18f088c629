"""挂图作战: tasks (rows) against the plan year's quarters (columns), each milestone drawn on its
due date and coloured by its state, with a line for today. Painted with QPainter; the whole
chart (not only what the scroll area shows) can be saved as PNG."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from models.errors import LedgerError
from models.task_list import MilestoneRow, TaskRow
from ui.palette import BEHIND, DONE, DUE_SOON, ON_TRACK, TASK_STATUS_COLOURS

LABEL_WIDTH = 300
ROW_HEIGHT = 24
AREA_HEIGHT = 26
HEADER_HEIGHT = 72  # legend, quarter names, the today label
MARGIN = 12
GRID = QColor("#dde3ea")
QUARTERS = ["一季度", "二季度", "三季度", "四季度"]
SOON_DAYS = 14


def milestone_colour(m: MilestoneRow, as_of: date) -> QColor:
    if m.done is not None:
        return DONE
    if m.overdue:
        return BEHIND
    return DUE_SOON if (m.due - as_of).days <= SOON_DAYS else ON_TRACK


class GanttChart(QWidget):
    """Sized to hold every row; put it in a QScrollArea. Clicking a task row emits its id."""

    taskClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="ganttChart")
        self.rows: list[TaskRow] = []
        self.year = date.today().year
        self.as_of = date.today()
        self._lines: list[tuple[str, object]] = []  # ("area", name) or ("task", TaskRow), top to bottom
        self._width = 0  # the width being painted: the widget's, or the exported image's
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)

    def set_rows(self, rows: list[TaskRow], year: int, as_of: date) -> None:
        self.rows, self.year, self.as_of = rows, year, as_of
        self._lines = []
        area = None
        for row in rows:
            if row.area != area:
                area = row.area
                self._lines.append(("area", area))
            self._lines.append(("task", row))
        self.setMinimumHeight(self._height())
        self.updateGeometry()
        self.update()

    def _height(self) -> int:
        return HEADER_HEIGHT + sum(AREA_HEIGHT if kind == "area" else ROW_HEIGHT for kind, _ in self._lines) + MARGIN

    def sizeHint(self) -> QSize:
        return QSize(900, self._height())

    # ---- geometry ----
    def _x(self, day: date) -> float:
        start, end = date(self.year, 1, 1), date(self.year, 12, 31)
        share = min(max((day - start).days / ((end - start).days + 1), 0.0), 1.0)
        return LABEL_WIDTH + share * (self._width - LABEL_WIDTH - MARGIN)

    def task_at(self, y: float) -> TaskRow | None:
        top = HEADER_HEIGHT
        for kind, item in self._lines:
            height = AREA_HEIGHT if kind == "area" else ROW_HEIGHT
            if top <= y < top + height:
                return item if kind == "task" else None
            top += height
        return None

    def mousePressEvent(self, event) -> None:
        task = self.task_at(event.position().y())
        if task is not None:
            self.taskClicked.emit(task.id)

    def mouseMoveEvent(self, event) -> None:
        task = self.task_at(event.position().y())
        self.setCursor(Qt.CursorShape.PointingHandCursor if task else Qt.CursorShape.ArrowCursor)
        if task is None:
            self.setToolTip("")
            return
        lines = [f"{task.number}. {task.title}（{task.status.label}）"]
        lines += [f"{m.due.isoformat()}  {m.state_label}  {m.title}" for m in task.milestones]
        self.setToolTip("\n".join(lines))

    # ---- painting ----
    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint(painter, self.width())
        painter.end()

    def paint(self, painter: QPainter, width: int) -> None:
        self._width = width
        painter.fillRect(QRectF(0, 0, width, self._height()), QColor("white"))
        self._paint_header(painter)
        metrics = QFontMetrics(painter.font())
        top = HEADER_HEIGHT
        bold = QFont(painter.font())
        bold.setBold(True)
        normal = QFont(painter.font())
        for kind, item in self._lines:
            if kind == "area":
                painter.fillRect(QRectF(0, top, self._width, AREA_HEIGHT), QColor("#eef2f6"))
                painter.setFont(bold)
                painter.setPen(QColor("#1d3557"))
                painter.drawText(QRectF(MARGIN, top, LABEL_WIDTH, AREA_HEIGHT), Qt.AlignmentFlag.AlignVCenter, item)
                painter.setFont(normal)
                top += AREA_HEIGHT
                continue
            self._paint_task(painter, metrics, item, top)
            top += ROW_HEIGHT
        self._paint_today(painter)

    @staticmethod
    def _legend_step(painter: QPainter, text: str) -> float:
        return 16 + painter.fontMetrics().horizontalAdvance(text) + 20  # mark, text, gap

    def _legend_width(self, painter: QPainter, legend: list) -> float:
        return sum(self._legend_step(painter, text) for _colour, text in legend)

    def _paint_header(self, painter: QPainter) -> None:
        painter.setPen(QColor("#1d3557"))
        legend = [(DONE, "已完成"), (BEHIND, "逾期未完成"), (DUE_SOON, f"{SOON_DAYS}天内到期"), (ON_TRACK, "未到期"),
                  (None, "原定时限（已延期）")]
        heading = f"{self.year}年 · 今日 {self.as_of.month}月{self.as_of.day}日"
        painter.drawText(QRectF(MARGIN, 4, LABEL_WIDTH, 20), Qt.AlignmentFlag.AlignVCenter, heading)
        # The legend follows the heading, or starts over the timeline when there is room.
        x = min(LABEL_WIDTH, self._width - MARGIN - self._legend_width(painter, legend))
        x = max(x, MARGIN + painter.fontMetrics().horizontalAdvance(heading) + 24)
        for colour, text in legend:
            if colour is None:
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(QPen(QColor("#7f8c8d"), 1.2))
                painter.drawEllipse(QPointF(x + 6, 14), 4, 4)
            else:
                self._diamond(painter, QPointF(x + 6, 14), colour)
            painter.setPen(QColor("#3d4a57"))
            painter.drawText(QRectF(x + 16, 4, 140, 20), Qt.AlignmentFlag.AlignVCenter, text)
            x += self._legend_step(painter, text)
        for number, name in enumerate(QUARTERS):
            left = self._x(date(self.year, 3 * number + 1, 1))
            right = self._x(date(self.year, 12, 31)) if number == 3 else self._x(date(self.year, 3 * number + 4, 1))
            painter.fillRect(QRectF(left, 28, right - left, 24),
                             QColor("#eef2f6") if number % 2 == 0 else QColor("#e3e9f0"))
            painter.setPen(QColor("#1d3557"))
            painter.drawText(QRectF(left, 28, right - left, 24), Qt.AlignmentFlag.AlignCenter, name)
            painter.setPen(QPen(GRID, 1))
            painter.drawLine(QPointF(left, 28), QPointF(left, self._height()))
        for month in range(2, 13):  # faint month lines inside the quarters
            if month % 3 != 1:
                x = self._x(date(self.year, month, 1))
                painter.setPen(QPen(QColor("#f0f3f6"), 1))
                painter.drawLine(QPointF(x, HEADER_HEIGHT), QPointF(x, self._height()))

    def _paint_task(self, painter: QPainter, metrics: QFontMetrics, task: TaskRow, top: float) -> None:
        middle = top + ROW_HEIGHT / 2
        painter.setPen(QPen(QColor("#f0f3f6"), 1))
        painter.drawLine(QPointF(0, top + ROW_HEIGHT), QPointF(self._width, top + ROW_HEIGHT))
        painter.setBrush(TASK_STATUS_COLOURS[task.status])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(QPointF(MARGIN + 4, middle), 4, 4)
        painter.setPen(QColor("#222"))
        room = LABEL_WIDTH - 56 - (MARGIN + 14) - 8  # up to the status word
        label = metrics.elidedText(f"{task.number}. {task.title}", Qt.TextElideMode.ElideRight, room)
        painter.drawText(QRectF(MARGIN + 14, top, room, ROW_HEIGHT), Qt.AlignmentFlag.AlignVCenter, label)
        painter.setPen(TASK_STATUS_COLOURS[task.status])
        painter.drawText(QRectF(LABEL_WIDTH - 56, top, 50, ROW_HEIGHT), Qt.AlignmentFlag.AlignVCenter, task.status.label)
        if task.milestones:  # the task's span, from the year start to its last milestone
            end = self._x(max(m.due for m in task.milestones))
            painter.setPen(QPen(QColor("#c9d3de"), 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawLine(QPointF(self._x(date(self.year, 1, 1)) + 2, middle), QPointF(end, middle))
        for m in task.milestones:
            if m.original_due != m.due:  # a moved milestone: a hollow mark where it was first due
                painter.setPen(QPen(QColor("#7f8c8d"), 1, Qt.PenStyle.DotLine))
                painter.drawLine(QPointF(self._x(m.original_due), middle), QPointF(self._x(m.due), middle))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(QPen(QColor("#7f8c8d"), 1.2))
                painter.drawEllipse(QPointF(self._x(m.original_due), middle), 4, 4)
            self._diamond(painter, QPointF(self._x(m.due), middle), milestone_colour(m, self.as_of))

    @staticmethod
    def _diamond(painter: QPainter, centre: QPointF, colour: QColor, size: float = 6) -> None:
        path = QPainterPath()
        path.moveTo(centre.x(), centre.y() - size)
        path.lineTo(centre.x() + size, centre.y())
        path.lineTo(centre.x(), centre.y() + size)
        path.lineTo(centre.x() - size, centre.y())
        path.closeSubpath()
        painter.setPen(QPen(QColor("white"), 1))
        painter.setBrush(colour)
        painter.drawPath(path)

    def _paint_today(self, painter: QPainter) -> None:
        if self.as_of.year != self.year:
            return
        x = self._x(self.as_of)
        painter.setPen(QPen(BEHIND, 1.5, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(x, 52), QPointF(x, self._height()))
        label = QRectF(x - 50, 54, 100, 16)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(BEHIND)
        painter.drawRoundedRect(label, 3, 3)
        painter.setPen(QColor("white"))
        painter.drawText(label, Qt.AlignmentFlag.AlignCenter, f"今日 {self.as_of.month}月{self.as_of.day}日")

    # ---- export ----
    def export_png(self, path: Path, width: int = 1600) -> None:
        """The whole chart at ``width`` pixels, written next to ``path`` and moved into place."""
        pixmap = QPixmap(QSize(width, self._height()))
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self.font())
        self.paint(painter, width)
        painter.end()
        partial = path.with_name(path.name + ".part.png")
        if not pixmap.save(str(partial), "PNG"):
            raise LedgerError(f"无法写入 {path}：请检查文件夹是否存在、是否有写入权限。")
        os.replace(partial, path)
