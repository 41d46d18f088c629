"""The 涉企问题 workspace under pytest-qt: register, assign, sign for, reply, visit (不满意 → 重办)
through its real forms; the colours of the demo's late October; a refused form keeps what was
typed; 首页's card. Modal dialogs are driven by patching their exec()."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt

from models.problems.loop import issue_detail
from models.problems.supervision import list_issues
from ui.app import create_application
from ui.main_window import MainWindow
from ui.problems.problem_dialogs import AssignDialog, RegisterDialog, ReplyDialog, VisitDialog
from ui.problems.problem_models import COLOURS, IssueTableModel
from tests.keyboard import type_text
from tests.showing import shown

AS_OF = date(2023, 10, 27)


@pytest.fixture
def window(qtbot, demo_store):
    create_application()
    return shown(qtbot, MainWindow(demo_store), (1366, 768))


def drive(monkeypatch, dialog_class, fill, seen: list | None = None):
    """Make ``dialog_class.exec`` show the form, fill it and press OK; the dialog is kept in ``seen``."""
    def exec_(self):
        self.show()
        fill(self)
        self.accept()
        if seen is not None:
            seen.append(self)
        return self.result()

    monkeypatch.setattr(dialog_class, "exec", exec_)


def shown_row(page, number: str) -> int:
    for row in range(page.proxy.rowCount()):
        if page.proxy.index(row, IssueTableModel.NUMBER).data() == number:
            return row
    raise AssertionError(f"{number} not listed")


def test_register_assign_accept_reply_and_visit(window, qtbot, monkeypatch):
    page = window.show_page("problems")
    shown = page.proxy.rowCount()

    def register(d: RegisterDialog) -> None:
        type_text(d.enterprise, "金华市测试精密机械有限公司")
        type_text(d.credit_code, "91350100M000100Y43")
        d.channel.setCurrentText("营商环境体验官")
        d.kind.setCurrentText("投诉")
        type_text(d.contact, "钱多多")
        type_text(d.phone, "13700001234")
        type_text(d.tags, "涉企执法、审批服务")
        d.description.setPlainText("同一事项一个月内被重复检查三次。")
        d.received.setDate(QDate(2023, 10, 26))

    drive(monkeypatch, RegisterDialog, register)
    qtbot.mouseClick(page.buttons["register"], Qt.MouseButton.LeftButton)
    assert page.proxy.rowCount() == shown + 1
    issue = page.current
    assert (issue.number, issue.enterprise, issue.channel, issue.kind) == ("2023-0166", "金华市测试精密机械有限公司",
                                                                         "营商环境体验官", "投诉")
    assert issue.tags == ["涉企执法", "审批服务"] and issue.contact == "钱多多"
    assert "钱多多　13700001234" in page.detail.text()  # in full, in the window only
    assert page.buttons["assign"].isEnabled() and not page.buttons["reply"].isEnabled()

    def assign(d: AssignDialog) -> None:
        d.unit.setCurrentText("区市场监管局")
        d.days.setValue(5)
        d.day.setDate(QDate(2023, 10, 27))

    drive(monkeypatch, AssignDialog, assign)
    qtbot.mouseClick(page.buttons["assign"], Qt.MouseButton.LeftButton)
    stored = issue_detail(window.ctx.store, issue.id)
    assert (stored.state_label, stored.lead_handler, stored.due) == ("待签收", "区市场监管局", date(2023, 11, 3))
    row = shown_row(page, issue.number)
    assert page.proxy.index(row, IssueTableModel.DUE).data() == "2023-11-03"
    assert page.proxy.index(row, IssueTableModel.LEFT).data() == "5"

    qtbot.mouseClick(page.buttons["accept"], Qt.MouseButton.LeftButton)
    assert issue_detail(window.ctx.store, issue.id).state_label == "办理中"

    drive(monkeypatch, ReplyDialog, lambda d: d.text.setPlainText("已约谈相关部门，合并检查。"))
    qtbot.mouseClick(page.buttons["reply"], Qt.MouseButton.LeftButton)
    assert issue_detail(window.ctx.store, issue.id).state_label == "已办结"

    drive(monkeypatch, VisitDialog, lambda d: d.satisfaction.setCurrentText("不满意"))
    qtbot.mouseClick(page.buttons["visit"], Qt.MouseButton.LeftButton)
    stored = issue_detail(window.ctx.store, issue.id)
    assert (stored.state_label, stored.reopen_count, stored.due) == ("办理中", 1, date(2023, 11, 3))
    assert page.proxy.index(shown_row(page, issue.number), IssueTableModel.STATE).data() == "办理中（重办 1）"
    assert [page.steps.index(r, 1).data() for r in range(page.steps.rowCount())] == [
        "登记", "交办", "签收", "办结答复", "回访", "重办"]


def test_a_refused_form_stays_open_with_what_was_typed(window, qtbot, monkeypatch):
    page = window.show_page("problems")
    seen: list[RegisterDialog] = []

    def register(d: RegisterDialog) -> None:
        type_text(d.enterprise, "某公司")
        type_text(d.credit_code, "91350100M000100Y44")
        d.description.setPlainText("一段很长的描述")

    drive(monkeypatch, RegisterDialog, register, seen)
    qtbot.mouseClick(page.buttons["register"], Qt.MouseButton.LeftButton)
    dialog = seen[0]
    assert dialog.result() == 0 and "校验位应为 3" in dialog.error.text()
    assert dialog.description.toPlainText() == "一段很长的描述"
    assert len(list_issues(window.ctx.store)) == 165


def test_colours_of_late_october(window):
    page = window.show_page("problems")
    colours = {}
    for row in range(page.proxy.rowCount()):
        index = page.proxy.index(row, IssueTableModel.COLOUR)
        if index.data():
            colours.setdefault(index.data(), []).append(index.data(Qt.ItemDataRole.BackgroundRole))
    assert {name: len(found) for name, found in colours.items()} == {"红": 3, "蓝": 2, "黄": 2}
    assert colours["红"][0] == COLOURS["red"] and colours["黄"][0] == COLOURS["yellow"]
    assert "红（逾期）3　蓝（2个工作日内到期）2　黄（时限过半）2" in page.summary.text()
    page.overdue_check.setChecked(True)
    assert page.proxy.rowCount() == 3
    page.overdue_check.setChecked(False)
    page.search.setText("2023-0157")
    assert page.proxy.rowCount() == 1


def test_home_card_counts_open_problems(window):
    home = window.show_page("home")
    assert home.problems_card.figure.text() == "16 件"
    assert home.problems_card.detail.text() == "红 3 · 蓝 2 · 黄 2"


def test_import_from_the_window_asks_before_skipping_duplicates(window, qtbot, monkeypatch, tmp_path):
    from openpyxl import Workbook
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    page = window.show_page("problems")
    existing = issue_detail(window.ctx.store, 1)
    book = Workbook()
    book.active.append(["受理时间", "诉求企业", "诉求类型", "诉求内容", "来电人", "来电号码"])
    book.active.append([existing.received.isoformat(), existing.enterprise, "求助", existing.description, "", ""])
    book.active.append(["2023-10-27", "新到企业", "咨询", "新厂区消防验收咨询", "孙立", "13600002222"])
    book.save(tmp_path / "hotline.xlsx")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "hotline.xlsx"), ""))
    asked, told = [], []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a: asked.append(text)
                        or QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: told.append(text))
    page.import_file()
    qtbot.waitUntil(lambda: bool(told), timeout=15000)
    assert "第 2 行" in asked[0] and "与台账中的 2023-0001重复" in asked[0]
    assert told == ["已导入 1 件，跳过重复 1 件。"]
    assert page.proxy.rowCount() == 166 and list_issues(window.ctx.store)[-1].enterprise == "新到企业"
