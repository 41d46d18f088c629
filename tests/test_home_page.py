"""The 首页 dashboard on the demo ledger: counts, the three lists, each entry opening its task,
and the 挂图作战 chart saved as PNG."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage

from models.enums import TaskStatus
from models.overview import lagging_tasks, milestones_due_within, status_by_area, tasks_without_report
from models.plan_loader import current_plan
from models.task_list import task_list
from ui.tasks.gantt_chart import AREA_HEIGHT, HEADER_HEIGHT, ROW_HEIGHT, TITLE_HEIGHT
from tests.showing import loaded, shown
from ui.main_window import MainWindow

AS_OF = date(2023, 10, 27)


def test_overview_helpers_on_the_demo(demo_store):
    with demo_store.session() as session:
        rows = task_list(session, current_plan(session), AS_OF)
    assert len(lagging_tasks(rows)) == 5
    due = milestones_due_within(rows, AS_OF, 14)
    assert [d.milestone.due for d in due] == [date(2023, 11, 3), date(2023, 11, 8)]
    assert all(d.milestone.original_due == date(2023, 9, 30) for d in due)
    assert milestones_due_within(rows, AS_OF, 3) == []
    missing = tasks_without_report(rows)
    assert missing and all(not r.reported_this_period and r.status is not TaskStatus.DONE for r in missing)
    assert sum(sum(c.values()) for c in status_by_area(rows).values()) == 38


@pytest.fixture
def window(qtbot, demo_store):
    return shown(qtbot, MainWindow(demo_store), (1366, 768))


def test_dashboard_lists_open_their_task(window, qtbot):
    home = window.show_page("home")
    assert home.status_cards[TaskStatus.LAGGING].figure.text() == "5 项"
    assert home.lagging_model.rowCount() == 5 and home.due_model.rowCount() == 2
    assert home.missing_model.rowCount() == int(home.missing_card.figure.text().split()[0])
    index = home.due_model.index(0, 1)
    home.due_view.clicked.emit(index)
    tasks = loaded(qtbot, window.pages["tasks"])
    assert window.stack.currentWidget() is tasks
    assert tasks.detail.task_id == home.due_model.rows[0][0]


def test_chart_row_click_opens_task_and_png_export(window, tmp_path):
    home = window.show_page("home")
    home.tabs.setCurrentIndex(1)
    chart = home.chart
    first_task_y = AREA_HEIGHT + ROW_HEIGHT / 2  # the header is a GanttHeader above the scroll area
    assert chart.task_at(first_task_y).number == 1
    assert chart.task_at(2) is None  # the area line
    opened = []
    chart.taskClicked.connect(opened.append)
    from PySide6.QtTest import QTest

    QTest.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPointF(400, first_task_y + ROW_HEIGHT).toPoint())
    assert opened and opened[0] == chart.rows[1].id
    target = tmp_path / "挂图作战.png"
    chart.export_png(target, home.chart_title, width=1400)
    image = QImage(str(target))
    assert image.width() == 1400
    assert image.height() == TITLE_HEIGHT + HEADER_HEIGHT + chart.sizeHint().height()  # title, header, rows
    assert home.chart_title == "婺城区 · 金华市营商环境优化提升“一号改革工程”实施方案 · 2023年 挂图作战"
    assert not list(tmp_path.glob("*.part*"))


def test_the_chart_header_stays_while_the_rows_scroll(window, qtbot):
    from PySide6.QtWidgets import QScrollArea

    from ui.tasks.gantt_chart import GanttHeader

    window.resize(1366, 768)
    home = window.show_page("home")
    home.tabs.setCurrentIndex(1)
    header, scroll = home.findChild(GanttHeader), home.findChild(QScrollArea)
    before = header.mapTo(window, header.rect().topLeft())
    scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
    assert scroll.verticalScrollBar().value() > 0
    assert header.isVisible() and header.mapTo(window, header.rect().topLeft()) == before
    assert header.grab().toImage().pixelColor(700, 40) != QColor("white")  # the quarter band is drawn


def test_dashboard_follows_edits_made_elsewhere(window, demo_store):
    from models.tasks import set_status_override, task_by_number

    home = window.show_page("home")
    with demo_store.transaction() as session:
        task = task_by_number(session, current_plan(session), 21)
        set_status_override(session, task.id, TaskStatus.ON_TRACK, "已与市专班确认")
    window.ctx.ledgerChanged.emit()
    assert home.status_cards[TaskStatus.LAGGING].figure.text() == "4 项"


def test_milestones_are_coloured_by_state():
    from models.task_list import MilestoneRow
    from ui.palette import BEHIND, DONE, DUE_SOON, ON_TRACK
    from ui.tasks.gantt_chart import milestone_colour

    def row(due, done=None, overdue=False):
        return MilestoneRow(1, 1, "节点", due, due, 0, done, overdue)

    assert milestone_colour(row(date(2023, 9, 30), done=date(2023, 9, 1)), AS_OF) == DONE
    assert milestone_colour(row(date(2023, 9, 30), overdue=True), AS_OF) == BEHIND
    assert milestone_colour(row(date(2023, 11, 10)), AS_OF) == DUE_SOON
    assert milestone_colour(row(date(2023, 12, 31)), AS_OF) == ON_TRACK
