"""What a clerk reads and types in the window, offscreen: Qt's own dialogs in Chinese, the search
showing which milestone matched, area headers counting what the filter shows, date boxes taking
digits where the cursor is, the 转到 menu's shortcuts matching its entries, and the indicator
grid keeping 完成率 and 状态 in sight at the smallest window."""
from __future__ import annotations

import re

from datetime import date

import pytest
from PySide6.QtCore import QEvent, QModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import (QApplication, QComboBox, QDialogButtonBox, QFileDialog, QInputDialog, QLabel, QLineEdit, QMessageBox,
                               QPlainTextEdit, QPushButton, QTableView, QWidget)

from models.enums import OfficeRole
from models.office_profile import save_office_role
from tests.showing import loaded, shown
from ui.app import create_application
from ui.indicators.indicator_table_model import IndicatorTableModel
from ui.main_window import MainWindow
from ui.palette import SEARCH_HIT
from ui.widgets import DateBox


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
    page = loaded(qtbot, window.show_page("tasks"))
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
    box = shown(qtbot, DateBox(date(2023, 10, 27)))
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
    page = loaded(qtbot, window.show_page("indicators"))
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


# ---- the smallest window (1024×640) and the common laptop (1366×768), with data ----------------

def _sign_twice(store, tmp_path) -> None:
    """The demo period signed, withdrawn with a long reason, and signed again: two versions."""
    from exchange.returns.returns_export import export_return, returns_folder
    from exchange.returns.review import review_return
    from exchange.signing.identity import create_identity, identity_folder
    from models.returns import completeness, explain_gap, unexplained, withdraw_return

    create_identity(identity_folder(store), "婺城区", "婺城区营商办", "screen-secret-1")
    with store.transaction() as session:
        for gap in unexplained(completeness(session, "2023-B22")):
            explain_gap(session, gap, "10月数据11月5日后报送")
    for reason in ("营商环境指标数据口径更正，按市专班要求重新报送", None):
        review_return(store, "2023-B22", "李晓东")
        export_return(store, "2023-B22", returns_folder(store), passphrase="screen-secret-1")
        if reason:
            withdraw_return(store, "2023-B22", reason)


def _within(view, rect) -> bool:
    """The cell is drawn whole inside the table's visible area."""
    return rect.left() >= 0 and rect.right() <= view.viewport().width() and rect.top() >= 0 \
        and rect.bottom() <= view.viewport().height()


def test_at_1024_the_history_shows_its_files_and_the_preview_can_be_read(window, demo_store, qtbot, tmp_path):
    from ui.returns.returns_models import ReturnHistoryTableModel

    _sign_twice(demo_store, tmp_path)
    window.resize(1024, 640)
    page = window.show_page("returns")
    qtbot.waitUntil(lambda: page.pdf.status() is QPdfDocument.Status.Ready, timeout=20000)
    qtbot.wait(50)
    view, model = page.history_view, page.history_model
    assert model.rowCount() == 2
    metrics = view.fontMetrics()
    for row in range(2):
        index = model.index(row, ReturnHistoryTableModel.FILES)
        rect = view.visualRect(index)
        assert _within(view, rect), (row, rect, view.viewport().size())
        names = index.data().split("\n")
        assert [n.rsplit(".", 1)[1] for n in names] == ["xlsx", "pdf"]
        assert rect.width() >= max(metrics.horizontalAdvance(n) for n in names)  # each name whole
        assert rect.height() >= 2 * metrics.height()  # both lines
    assert view.visualRect(model.index(0, ReturnHistoryTableModel.REVIEWED)).height() >= 2 * metrics.height()

    pdf_view = page.pdf_view
    printed = page.pdf.pagePointSize(0).width() * pdf_view.logicalDpiX() / 72  # the page at its printed size

    def drawn() -> float:
        margins = pdf_view.documentMargins()
        return (pdf_view.viewport().width() - margins.left() - margins.right()) / printed

    assert drawn() < 0.6  # beside the lists the page's small print is too small to read
    qtbot.mouseClick(page.buttons["preview_only"], Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    assert not page.gap_view.isVisible() and not page.history_view.isVisible()
    assert drawn() > 0.9 and page.page_scale() == pytest.approx(drawn(), abs=0.01)
    qtbot.mouseClick(page.buttons["zoom_in"], Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    assert pdf_view.zoomFactor() == pytest.approx(1.25 * drawn(), abs=0.02)
    assert pdf_view.horizontalScrollBar().maximum() > 0 and page.zoom_label.text().endswith("%")
    qtbot.mouseClick(page.buttons["fit"], Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    assert pdf_view.horizontalScrollBar().maximum() == 0 and page.buttons["fit"].isChecked()
    qtbot.mouseClick(page.buttons["preview_only"], Qt.MouseButton.LeftButton)
    assert page.history_view.isVisible()


def _three_county_returns(city_store, folder):
    """Three counties' signed returns of 2023-B22 in ``folder``, their certificates registered."""
    from exchange.returns.return_data import build_return
    from exchange.returns.xlsx_return import write_xlsx
    from exchange.signing.identity import create_identity, export_certificate, unlock
    from exchange.signing.trust_list import register_certificate
    from models.office_profile import save_office_profile
    from models.plan_loader import initialise
    from models.store import Store

    folder.mkdir()
    with Store(folder.parent / "counties.db") as county:
        initialise(county, demo=True)
        for name in ("婺城区", "金东区", "兰溪市"):
            keys = folder.parent / "keys" / name
            create_identity(keys, name, f"{name}营商办", "county-secret")
            register_certificate(city_store, export_certificate(keys, folder.parent / f"{name}.cer"), name)
            save_office_profile(county, county=name, office_name=f"{name}营商办")
            with county.session() as session:
                data = build_return(session, "2023-B22", date(2023, 11, 4))
            write_xlsx(data, folder / f"{data.file_stem}.xlsx", unlock(keys, "county-secret"))


def test_at_1024_the_consolidations_explanations_are_in_sight(qtbot, plan_store, tmp_path):
    from ui.consolidation.consolidation_models import ReceiptTableModel

    save_office_role(plan_store, OfficeRole.CITY)
    _three_county_returns(plan_store, tmp_path / "inbox")
    create_application()
    window = shown(qtbot, MainWindow(plan_store), (1024, 640))
    page = window.show_page("consolidation")
    page.add_sources([tmp_path / "inbox"])
    page.buttons["run"].click()
    qtbot.waitUntil(lambda: page.receipt_model.rowCount() == 3, timeout=60000)
    qtbot.wait(50)
    view = page.receipt_view
    header = view.horizontalHeader()
    column = ReceiptTableModel.PROBLEMS
    assert header.sectionViewportPosition(column) + header.sectionSize(column) <= view.viewport().width()
    assert header.sectionSize(column) >= 150 and view.horizontalScrollBar().maximum() == 0
    for row in range(3):
        index = view.model().index(row, column)
        rect = view.visualRect(index)
        assert "晚于报送截止日" in index.data() and _within(view, rect)
        needed = view.fontMetrics().boundingRect(rect.adjusted(3, 0, -3, 0), Qt.TextFlag.TextWordWrap, index.data())
        assert needed.height() <= rect.height()  # every wrapped line shown


def test_the_follow_up_note_has_room_at_1366_and_no_field_hides_another_at_1024(window, demo_store, qtbot):
    from sqlalchemy import select

    from models.plan import Task

    with demo_store.session() as session:
        task_id = session.scalar(select(Task.id).where(Task.follow_up.is_(True)))
    window.resize(1366, 768)
    page = loaded(qtbot, window.show_page("tasks"))
    assert page.select_task(task_id)
    detail = page.detail
    detail.tabs.setCurrentIndex(2)  # 基本信息
    qtbot.wait(50)
    note, scroll = detail.follow_note, detail.tabs.currentWidget()
    shown = QRect(note.mapTo(scroll.viewport(), QPoint(0, 0)), note.size())
    assert scroll.viewport().rect().contains(shown) and scroll.verticalScrollBar().maximum() == 0
    assert note.viewport().height() >= 3 * note.fontMetrics().lineSpacing()
    assert note.width() >= detail.field_edits["title"].width() - 2  # the form's full width
    assert "需持续与省市对接" in note.toPlainText()
    assert note.document().size().height() * note.fontMetrics().lineSpacing() <= note.viewport().height()

    note.setFocus()
    note.selectAll()
    for char in "省级系统改造排期未定，每月与市数据局对接一次":  # typed: QTest.keyClicks takes ASCII only
        QApplication.sendEvent(note, QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, char))
    qtbot.mouseClick(detail.findChild(QPushButton, "followUpNoteSave"), Qt.MouseButton.LeftButton)
    from models.task_actions import read_task

    assert read_task(demo_store, task_id).follow_up_note == "省级系统改造排期未定，每月与市数据局对接一次"

    window.resize(1024, 640)
    qtbot.wait(50)
    fields = [w for w in scroll.widget().findChildren(QWidget) if w.isVisible() and w.parentWidget() is scroll.widget()
              and isinstance(w, (QLineEdit, QPlainTextEdit, QComboBox))]
    assert len(fields) >= 10
    for first, second in zip(fields, fields[1:]):
        assert not first.geometry().intersects(second.geometry()), (first.objectName(), second.objectName())
    assert scroll.verticalScrollBar().maximum() > 0  # taller than the tab: scrolled, not squeezed


def test_at_1024_a_problems_steps_and_a_units_answer_are_in_sight(window, demo_store, qtbot, tmp_path):
    import openpyxl

    from exchange.collection.form_writer import TASK_SHEET
    from exchange.collection.form_writer import send_forms
    from ui.problems.problem_models import StepTableModel

    window.resize(1024, 640)
    problems = window.show_page("problems")
    problems.view.selectRow(0)
    qtbot.waitUntil(lambda: problems.steps.rowCount() >= 3)
    steps = problems.findChild(QTableView, "stepTable")
    header = steps.horizontalHeader()
    assert header.sectionViewportPosition(StepTableModel.TEXT) + header.sectionSize(StepTableModel.TEXT) \
        <= steps.viewport().width()
    assert header.sectionSize(StepTableModel.TEXT) >= 8 * steps.fontMetrics().horizontalAdvance("事")
    for row in range(problems.steps.rowCount()):
        rect = steps.visualRect(problems.steps.index(row, StepTableModel.UNIT))
        assert rect.height() >= 2 * steps.fontMetrics().height() or "\n" not in problems.steps.index(
            row, StepTableModel.UNIT).data()  # the unit and who recorded it, both lines

    sent = send_forms(demo_store, "2023-B22", tmp_path / "forms", date(2023, 10, 27))
    form = next(f for f in sent.files if f.name.startswith("区发改委"))
    book = openpyxl.load_workbook(form)
    book[TASK_SHEET]["D4"] = "已完成社会信用体系建设年度评估，形成问题清单12项，整改9项。"
    book.save(tmp_path / "回传.xlsx")
    collection = window.show_page("collection")
    collection.review([tmp_path / "回传.xlsx"])
    qtbot.waitUntil(lambda: collection.review_model.rowCount() == 1, timeout=20000)
    tree = collection.review_view
    for column in (3, 4):  # 台账现有 and 单位填报, side by side
        assert tree.header().sectionViewportPosition(column) + tree.header().sectionSize(column) \
            <= tree.viewport().width()
        assert tree.header().sectionSize(column) >= 120
    assert tree.horizontalScrollBar().maximum() == 0


def test_an_empty_list_on_the_home_page_says_so(window, qtbot):
    page = window.show_page("home")
    view = page.missing_view
    page.missing_model.set_rows([])  # every unfinished task has its report
    qtbot.wait(50)
    shown = view.viewport().grab().toImage()
    assert view.empty_text == "未完成的任务本期都已填报进展"
    view.empty_text = ""
    view.viewport().repaint()
    assert view.viewport().grab().toImage() != shown  # the sentence was drawn where the rows would be
