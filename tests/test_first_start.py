"""First start on an empty store: the office dialog asks for the level and offers the plan's
city's counties as a list, then how to begin — the city's workbook (first), the built-in sample,
or (where the store holds a year) a rollover — and the window shows the year it holds."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel, QMessageBox
from sqlalchemy import select

from exchange.plans.plan_import import import_plan_workbook
from models.enums import OfficeRole
from models.office import Office
from models.plan import Plan
from models.settings import AS_OF
from tests.test_plan_layouts import layout_row_per_indicator
from ui.app import create_application, start_ledger
from ui.main_window import MainWindow
from ui.office_dialog import OfficeDialog
from ui.plan_import_dialog import PlanImportDialog
from ui.rollover_dialog import RolloverDialog

JINHUA = ["婺城区", "金东区", "兰溪市", "东阳市", "义乌市", "永康市", "浦江县", "武义县", "磐安县"]


def fill_and_save(qtbot, dialog: OfficeDialog, county_index: int, office: str) -> None:
    dialog.county_list.setCurrentIndex(county_index)
    dialog.county_list.activated.emit(county_index)
    dialog.form.edits["office_name"].setText(office)
    save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)


def test_first_start_on_an_empty_store_offers_counties_and_the_sample(qtbot, store):
    create_application()
    dialog = OfficeDialog(store, first_run=True)
    qtbot.addWidget(dialog)
    listed = [dialog.county_list.itemText(i) for i in range(dialog.county_list.count())]
    assert listed[1:] == ["金华市", *JINHUA]
    choices = [b.objectName() for b in dialog.start_group.buttons()]
    assert choices == ["start_import", "start_sample"]  # no year held yet: nothing to roll over
    assert dialog.start_group.checkedButton().objectName() == "start_import"  # the city's workbook first
    dialog.findChild(type(dialog.start_group.buttons()[0]), "start_sample").setChecked(True)
    fill_and_save(qtbot, dialog, listed.index("义乌市"), "义乌市营商办")
    assert dialog.result() == OfficeDialog.DialogCode.Accepted and dialog.start_choice == "sample"
    with store.session() as session:
        office = session.scalar(select(Office))
        assert (office.county, office.office_name, office.role) == ("义乌市", "义乌市营商办", OfficeRole.COUNTY)

    window = MainWindow()
    qtbot.addWidget(window)
    start_ledger(window, store, dialog.start_choice)
    with store.session() as session:
        assert session.scalars(select(Plan.year)).all() == [2023]
        assert AS_OF.get(session) == date(2023, 10, 27)  # the sample is seen inside its year
    assert window.windowTitle() == "改革台账 — 2023 年度（示例）"
    assert window.findChild(QLabel, "statusYearNotice").text() == ""


def test_the_city_office_picks_its_city_and_imports_its_workbook(qtbot, store, tmp_path, monkeypatch):
    create_application()
    path = layout_row_per_indicator(tmp_path / "金华市2024年任务清单.xlsx")
    dialog = OfficeDialog(store, first_run=True)
    qtbot.addWidget(dialog)
    fill_and_save(qtbot, dialog, 1, "金华市营商办")  # 金华市 itself: a city office
    assert dialog.start_choice == "import"
    with store.session() as session:
        assert session.scalar(select(Office.role)) is OfficeRole.CITY
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(PlanImportDialog, "exec", lambda self: bool(import_plan_workbook(self.ctx.store, self.path)))
    monkeypatch.setattr(QMessageBox, "information", lambda *a: pytest_fail("the sample must not be loaded"))
    window = MainWindow()
    qtbot.addWidget(window)
    start_ledger(window, store, dialog.start_choice)
    with store.session() as session:
        assert session.scalars(select(Plan.year)).all() == [2024]  # no sample beside the city's plan
    assert window.windowTitle() == "改革台账 — 2024 年度"
    home = window.show_page("home")
    notice = home.findChild(QLabel, "yearNotice")
    if date.today().year > 2024:  # said once, plainly, on 首页 and in the status bar
        assert notice.text().startswith("2024 年度已结束") and not notice.isHidden()
        assert notice.text().startswith(window.findChild(QLabel, "statusYearNotice").text())


def test_a_store_holding_a_year_offers_the_rollover(qtbot, demo_store, monkeypatch):
    create_application()
    with demo_store.transaction() as session:
        session.query(Office).delete()  # the office not set up yet, the ledger already there
    dialog = OfficeDialog(demo_store, first_run=True)
    qtbot.addWidget(dialog)
    assert [b.objectName() for b in dialog.start_group.buttons()] == ["start_import", "start_rollover"]
    assert "由 2023 年度未完成的任务生成 2024 年度台账" in dialog.start_group.buttons()[1].text()
    opened = []
    monkeypatch.setattr(RolloverDialog, "exec", lambda self: opened.append(self.report.toPlainText()) or 0)
    window = MainWindow()
    qtbot.addWidget(window)
    start_ledger(window, demo_store, "rollover")
    assert opened and opened[0].startswith("从 2023 年度结转到 2024 年度：结转 36 项未完成任务")


def pytest_fail(message: str) -> None:
    raise AssertionError(message)
