"""指标填报 driven as a clerk drives it: typing, Enter, Delete, copy and a pasted block from
Excel with a preview, undo — then the store is read to see what really happened."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QMessageBox
from sqlalchemy import func, select

from models.enums import PeriodType, ReturnState
from models.ledger import IndicatorValue
from models.office import Return
from models.plan import Indicator
from tests.keyboard import type_text
from tests.showing import loaded
from ui.context import AppContext
from ui.indicators.indicator_table_model import LOCKED_BACKGROUND, OUTLIER_BACKGROUND, IndicatorTableModel
from ui.indicators.indicators_page import IndicatorsPage
from ui.indicators.paste_preview_dialog import PastePreviewDialog

MONTHS = IndicatorTableModel.FIXED_COLUMNS  # first period column when only monthly ones show


def value_of(store, code: str, period_id: str):
    with store.session() as session:
        row = session.scalar(select(IndicatorValue).join(Indicator).where(
            Indicator.code == code, IndicatorValue.period_id == period_id))
        return row.value if row else None


@pytest.fixture(autouse=True)
def no_modal_boxes(monkeypatch):
    """A box that was not expected fails the test instead of waiting for a click forever."""
    def unexpected(*args):
        raise AssertionError(f"unexpected message box: {args[1:3]}")
    for name in ("warning", "question", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, unexpected)


@pytest.fixture
def page(qtbot, demo_store):
    ctx = AppContext(demo_store)
    page = IndicatorsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    page.refresh()
    loaded(qtbot, page)
    page.type_filter.setCurrentIndex(page.type_filter.findData(PeriodType.MONTHLY))
    return page


def cell(page, row: int, month: int):
    return page.proxy.index(row, MONTHS + month - 1)


def code_at(page, row: int) -> str:
    return page.model.rows[page.proxy.mapToSource(page.proxy.index(row, 0)).row()].indicator.code


def test_paste_a_block_with_one_bad_cell_preview_accept_then_undo(page, qtbot, monkeypatch, demo_store):
    codes = [code_at(page, r) for r in range(3)]
    assert codes == ["JH23-01", "JH23-02", "JH23-03"]
    months = ["2023-M06", "2023-M07", "2023-M08", "2023-M09"]
    before = {(c, m): value_of(demo_store, c, m) for c in codes for m in months}
    shown: list[PastePreviewDialog] = []

    def accept(dialog):
        shown.append(dialog)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PastePreviewDialog, "exec", accept)
    QGuiApplication.clipboard().setText("90\t88\t86\t84\r\n1.3\t1.2\tabc\t0.9\r\n79.5%\t80.1\t80.6\t81.2\r\n")
    page.view.setCurrentIndex(cell(page, 0, 6))
    qtbot.keyClick(page.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)

    preview = shown[0].preview
    assert len(preview.changes) == 11
    assert [(c.edit.where, c.label) for c in preview.refused] == [("第2行第3列", "企业开办办结时间 2023年8月")]
    assert "不是数字" in preview.refused[0].error
    assert shown[0].model.rowCount() == 12 and not shown[0].confirm.isVisible()
    expected = {("JH23-01", "2023-M06"): 90, ("JH23-01", "2023-M09"): 84, ("JH23-02", "2023-M07"): 1.2,
                ("JH23-02", "2023-M09"): 0.9, ("JH23-03", "2023-M06"): 79.5, ("JH23-03", "2023-M09"): 81.2}
    for key, value in expected.items():
        assert value_of(demo_store, *key) == pytest.approx(value)
    assert value_of(demo_store, "JH23-02", "2023-M08") == before[("JH23-02", "2023-M08")]  # the bad cell
    assert page.ctx.undo_stack.count() == 1

    page.ctx.undo_stack.undo()
    assert {(c, m): value_of(demo_store, c, m) for c in codes for m in months} == before
    qtbot.waitUntil(lambda: page.model.rows[0].values["2023-M06"].value == before[("JH23-01", "2023-M06")])


def test_after_a_paste_only_the_pasted_rows_are_read_again_and_completion_follows(page, qtbot, monkeypatch,
                                                                                  demo_store):
    from models.indicator_values import indicator_table
    from models.quantities import format_percent

    monkeypatch.setattr(PastePreviewDialog, "exec", lambda dialog: QDialog.DialogCode.Accepted)
    rows_before = list(page.model.rows)
    first = page.proxy.mapToSource(page.proxy.index(0, 0)).row()  # JH23-01, a ceiling in days
    others = {r.indicator.code: value_of(demo_store, r.indicator.code, "2023-M10") for r in rows_before[first + 1:]}
    page.view.setCurrentIndex(cell(page, 0, 10))  # October: open and empty, so it becomes the latest value
    page.paste_text("1\r\n")
    qtbot.waitUntil(lambda: page.model.rows[first] is not rows_before[first])

    def completion_shown() -> str:
        return page.model.data(page.model.index(first, IndicatorTableModel.COL_COMPLETION))

    def completion_stored() -> str:
        row = next(r for r in indicator_table(demo_store, page.ctx.as_of()).rows if r.indicator.code == "JH23-01")
        return format_percent(row.evaluation.completion)

    assert page.model.rows[first].latest.period_id == "2023-M10"
    assert completion_shown() == completion_stored() != "—"
    assert all(new is old for new, old in zip(page.model.rows, rows_before) if old is not rows_before[first])
    assert {code: value_of(demo_store, code, "2023-M10") for code in others} == others

    page.ctx.undo_stack.undo()  # one step, and the row follows it back and forth
    qtbot.waitUntil(lambda: page.model.rows[first].latest.period_id != "2023-M10")
    assert completion_shown() == completion_stored()
    page.ctx.undo_stack.redo()
    qtbot.waitUntil(lambda: page.model.rows[first].latest.period_id == "2023-M10")
    assert completion_shown() == completion_stored() and value_of(demo_store, "JH23-01", "2023-M10") == 1


def test_a_paste_into_a_signed_period_is_refused_in_the_preview_naming_the_period(page, qtbot, monkeypatch,
                                                                                   demo_store):
    with demo_store.transaction() as session:  # signed now: it holds September's values as they are
        session.add(Return(period_id="2023-B20", state=ReturnState.SIGNED, signed_at=datetime.now()))
    page.refresh()
    loaded(qtbot, page)
    shown: list[PastePreviewDialog] = []
    monkeypatch.setattr(PastePreviewDialog, "exec", lambda d: shown.append(d) or QDialog.DialogCode.Accepted)
    september = value_of(demo_store, "JH23-01", "2023-M09")
    page.view.setCurrentIndex(cell(page, 0, 9))
    page.paste_text("20\t21\r\n")  # September (signed), October (open)
    dialog = shown[0]
    assert [(c.edit.where, c.label) for c in dialog.preview.refused] == [("第1行第1列", "一般企业投资项目全流程审批时间 2023年9月")]
    refused_row = [dialog.model.index(0, column).data() for column in range(dialog.model.columnCount())]
    assert refused_row[0:2] == ["第1行第1列", "一般企业投资项目全流程审批时间 2023年9月"]
    assert refused_row[4].startswith("不接受：该期报表已签发")
    assert value_of(demo_store, "JH23-01", "2023-M09") == september
    assert value_of(demo_store, "JH23-01", "2023-M10") == 21


def test_cancelled_paste_changes_nothing(page, monkeypatch, demo_store):
    monkeypatch.setattr(PastePreviewDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    old = value_of(demo_store, "JH23-01", "2023-M06")
    page.view.setCurrentIndex(cell(page, 0, 6))
    page.paste_text("1\t2\n")
    assert value_of(demo_store, "JH23-01", "2023-M06") == old
    assert page.ctx.undo_stack.count() == 0


def type_into(qtbot, view, text: str) -> None:
    """The first key opens the editor (typing replaces), the rest go into it, Enter commits.
    Offscreen windows never become active, so keys are sent to the editor explicitly."""
    qtbot.keyClick(view, text[0])
    editor = view.viewport().findChild(QLineEdit)
    assert editor is not None and editor.text() == text[0]
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != view.State.EditingState)  # the delegate commits queued


def test_typing_replaces_enter_moves_down_delete_clears(page, qtbot, demo_store):
    page.view.setCurrentIndex(cell(page, 0, 10))  # JH23-01, October: open and empty
    type_into(qtbot, page.view, "75")
    assert value_of(demo_store, "JH23-01", "2023-M10") == 75
    assert page.view.currentIndex().row() == 1  # Enter moved down, as in Excel

    qtbot.waitUntil(lambda: page.model.rows[0].values.get("2023-M10") is not None)
    page.view.setCurrentIndex(cell(page, 0, 10))
    qtbot.keyClick(page.view, Qt.Key.Key_Delete)
    assert value_of(demo_store, "JH23-01", "2023-M10") is None
    page.ctx.undo_stack.undo()
    assert value_of(demo_store, "JH23-01", "2023-M10") == 75


def test_a_refused_typed_value_stays_in_its_cell_with_the_reason_beside_it(page, qtbot, demo_store):
    """As Excel's data validation: no modal box (one would fail this test), the cursor stays, the
    typed text stays in the editor, the reason is shown under it; a corrected value then goes in."""
    target = cell(page, 2, 10)  # JH23-03, a percentage
    page.view.setCurrentIndex(target)
    qtbot.keyClick(page.view, "1")  # the first key opens the editor; offscreen, the rest go to it directly
    editor = page.view.findChild(QLineEdit, "cellEditor")
    qtbot.keyClicks(editor, "20")
    assert editor.text() == "120"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.wait(50)
    assert page.view.state() == page.view.State.EditingState
    assert page.view.currentIndex() == target  # the cursor did not move on
    assert editor.isVisible() and editor.text() == "120"
    message = page.view.viewport().findChild(QLabel, "cellRefusal")
    assert message.isVisible() and "大于允许的最大值" in message.text()
    assert value_of(demo_store, "JH23-03", "2023-M10") is None
    qtbot.keyClick(editor, Qt.Key.Key_Tab)  # Tab commits too: refused the same way
    assert page.view.state() == page.view.State.EditingState and editor.text() == "120"
    editor.selectAll()
    qtbot.keyClicks(editor, "82")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.view.state() != page.view.State.EditingState)
    assert value_of(demo_store, "JH23-03", "2023-M10") == pytest.approx(82)
    assert not message.isVisible()


def test_copy_a_block_as_tab_separated_text(page, qtbot):
    selection = page.view.selectionModel()
    page.view.setCurrentIndex(cell(page, 0, 8))
    selection.select(QItemSelection(cell(page, 0, 8), cell(page, 1, 9)), selection.SelectionFlag.ClearAndSelect)
    qtbot.keyClick(page.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QGuiApplication.clipboard().text().split("\r\n")
    first = [page.model.rows[0].values[p].value for p in ("2023-M08", "2023-M09")]
    assert lines[0] == "\t".join(f"{v:.0f}" for v in first)
    assert len(lines) == 3 and lines[2] == ""


def test_locked_cells_are_read_only_and_outliers_flagged(page, qtbot, demo_store, monkeypatch):
    with demo_store.transaction() as session:
        # signed now: it holds the values as they are
        session.add(Return(period_id="2023-B20", state=ReturnState.SIGNED, signed_at=datetime.now()))
        row = session.scalar(select(IndicatorValue).join(Indicator).where(
            Indicator.code == "JH23-01", IndicatorValue.period_id == "2023-M08"))
        row.outlier_confirmed = True
    page.refresh()
    loaded(qtbot, page)
    september, august = page.proxy.mapToSource(cell(page, 0, 9)), page.proxy.mapToSource(cell(page, 0, 8))
    assert not page.model.flags(september) & Qt.ItemFlag.ItemIsEditable
    assert page.model.data(september, Qt.ItemDataRole.BackgroundRole).color() == LOCKED_BACKGROUND
    assert page.model.data(august, Qt.ItemDataRole.BackgroundRole).color() == OUTLIER_BACKGROUND

    shown = []
    monkeypatch.setattr(PastePreviewDialog, "exec", lambda d: shown.append(d) or QDialog.DialogCode.Accepted)
    old = value_of(demo_store, "JH23-01", "2023-M09")
    page.view.setCurrentIndex(cell(page, 0, 9))
    page.paste_text("70")
    assert "已签发" in shown[0].preview.refused[0].error
    assert value_of(demo_store, "JH23-01", "2023-M09") == old


def test_lagging_is_visible_at_a_glance(page):
    status = {r.indicator.code: r.evaluation.status.label for r in page.model.rows}
    lagging_row = next(i for i, r in enumerate(page.model.rows) if status[r.indicator.code] == "滞后")
    index = page.model.index(lagging_row, IndicatorTableModel.COL_STATUS)
    assert page.model.data(index) == "滞后"
    assert page.model.data(index, Qt.ItemDataRole.BackgroundRole).color().name() == "#fde2e0"
    assert "滞后 " in page.header.subtitle.text()


def test_an_empty_value_with_a_note_from_the_side_panel(page, qtbot, demo_store):
    page.view.setCurrentIndex(cell(page, 0, 10))  # JH23-01, October
    page.detail.value_edit.clear()
    type_text(page.detail.note_edit, "部门数据延迟报送")
    qtbot.mouseClick(page.detail.save_button, Qt.MouseButton.LeftButton)
    with demo_store.session() as session:
        row = session.scalar(select(IndicatorValue).join(Indicator).where(
            Indicator.code == "JH23-01", IndicatorValue.period_id == "2023-M10"))
    assert (row.value, row.note) == (None, "部门数据延迟报送")
    qtbot.waitUntil(lambda: page.model.data(page.proxy.mapToSource(cell(page, 0, 10))) == "（缺，有说明）")


def history_texts(page) -> list[tuple[str, str]]:
    """The side panel's history as shown: period and value of each row, newest first."""
    return [row[:2] for row in page.detail.history_model.rows]


def test_the_side_panel_follows_the_cursor_and_shows_a_value_just_typed(page, qtbot, demo_store):
    """The panel's history is read off the UI thread: it still shows the current indicator's
    stored values, those of the next one when the cursor moves, and a value typed a moment ago."""
    page.view.setCurrentIndex(cell(page, 1, 10))
    qtbot.waitUntil(lambda: page.detail.title.text().startswith("JH23-02"))
    with demo_store.session() as session:
        stored = session.scalar(select(func.count()).select_from(IndicatorValue).join(Indicator).where(
            Indicator.code == "JH23-02"))
    assert len(history_texts(page)) == stored > 0

    page.view.setCurrentIndex(cell(page, 0, 10))  # JH23-01, October: open and empty
    qtbot.waitUntil(lambda: page.detail.title.text().startswith("JH23-01"))
    assert history_texts(page)[0][0] != "2023年10月"
    page.view.setCurrentIndex(cell(page, 0, 10))
    type_into(qtbot, page.view, "76")
    assert value_of(demo_store, "JH23-01", "2023-M10") == 76
    qtbot.waitUntil(lambda: page.detail.title.text().startswith("JH23-02"))  # Enter moved down
    page.view.setCurrentIndex(cell(page, 0, 10))
    qtbot.waitUntil(lambda: page.detail.title.text().startswith("JH23-01"))
    assert history_texts(page)[0] == ("2023年10月", "76天")  # newest first


def test_county_target_edited_in_the_dialog_and_undone(page, qtbot, monkeypatch, demo_store):
    from ui.indicators.indicator_definition_dialog import IndicatorDefinitionDialog

    def fill_and_save(dialog):
        assert not dialog.target.isEnabled()  # the city's target is read-only
        dialog.county_target.setText("95%")
        dialog.range_min.setText("50")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(IndicatorDefinitionDialog, "exec", fill_and_save)
    page.view.setCurrentIndex(cell(page, 8, 10))  # JH23-09 一网通办率
    assert page.current_row().indicator.code == "JH23-09"
    page.edit_button.click()
    with demo_store.session() as session:
        indicator = session.scalar(select(Indicator).where(Indicator.code == "JH23-09"))
        assert (indicator.county_target, indicator.range_min) == (95, 50)
    page.ctx.undo_stack.undo()
    with demo_store.session() as session:
        indicator = session.scalar(select(Indicator).where(Indicator.code == "JH23-09"))
        assert (indicator.county_target, indicator.range_min) == (None, 0)


def test_import_a_workbook_from_the_window(page, qtbot, monkeypatch, tmp_path, demo_store):
    from openpyxl import Workbook
    from PySide6.QtWidgets import QFileDialog

    book = Workbook()
    book.active.append(["指标", "期次", "数值"])
    book.active.append(["JH23-01", "2023-M10", 78])
    book.active.append(["JH23-08", "2023-M10", "552"])  # 552万 written as 552: asked about first
    path = tmp_path / "values.xlsx"
    book.save(path)
    asked, told = [], []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(path), ""))
    monkeypatch.setattr(QMessageBox, "question", lambda *args: asked.append(args[2]) or QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *args: told.append(args[2]))
    page.import_button.click()
    qtbot.waitUntil(lambda: bool(told), timeout=10000)
    assert "远离该指标以往的数据" in asked[0] and "已从 values.xlsx 导入 2 个" in told[0]
    assert value_of(demo_store, "JH23-01", "2023-M10") == 78
    assert value_of(demo_store, "JH23-08", "2023-M10") == 552


def test_one_value_pasted_over_a_selection_fills_every_open_cell(page, qtbot, monkeypatch, demo_store):
    shown: list[PastePreviewDialog] = []
    monkeypatch.setattr(PastePreviewDialog, "exec", lambda d: shown.append(d) or QDialog.DialogCode.Accepted)
    codes = [code_at(page, r) for r in range(3)]
    before = {(c, m): value_of(demo_store, c, m) for c in codes for m in ("2023-M10", "2023-M11")}
    selection = QItemSelection(cell(page, 0, 10), cell(page, 2, 11))  # October is open, November not yet
    page.view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    QGuiApplication.clipboard().setText("82\r\n")  # one cell copied from Excel
    qtbot.keyClick(page.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)

    preview = shown[0].preview
    assert [c.label for c in preview.changes] == ["一般企业投资项目全流程审批时间 2023年10月", "税务事项网上办、掌上办覆盖率 2023年10月"]
    refused = {(c.edit.where, c.error) for c in preview.refused}
    assert refused == {("第1行第2列", "该期次尚未开始。"), ("第2行第2列", "该期次尚未开始。"),
                       ("第3行第2列", "该期次尚未开始。"), ("第2行第1列", "82.0天大于允许的最大值 30.0天。")}
    assert value_of(demo_store, "JH23-01", "2023-M10") == 82 and value_of(demo_store, "JH23-03", "2023-M10") == 82
    assert value_of(demo_store, "JH23-02", "2023-M10") == before[("JH23-02", "2023-M10")]  # refused: out of range
    assert all(value_of(demo_store, c, "2023-M11") is None for c in codes)
    assert page.ctx.undo_stack.count() == 1

    page.ctx.undo_stack.undo()
    assert {(c, m): value_of(demo_store, c, m) for c, m in before} == before


def test_a_county_indicator_added_in_the_dialog_is_one_undo_step(page, qtbot, monkeypatch, demo_store):
    from ui.indicators.indicator_definition_dialog import IndicatorDefinitionDialog

    def fill_and_save(dialog):
        type_text(dialog.code, "WC-01")
        type_text(dialog.name, "区级惠企政策直达率")
        dialog.unit.setText("%")
        dialog.target.setText("≥95%")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(IndicatorDefinitionDialog, "exec", fill_and_save)
    rows = page.model.rowCount()
    page.add_button.click()
    with demo_store.session() as session:
        assert session.scalar(select(Indicator.target).where(Indicator.code == "WC-01")) == 95
    qtbot.waitUntil(lambda: page.model.rowCount() == rows + 1)
    assert page.ctx.undo_stack.undoText() == "新增县级指标：区级惠企政策直达率"
    page.ctx.undo_stack.undo()
    with demo_store.session() as session:
        assert session.scalar(select(Indicator.id).where(Indicator.code == "WC-01")) is None
    qtbot.waitUntil(lambda: page.model.rowCount() == rows)


# ---- rows read off the UI thread ----------------------------------------------------------------

def latest_shown(page, code: str) -> str:
    row = next(n for n, r in enumerate(page.model.rows) if r.indicator.code == code)
    return page.model.data(page.model.index(row, IndicatorTableModel.COL_LATEST))


def latest_stored(store, code: str, as_of) -> str:
    from models.indicator_values import indicator_table
    from models.quantities import format_value

    row = next(r for r in indicator_table(store, as_of).rows if r.indicator.code == code)
    return format_value(row.latest.value, row.indicator.unit, row.indicator.decimals)


def test_the_grid_says_it_is_reading_then_shows_the_stored_values(qtbot, demo_store):
    page = IndicatorsPage(AppContext(demo_store))
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    assert page.reading() and page.model.rowCount() == 0 and page.header.subtitle.text() == "正在读取指标数据…"
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        pass
    as_of = page.ctx.as_of()
    assert not page.reading() and page.model.as_of == as_of and "共 15 项指标" in page.header.subtitle.text()
    june = page.model.index(0, page.model.column_of("2023-M06"))
    assert page.model.data(june) == f"{value_of(demo_store, 'JH23-01', '2023-M06'):g}天"
    assert latest_shown(page, "JH23-01") == latest_stored(demo_store, "JH23-01", as_of)


def test_a_switch_while_reading_shows_the_last_asked_for_and_drops_the_earlier_rows(page, qtbot, demo_store):
    from ui.workers import wait_for_reads

    may, november = date(2023, 5, 20), date(2023, 11, 20)
    assert latest_stored(demo_store, "JH23-01", may) != latest_stored(demo_store, "JH23-01", november)
    shown_dates = []
    page.loaded.connect(lambda: shown_dates.append(page.model.as_of))
    page.ctx.as_of_override = may
    page.refresh()
    wait_for_reads()  # May's rows are read and on their way to the UI thread…
    page.ctx.as_of_override = november
    page.refresh()  # …when November's are asked for
    loaded(qtbot, page)
    qtbot.wait(50)  # nothing else arrives
    assert shown_dates == [november]
    assert latest_shown(page, "JH23-01") == latest_stored(demo_store, "JH23-01", november)


def test_typed_text_survives_rows_arriving_and_is_written_after(page, qtbot, demo_store):
    from models.indicator_values import set_value

    page.view.setCurrentIndex(cell(page, 0, 10))  # JH23-01, October: open and empty
    qtbot.keyClick(page.view, "7")
    editor = page.view.viewport().findChild(QLineEdit)
    qtbot.keyClicks(editor, "5")
    set_value(demo_store, "JH23-02", "2023-M10", "1.4", confirm_outlier=True)  # written elsewhere meanwhile
    page.refresh()
    loaded(qtbot, page)
    assert page.view.state() == page.view.State.EditingState and editor.text() == "75"
    assert page.proxy.data(cell(page, 1, 10)) == "1.4天"  # the fresh figures are shown around it
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.view.state() != page.view.State.EditingState)
    assert value_of(demo_store, "JH23-01", "2023-M10") == 75 and value_of(demo_store, "JH23-02", "2023-M10") == 1.4


def test_a_period_signed_while_typing_keeps_the_text_and_refuses_it(page, qtbot, demo_store):
    page.view.setCurrentIndex(cell(page, 0, 9))  # JH23-01, September: open until the return is signed
    september = value_of(demo_store, "JH23-01", "2023-M09")
    qtbot.keyClick(page.view, "6")
    editor = page.view.viewport().findChild(QLineEdit)
    qtbot.keyClicks(editor, "1")
    with demo_store.transaction() as session:  # signed by another window: September's values locked
        session.add(Return(period_id="2023-B20", state=ReturnState.SIGNED, signed_at=datetime.now()))
    page.refresh()  # the new locks change the grid's layout: not applied under the editor
    loaded(qtbot, page)
    assert page.view.state() == page.view.State.EditingState and editor.text() == "61"
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # checked against the store, not the rows shown
    refusal = page.view.viewport().findChild(QLabel, "cellRefusal")
    assert refusal.isVisible() and "已签发" in refusal.text() and editor.text() == "61"
    assert value_of(demo_store, "JH23-01", "2023-M09") == september and page.ctx.undo_stack.count() == 0
    qtbot.keyClick(editor, Qt.Key.Key_Escape)  # given up: now the grid reads the locks
    qtbot.waitUntil(lambda: page.view.state() != page.view.State.EditingState)
    loaded(qtbot, page)
    september_cell = page.proxy.mapToSource(cell(page, 0, 9))
    assert not page.model.flags(september_cell) & Qt.ItemFlag.ItemIsEditable
    assert page.model.data(september_cell, Qt.ItemDataRole.BackgroundRole).color() == LOCKED_BACKGROUND


def test_a_switch_of_year_while_shown_reads_the_last_year_asked_for(page, qtbot, demo_store):
    from models.rollover import rollover

    rollover(demo_store, 2024)
    page.ctx.set_year(None)  # the newest, 2024: the page is shown, so it reads again
    loaded(qtbot, page)
    assert {p.id[:4] for p in page.model.periods} == {"2024"}
    years = []
    page.loaded.connect(lambda: years.append(page.year))
    page.ctx.set_year(2024)
    page.ctx.set_year(2023)  # switched back before 2024's rows are in
    loaded(qtbot, page)
    qtbot.wait(50)
    assert years == [2023] and {p.id[:4] for p in page.model.periods} == {"2023"}
    june = page.model.index(0, page.model.column_of("2023-M06"))
    assert page.model.data(june) == f"{value_of(demo_store, 'JH23-01', '2023-M06'):g}天"
