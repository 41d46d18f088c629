"""What a clerk reads and types in the window, offscreen: Qt's own dialogs in Chinese, the search
showing which milestone matched, area headers counting what the filter shows, date boxes taking
digits where the cursor is, the 转到 menu's shortcuts matching its entries, and the indicator
grid keeping 完成率 and 状态 in sight at the smallest window."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel

from models.enums import OfficeRole
from models.office_profile import save_office_role
from ui.app import create_application
from ui.indicators.indicator_table_model import IndicatorTableModel
from ui.main_window import MainWindow
from ui.palette import SEARCH_HIT
from ui.widgets import DateBox


@pytest.fixture
def window(qtbot, demo_store):
    create_application()
    win = MainWindow(demo_store)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_qt_dialogs_speak_chinese(qtbot):
    create_application()
    dialog = QFileDialog(options=QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    labels = [label.text() for label in dialog.findChildren(QLabel) if label.text()]
    assert labels == ["查找范围(&L)：", "文件名称(&N)：", "文件类型(&T)："]
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(buttons)
    assert [b.text() for b in buttons.buttons()] == ["确定", "取消"]


def test_search_shows_the_milestone_that_matched_and_areas_count_what_is_shown(window, qtbot):
    page = window.show_page("tasks")
    page.search.setText("信用协同")  # a word of a milestone of task 22, not of its title
    page.apply_filter()
    proxy, tree = page.proxy, page.tree
    assert proxy.passing_count() == 1
    area = proxy.index(0, 0)
    assert area.data() == "市场环境（显示 1 / 7）"
    task = proxy.index(0, 0, area)
    assert task.data() == "22" and tree.isExpanded(task)
    hits = [proxy.index(row, 1, task) for row in range(proxy.rowCount(task))
            if proxy.index(row, 1, task).data(Qt.ItemDataRole.BackgroundRole) == SEARCH_HIT]
    assert [hit.data() for hit in hits] == ["构建跨区域跨部门信用协同监管和联防联控网络"]
    page.clear_filter()
    assert proxy.index(0, 0).data() == "政务环境（10）"
    assert proxy.index(0, 1, proxy.index(0, 0, proxy.index(0, 0))).data(Qt.ItemDataRole.BackgroundRole) is None


def test_date_boxes_take_digits_where_the_cursor_is(qtbot):
    create_application()
    box = DateBox(date(2023, 10, 27))
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    edit = box.lineEdit()

    def click_at(text_before: str) -> None:
        x = edit.cursorRect().x() if not text_before else edit.fontMetrics().horizontalAdvance(text_before) + 3
        QTest.mouseClick(edit, Qt.MouseButton.LeftButton, pos=QPoint(x + edit.textMargins().left() + 2,
                                                                     edit.height() // 2))

    click_at("2023-1")  # inside the month
    QTest.keyClicks(box, "05")
    assert box.date().toPython() == date(2023, 5, 27)
    click_at("2023-05-2")  # inside the day
    QTest.keyClicks(box, "09")
    assert box.date().toPython() == date(2023, 5, 9)
    click_at("20")  # inside the year: typing runs on through month and day
    QTest.keyClicks(box, "20240315")
    assert box.date().toPython() == date(2024, 3, 15)


def test_go_menu_shortcuts_follow_the_entries_shown(window, demo_store):
    def shown() -> list[tuple[str, str]]:
        return [(a.text(), a.shortcut().toString()) for a in window.go_actions.values() if a.isVisible()]

    county_pages = [title for key, title, *_ in MainWindow.PAGES if key != "consolidation"]
    assert shown() == [(title, f"Ctrl+{n}") for n, title in enumerate(county_pages, 1)]
    assert shown()[-1] == ("设置", f"Ctrl+{len(county_pages)}")
    save_office_role(demo_store, OfficeRole.CITY)
    window.ctx.ledgerChanged.emit()
    assert shown() == [(title, f"Ctrl+{n}") for n, (_key, title, *_) in enumerate(MainWindow.PAGES, 1)]


def test_the_indicator_grid_keeps_completion_and_status_in_sight_at_1024(window, qtbot):
    window.resize(1024, 640)
    page = window.show_page("indicators")
    qtbot.wait(50)
    view = page.view
    for column in (IndicatorTableModel.COL_NAME, IndicatorTableModel.COL_COMPLETION, IndicatorTableModel.COL_STATUS):
        assert not view.frozen.isColumnHidden(column)
        rect = view.frozen.visualRect(page.proxy.index(0, column))
        assert rect.right() <= view.frozen.width() and rect.width() > 20
    assert view.narrowed and IndicatorTableModel.COL_COMPLETION not in view.narrowed
    assert view.frozen_width() < view.viewport().width()  # periods still show beside them
    window.resize(1366, 768)
    qtbot.wait(50)
    assert len(view.narrowed) < len(view.optional_columns)
    assert view.model().index(0, 0, QModelIndex()).isValid()
