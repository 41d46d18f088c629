"""The 报送收集 panel under pytest-qt: send the forms from the button, drop a returned file,
accept the ticked answers (a conflict stays unticked) and undo them as one step; the status
table and the reminders."""
from __future__ import annotations

from pathlib import Path

import openpyxl
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from exchange.collection.form_writer import TASK_SHEET
from models.ledger import ProgressReport
from models.plan import Task
from models.tasks import save_report
from ui.collection.collection_page import CollectionPage, collection_folder
from ui.context import AppContext
from ui.main_window import MainWindow

PERIOD = "2023-B22"


def progress_of(store, task_id: int) -> str | None:
    with store.session() as session:
        return session.scalar(select(ProgressReport.progress).where(ProgressReport.task_id == task_id,
                                                                    ProgressReport.period_id == PERIOD))


def drop(page: CollectionPage, path: Path) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    page.dropEvent(event)


def test_send_drop_accept_and_undo(qtbot, demo_store, tmp_path, monkeypatch):
    ctx = AppContext(demo_store)
    page = CollectionPage(ctx)
    qtbot.addWidget(page)
    assert page.period_id() == PERIOD and page.due().isoformat() == "2023-11-04"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(tmp_path / "forms")))
    (tmp_path / "forms").mkdir()
    page.buttons["send"].click()
    qtbot.waitUntil(lambda: len(list((tmp_path / "forms").glob("*.xlsx"))) == 17, timeout=20000)
    qtbot.waitUntil(lambda: page.status_model.rowCount() == 17 and page.status_model.rows[0].state == "未报送")

    with demo_store.session() as session:
        first, second = session.scalars(select(Task).where(Task.county_unit == "区发改委").order_by(Task.number)).all()[:2]
        first_id, second_id = first.id, second.id
    before = progress_of(demo_store, first_id)
    with demo_store.transaction() as session:  # the clerk types the second task's progress meanwhile
        save_report(session, second_id, PERIOD, "办公室录入")
    wb = openpyxl.load_workbook(tmp_path / "forms" / "区发改委_2023-B22.xlsx")
    wb[TASK_SHEET]["D4"] = "单位填报的第一项"
    wb[TASK_SHEET]["D5"] = "单位填报的第二项"
    wb.save(tmp_path / "回传.xlsx")
    drop(page, tmp_path / "回传.xlsx")
    qtbot.waitUntil(lambda: page.review_model.rowCount() == 1, timeout=20000)
    unit = page.review_model.item(0)
    rows = {unit.child(r, 2).text(): (unit.child(r, 1).text(), unit.child(r).checkState()) for r in range(unit.rowCount())}
    assert rows[f"{TASK_SHEET}!D4"] == ("修改", Qt.CheckState.Checked)
    assert rows[f"{TASK_SHEET}!D5"] == ("冲突", Qt.CheckState.Unchecked)

    page.buttons["accept"].click()
    assert progress_of(demo_store, first_id) == "单位填报的第一项"
    assert progress_of(demo_store, second_id) == "办公室录入"
    assert {s.unit: s.state for s in page.status_model.rows}["区发改委"] == "已报送"
    ctx.undo_stack.undo()
    assert progress_of(demo_store, first_id) == before
    assert {s.unit: s.state for s in page.status_model.rows}["区发改委"] == "未报送"
    ctx.undo_stack.redo()
    assert progress_of(demo_store, first_id) == "单位填报的第一项"


def test_notices_are_written_beside_the_store(qtbot, demo_store):
    page = CollectionPage(AppContext(demo_store))
    qtbot.addWidget(page)
    page.buttons["notices"].click()
    folder = collection_folder(demo_store) / PERIOD
    qtbot.waitUntil(lambda: folder.is_dir() and any(folder.glob("提示单_*.pdf")), timeout=20000)


def test_the_panel_is_in_the_navigation(qtbot, demo_store):
    window = MainWindow(demo_store)
    qtbot.addWidget(window)
    assert isinstance(window.show_page("collection"), CollectionPage)
