"""报表报送 workspace, offscreen: explain a gap in place (undoable), review and sign a period
(the signing runs in the background worker), see the signed version in the history and the
PDF in the preview; withdraw reopens it."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QInputDialog, QMessageBox

from exchange.signing.identity import create_identity, identity_folder
from exchange.signing.verify import verify_file
from models.returns import completeness, explain_gap, unexplained
from ui.context import AppContext
from ui.returns.returns_dialogs import PassphraseDialog
from ui.returns.returns_models import GapTableModel, ReturnHistoryTableModel
from ui.returns.returns_page import ReturnsPage

PASSPHRASE = "secret-123"


def test_review_and_sign_from_the_workspace(qtbot, demo_store, monkeypatch):
    create_identity(identity_folder(demo_store), "婺城区", "婺城区营商办", PASSPHRASE)
    ctx = AppContext(demo_store)
    page = ReturnsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    assert page.period_id() == "2023-B22"
    assert "婺城区营商办" in page.header.subtitle.text()
    gaps = page.gap_model.rows
    assert gaps and not page.buttons["sign"].isEnabled()

    # One reason typed into the table (an undoable command), the others as a batch.
    first = page.gap_model.index(0, GapTableModel.REASON)
    assert page.gap_model.setData(first, "系统升级，下期补报")
    assert page.gap_model.rows[0].reason == "系统升级，下期补报"
    ctx.undo_stack.undo()
    assert page.gap_model.rows[0].reason == ""
    ctx.undo_stack.redo()
    with demo_store.transaction() as session:
        for gap in unexplained(completeness(session, "2023-B22")):
            explain_gap(session, gap, "数据延后报送")
    ctx.ledgerChanged.emit()
    assert "未说明原因 0 项" in page.gap_label.text()

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("李晓东", True))
    qtbot.mouseClick(page.buttons["review"], Qt.MouseButton.LeftButton)
    assert "已审核" in page.state_label.text() and page.buttons["sign"].isEnabled()

    monkeypatch.setattr(PassphraseDialog, "get_passphrase", staticmethod(lambda *a, **k: PASSPHRASE))
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    qtbot.mouseClick(page.buttons["sign"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=30000)
    assert "已签发" in shown[0], shown

    history = page.history_model
    assert history.rowCount() == 1
    assert history.index(0, ReturnHistoryTableModel.STATE).data() == "已签发"
    ret = history.index(0, 0).data(ReturnHistoryTableModel.RawRole)
    assert verify_file(Path(ret.pdf_path)).valid and verify_file(Path(ret.xlsx_path)).valid
    assert page.pdf.status() == QPdfDocument.Status.Ready and page.pdf.pageCount() > 3
    assert not page.buttons["review"].isEnabled() and page.buttons["withdraw"].isEnabled()

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("指标数据更正", True))
    qtbot.mouseClick(page.buttons["withdraw"], Qt.MouseButton.LeftButton)
    assert "已撤回" in page.state_label.text() and "下次签发为第 2 版" in page.state_label.text()
    assert page.buttons["review"].isEnabled()


def test_data_changed_after_review_is_shown_and_needs_a_new_review(qtbot, demo_store, monkeypatch):
    from sqlalchemy import select

    from models.ledger import ProgressReport

    with demo_store.transaction() as session:
        for gap in unexplained(completeness(session, "2023-B22")):
            explain_gap(session, gap, "数据延后报送")
    ctx = AppContext(demo_store)
    page = ReturnsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("李晓东", True))
    qtbot.mouseClick(page.buttons["review"], Qt.MouseButton.LeftButton)
    assert page.buttons["sign"].isEnabled() and page.review_warning.isHidden()

    with demo_store.transaction() as session:
        report = session.scalar(select(ProgressReport).where(ProgressReport.period_id == "2023-B22").limit(1))
        report.next_steps += "（审核后补充）"
    ctx.ledgerChanged.emit()
    assert page.review_warning.isVisible()
    assert page.review_warning.text() == "审核后台账数据已改动（任务进展 1 处），请重新审核。"
    assert not page.buttons["sign"].isEnabled() and page.buttons["review"].isEnabled()

    qtbot.mouseClick(page.buttons["review"], Qt.MouseButton.LeftButton)
    assert page.review_warning.isHidden() and page.buttons["sign"].isEnabled()
    assert "已审核" in page.state_label.text()
