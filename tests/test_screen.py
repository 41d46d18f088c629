"""What a clerk reads and types in the window, offscreen: Qt's own dialogs in Chinese, the search
showing which milestone matched, area headers counting what the filter shows, date boxes taking
digits where the cursor is, the 转到 menu's shortcuts matching its entries, and the indicator
grid keeping 完成率 and 状态 in sight at the smallest window."""
from __future__ import annotations

import re

from datetime import date

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QInputDialog, QLabel, QMessageBox

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
    # Qt 6.9 writes these labels without a shortcut mark, later versions with one: both in Chinese.
    assert [re.sub(r"\(&[A-Z]\)", "", label) for label in labels] == ["查找范围：", "文件名称：", "文件类型："]
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(buttons)
    assert [b.text() for b in buttons.buttons()] == ["确定", "取消"]


def test_search_shows_the_milestone_that_matched_and_areas_count_what_is_shown(window, qtbot):
    page = window.show_page("tasks")
    page.search.setText("信用协同")  # a word of a milestone of task 22, not of its title
    page.apply_filter()
    model, tree = page.model, page.tree
    assert model.passing_count() == 1
    area = model.index(0, 0)
    assert area.data() == "市场环境（显示 1 / 7）"
    task = model.index(0, 0, area)
    assert task.data() == "22" and tree.isExpanded(task)
    hits = [model.index(row, 1, task) for row in range(model.rowCount(task))
            if model.index(row, 1, task).data(Qt.ItemDataRole.BackgroundRole) == SEARCH_HIT]
    assert [hit.data() for hit in hits] == ["构建跨区域跨部门信用协同监管和联防联控网络"]
    page.clear_filter()
    assert model.index(0, 0).data() == "政务环境（10）"
    assert model.index(0, 1, model.index(0, 0, model.index(0, 0))).data(Qt.ItemDataRole.BackgroundRole) is None


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


def _pdf_text(path) -> str:
    import subprocess

    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout


def test_one_reason_for_many_gaps_and_the_preview_follows(qtbot, demo_store, monkeypatch):
    """报表报送: three selected gaps get one reason in one undo step; the draft preview is rebuilt
    after the reason, after a review and after the office is renamed."""
    from PySide6.QtCore import QItemSelectionModel

    from models.office_profile import save_office_profile
    from exchange.returns.review import return_status
    from ui.context import AppContext
    from ui.returns.returns_page import ReturnsPage

    create_application()
    ctx = AppContext(demo_store)
    page = ReturnsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.mouseClick(page.buttons["build"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.preview_path is not None and page.preview_is_draft, timeout=30000)
    assert "统一延后报送" not in _pdf_text(page.preview_path)

    selection = page.gap_view.selectionModel()
    for row in range(3):
        selection.select(page.gap_model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)
    chosen = [g.subject for g in page.gap_model.rows[:3]]
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("统一延后报送", True))
    refused = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: refused.append(a[2]))
    built = page.preview_path.stat().st_mtime_ns
    qtbot.mouseClick(page.buttons["reason"], Qt.MouseButton.LeftButton)
    stored = {g.subject: g.reason for g in return_status(demo_store, "2023-B22").gaps}
    assert [stored[s] for s in chosen] == ["统一延后报送"] * 3
    assert sum(reason == "统一延后报送" for reason in stored.values()) == 3
    qtbot.waitUntil(lambda: refused or page.preview_path.stat().st_mtime_ns != built, timeout=30000)
    assert not refused
    assert "统一延后报送" in _pdf_text(page.preview_path)

    ctx.undo_stack.undo()  # the three as one step
    assert not any(g.reason for g in return_status(demo_store, "2023-B22").gaps if g.subject in chosen)

    save_office_profile(demo_store, county="婺城区", office_name="婺城区营商环境改革专班")
    ctx.ledgerChanged.emit()
    qtbot.waitUntil(lambda: "婺城区营商环境改革专班" in _pdf_text(page.preview_path), timeout=30000)


def test_the_city_makes_its_own_key_and_registers_a_county_by_its_certificate(qtbot, plan_store, monkeypatch,
                                                                             tmp_path):
    from PySide6.QtWidgets import QFileDialog

    from exchange.signing.identity import create_identity, export_certificate, office_identity
    from exchange.signing.trust_list import list_trusted
    from ui.consolidation.consolidation_page import ConsolidationPage
    from ui.context import AppContext
    from ui.returns.returns_dialogs import PassphraseDialog

    from models.office_profile import save_office_profile

    create_application()
    save_office_profile(plan_store, OfficeRole.CITY, county="金华市", office_name="金华市营商环境优化提升工作专班办公室")
    refused = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: refused.append(a[2]))
    page = ConsolidationPage(AppContext(plan_store))
    qtbot.addWidget(page)
    monkeypatch.setattr(QInputDialog, "getItem", lambda parent, title, label, items, *a, **k: (items[0], True))
    monkeypatch.setattr(PassphraseDialog, "get_passphrase", staticmethod(lambda *a, **k: "city-secret-1"))
    qtbot.mouseClick(page.buttons["identity"], Qt.MouseButton.LeftButton)
    assert not refused and office_identity(plan_store).office == "金华市营商环境优化提升工作专班办公室"

    create_identity(tmp_path / "jd", "金东区", "金东区营商办", "county-secret")
    cert = export_certificate(tmp_path / "jd", tmp_path / "金东区.cer")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(cert), ""))
    offered = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: offered.append(k.get("text")) or (k["text"], True))
    qtbot.mouseClick(page.buttons["trust"], Qt.MouseButton.LeftButton)
    assert offered == ["金东区"] and not refused
    assert [t["county"] for t in list_trusted(plan_store)] == ["金东区"]
