"""The widgets of this feature, driven as a user would: 设置 → 单位级别, the plan import dialog
(column roles, check, import), the 汇总 workspace (a return checked and consolidated)."""
from __future__ import annotations

import subprocess
from datetime import date, timedelta

from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from exchange.signing.identity import create_identity, export_certificate, identity_folder, unlock
from exchange.returns.return_data import build_return
from exchange.signing.trust_list import register_certificate
from exchange.returns.xlsx_return import write_xlsx
from models.enums import OfficeRole, PeriodType
from models.periods import period_containing
from models.plan import Plan, Task
from models.plan_loader import ensure_periods
from models.office_profile import office_profile, save_office_profile
from ui.consolidation.consolidation_page import ConsolidationPage, output_folder
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.plan_import_dialog import PlanImportDialog
from ui.returns.returns_dialogs import PassphraseDialog
from ui.settings_page import SettingsPage


def test_settings_switch_the_office_to_the_city_role(qtbot, plan_store):
    page = SettingsPage(AppContext(plan_store))
    qtbot.addWidget(page)
    assert page.role_combo.currentData() == "county"
    page.role_combo.setCurrentIndex(page.role_combo.findData("city"))
    assert office_profile(plan_store).role == OfficeRole.CITY


def odd_workbook(path):
    book = Workbook()
    sheet = book.active
    sheet.append(["2023年某县改革任务表"])
    sheet.append(["序号", "事项", "牵头单位", "完成时限", "节点举措"])
    sheet.append([1, "投资项目审批提速", "市政管办", "6月底前", "制定方案"])
    sheet.append([2, "惠企政策直达", "市经信局", "年底前", "上线平台"])
    book.save(path)
    return path


def test_plan_import_dialog_lets_the_user_place_a_column_and_imports(qtbot, store, tmp_path):
    ctx = AppContext(store)
    path = odd_workbook(tmp_path / "odd.xlsx")
    dialog = PlanImportDialog(ctx, path)
    qtbot.addWidget(dialog)
    assert dialog.model.columnCount() == 5 and dialog.model.rowCount() == 2
    dialog.check()
    assert "找不到“任务”列" in dialog.report.toPlainText() and not dialog.import_button.isEnabled()
    combo = dialog.role_combos[1]
    combo.setCurrentIndex(combo.findData("task"))
    assert "→ 任务" in dialog.model.headerData(1, Qt.Orientation.Horizontal)
    dialog.check()
    assert "新方案" in dialog.report.toPlainText() and dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        dialog.import_button.click()
    with store.session() as session:
        assert [t.title for t in session.scalars(select(Task).order_by(Task.number))] == ["投资项目审批提速", "惠企政策直达"]
        assert session.scalar(select(Plan.year)) == 2023
    again = PlanImportDialog(ctx, path)  # the same shape: the role assigned is remembered
    qtbot.addWidget(again)
    assert again.layout_found.columns[1].role == "task"


def test_file_menu_opens_the_import_dialog(qtbot, plan_store, tmp_path, monkeypatch):
    path = odd_workbook(tmp_path / "odd.xlsx")
    window = MainWindow(plan_store)
    qtbot.addWidget(window)
    opened = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(PlanImportDialog, "exec", lambda self: opened.append(self) or 0)
    window.findChild(QAction, "importPlanAction").trigger()
    assert opened and opened[0].path == path
    assert "consolidation" in [key for key, *_ in window.PAGES]


def test_consolidation_page_checks_consolidates_and_signs(qtbot, plan_store, tmp_path, monkeypatch):
    period = period_containing(date.today() + timedelta(days=3), PeriodType.BIWEEKLY)
    with plan_store.transaction() as session:
        ensure_periods(session, period.start.year)
    save_office_profile(plan_store, county="婺城区", office_name="婺城区营商办", preparer="", reviewer="",
                        approver="", phone="")
    folder = identity_folder(plan_store)
    create_identity(folder, "婺城区", "婺城区营商办", "secret-1")
    register_certificate(plan_store, export_certificate(folder, tmp_path / "wc.cer"), "婺城区")
    create_identity(tmp_path / "other", "金东区", "金东区营商办", "secret-1")
    register_certificate(plan_store, export_certificate(tmp_path / "other", tmp_path / "jd.cer"), "金东区")
    with plan_store.session() as session:
        data = build_return(session, period.id, date.today(), 1)
    inbox = tmp_path / "inbox"
    write_xlsx(data, inbox / "婺城区.xlsx", unlock(folder, "secret-1"))

    page = ConsolidationPage(AppContext(plan_store))
    qtbot.addWidget(page)
    assert page.trust_model.rowCount() == 2 and not page.buttons["run"].isEnabled()
    page.period_combo.setCurrentIndex(page.period_combo.findData(period.id))
    if page.period_combo.currentData() != period.id:  # a period of another year than the plan's
        page.period_combo.addItem(period.label, period.id)
        page.period_combo.setCurrentIndex(page.period_combo.count() - 1)
    page.add_sources([inbox])
    assert page.buttons["run"].isEnabled()
    page.sign_box.setChecked(True)
    monkeypatch.setattr(PassphraseDialog, "get_passphrase", staticmethod(lambda *a, **k: "secret-1"))
    page.buttons["run"].click()
    qtbot.waitUntil(lambda: page.receipt_model.rowCount() == 2, timeout=20000)
    states = {r.county: r.state.value for r in page.receipt_model.rows}
    assert states == {"婺城区": "valid", "金东区": "missing"}
    assert sorted(p.name for p in output_folder(plan_store).iterdir()) == [f"汇总_{period.id}.pdf",
                                                                          f"汇总_{period.id}.xlsx"]
    check = subprocess.run(["pdfsig", str(output_folder(plan_store) / f"汇总_{period.id}.pdf")],
                           capture_output=True, text=True)
    assert "Signature is Valid" in check.stdout
