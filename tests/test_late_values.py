"""A signed return locks exactly the data it contains: a monthly value the biweekly return explained
as coming later stays open in 指标填报 (real widgets), the next return asks for it as 补报 until it
is entered, and the return signed after that contains it and locks it."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox

from exchange.returns.return_data import build_return, content_digest
from exchange.returns.returns_export import export_return
from exchange.signing.identity import create_identity, identity_folder
from models.enums import PeriodType
from models.errors import LedgerError
from models.indicator_values import set_value
from models.returns import completeness, explain_gap, review, unexplained
from tests.test_indicators_page import MONTHS, value_of
from tests.showing import loaded
from tests.test_returns import PASSPHRASE
from ui.context import AppContext
from ui.indicators.indicators_page import IndicatorsPage

LATER = "10月数据11月5日后报送"


def sign(store, period_id: str, as_of: date, out, reason: str) -> None:
    with store.transaction() as session:
        for gap in unexplained(completeness(session, period_id)):
            explain_gap(session, gap, reason)
        review(session, period_id, "李晓东", content_digest(session, as_of))
    export_return(store, period_id, out, as_of, PASSPHRASE)


def october(page, code: str):
    row = next(r for r in range(page.proxy.rowCount())
               if page.model.rows[page.proxy.mapToSource(page.proxy.index(r, 0)).row()].indicator.code == code)
    return page.proxy.index(row, MONTHS + 9)


def test_an_explained_missing_value_stays_open_and_is_asked_for_until_entered(demo_store, qtbot, tmp_path,
                                                                               monkeypatch):
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: pytest.fail(f"unexpected box {a[1:3]}"))
    create_identity(identity_folder(demo_store), "婺城区", "婺城区营商办", PASSPHRASE)
    set_value(demo_store, "JH23-01", "2023-M10", "72")  # entered in time: the B22 return contains it
    with demo_store.session() as session:
        missing = {g.subject.split()[0] for g in completeness(session, "2023-B22") if g.kind == "指标"}
    assert "JH23-01" not in missing and {"JH23-02", "JH23-03"} <= missing
    sign(demo_store, "2023-B22", date(2023, 11, 4), tmp_path / "b22", LATER)

    with pytest.raises(LedgerError, match="已签发"):
        set_value(demo_store, "JH23-01", "2023-M10", "70")
    with demo_store.session() as session:
        late = [g for g in completeness(session, "2023-B23") if g.kind == "补报"]
        assert {g.subject.split()[0] for g in late} == missing  # what B22 explained as coming later
        assert all(g.reason and g.subject.endswith("（10月数据，补报）") for g in late)  # with B22's explanation
        assert next(g for g in late if g.subject.startswith("JH23-02")).reason == LATER
        next_return = build_return(session, "2023-B23", date(2023, 11, 18), 1)
    assert {g.subject for g in next_return.gaps} >= {g.subject for g in late}  # the next return lists them

    page = IndicatorsPage(AppContext(demo_store))
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    page.refresh()
    loaded(qtbot, page)
    page.type_filter.setCurrentIndex(page.type_filter.findData(PeriodType.MONTHLY))
    contained, explained = october(page, "JH23-01"), october(page, "JH23-02")
    assert not page.proxy.flags(contained) & Qt.ItemFlag.ItemIsEditable
    assert page.proxy.flags(explained) & Qt.ItemFlag.ItemIsEditable
    page.view.setCurrentIndex(explained)  # the late value, typed as a clerk types it
    qtbot.keyClick(page.view, "1")
    editor = page.view.findChild(QLineEdit, "cellEditor")
    qtbot.keyClicks(editor, ".1")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.view.state() != page.view.State.EditingState)
    assert value_of(demo_store, "JH23-02", "2023-M10") == pytest.approx(1.1)
    with demo_store.session() as session:
        assert "JH23-02" not in {g.subject.split()[0] for g in completeness(session, "2023-B23") if g.kind == "补报"}

    sign(demo_store, "2023-B23", date(2023, 11, 18), tmp_path / "b23", "数据延后报送")
    with pytest.raises(LedgerError, match="已签发"):  # the B23 return contains it now
        set_value(demo_store, "JH23-02", "2023-M10", "1.2")
    set_value(demo_store, "JH23-03", "2023-M10", "81", confirm_outlier=True)  # still missing: still open
    page.refresh()
    loaded(qtbot, page)
    assert not page.proxy.flags(october(page, "JH23-02")) & Qt.ItemFlag.ItemIsEditable
