"""The 任务清单 workspace driven as a user drives it: search and filters of the tree's model,
typing a report, switching periods, refused edits, undo, and opening a task from elsewhere."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QModelIndex, Qt
from sqlalchemy import select

from models.enums import Origin, TaskStatus
from models.ledger import ProgressReport
from models.plan import Task
from models.plan_loader import current_plan
from models.task_list import task_list
from models.tasks import task_by_number
from tests.keyboard import type_text
from tests.showing import loaded, shown
from ui.context import AppContext
from ui.palette import SEARCH_HIT
from ui.tasks.task_tree_model import TaskFilter, TaskTreeModel
from ui.tasks.tasks_page import TasksPage
from ui.workers import wait_for_reads

AS_OF = date(2023, 10, 27)


def visible_task_numbers(model: TaskTreeModel) -> list[int]:
    numbers = []
    for area_row in range(model.rowCount()):
        area = model.index(area_row, 0)
        for row in range(model.rowCount(area)):
            numbers.append(int(model.index(row, TaskTreeModel.COL_NUMBER, area).data()))
    return numbers


@pytest.fixture
def model(demo_store):
    """The tree's model on the demo's tasks, filtered as the page filters it."""
    with demo_store.session() as session:
        rows = task_list(session, current_plan(session), AS_OF)
    model = TaskTreeModel()
    model.set_rows(rows, TaskFilter(), AS_OF)
    return model


def test_tree_holds_areas_tasks_and_milestones(model):
    assert model.rowCount() == 5 and len(visible_task_numbers(model)) == 38
    area = model.index(0, 0)
    task = model.index(0, 0, area)
    assert model.rowCount(task) == 4  # the quarterly milestones
    assert model.index(0, TaskTreeModel.COL_NUMBER, task).data() == "1.1"
    assert model.parent(model.index(0, 0, task)) == task and model.parent(task) == area


def test_search_and_filters_narrow_the_tree(model):
    model.set_filter(TaskFilter(text="一件事"))
    numbers = visible_task_numbers(model)
    assert 7 in numbers and 1 not in numbers
    model.set_filter(TaskFilter(text="浙里办 590万"))  # words anywhere, milestones included
    assert visible_task_numbers(model) == [9]
    model.set_filter(TaskFilter(status=TaskStatus.LAGGING))
    assert len(visible_task_numbers(model)) == 5
    model.set_filter(TaskFilter(status=TaskStatus.LAGGING, due_within=14))
    assert len(visible_task_numbers(model)) == 5  # overdue milestones count as due
    model.set_filter(TaskFilter(due_within=14))
    assert len(visible_task_numbers(model)) == 5
    model.set_filter(TaskFilter(unit="市司法局"))
    assert set(visible_task_numbers(model)) >= {11, 13, 14}
    area_id = model.rows[0].area_id
    model.set_filter(TaskFilter(area_id=area_id, origin=Origin.CITY, list_kind="重点任务"))
    assert visible_task_numbers(model) == list(range(1, 11))
    model.set_filter(TaskFilter(origin=Origin.COUNTY))
    assert visible_task_numbers(model) == [] and model.rowCount() == 0


@pytest.fixture
def page(qtbot, demo_store):
    ctx = AppContext(demo_store)
    return loaded(qtbot, shown(qtbot, TasksPage(ctx), (1200, 700)))


def task_id(store, number: int) -> int:
    with store.session() as session:
        return task_by_number(session, current_plan(session), number).id


def stored_report(store, task: int, period: str) -> ProgressReport | None:
    with store.session() as session:
        return session.scalar(select(ProgressReport).where(ProgressReport.task_id == task,
                                                           ProgressReport.period_id == period))


def test_typed_report_is_saved_across_period_switches(qtbot, page, demo_store):
    task = task_id(demo_store, 4)
    assert page.select_task(task)
    detail = page.detail
    combo = detail.period_combo
    assert combo.currentData() == "2023-B22"
    progress = detail.report_edits["progress"]
    progress.setFocus()
    progress.selectAll()
    type_text(progress, "完成税费服务专区建设")
    combo.setCurrentIndex(combo.findData("2023-B21"))
    assert stored_report(demo_store, task, "2023-B22").progress == "完成税费服务专区建设"
    assert progress.toPlainText() != "完成税费服务专区建设"
    combo.setCurrentIndex(combo.findData("2023-B22"))
    assert progress.toPlainText() == "完成税费服务专区建设"
    page.ctx.undo_stack.undo()
    assert stored_report(demo_store, task, "2023-B22").progress != "完成税费服务专区建设"


def test_new_period_shows_the_carried_draft(qtbot, page, demo_store):
    task = task_id(demo_store, 6)
    with demo_store.transaction() as session:
        session.execute(ProgressReport.__table__.delete().where(ProgressReport.task_id == task,
                                                                ProgressReport.period_id == "2023-B22"))
    page.refresh()
    loaded(qtbot, page)
    page.select_task(task)
    before = stored_report(demo_store, task, "2023-B21")
    assert page.detail.report_edits["progress"].toPlainText() == before.next_steps
    assert page.detail.carried_label.isVisibleTo(page)
    assert stored_report(demo_store, task, "2023-B22") is None  # looking saves nothing


def test_refused_field_edit_keeps_the_typing_and_names_the_field(qtbot, page, demo_store):
    task = task_id(demo_store, 2)
    page.select_task(task)
    page.detail.tabs.setCurrentIndex(2)
    edit = page.detail.field_edits["leader"]
    edit.setText("王" * 60)
    edit.editingFinished.emit()
    assert "“责任领导”最多 50 个字" in page.detail.error.text() and page.detail.error.isVisibleTo(page)
    assert edit.text() == "王" * 60
    edit.setText("陈国平")
    edit.editingFinished.emit()
    assert not page.detail.error.isVisibleTo(page)
    with demo_store.session() as session:
        assert session.get(Task, task).leader == "陈国平"
    model = page.model
    assert model.data(model.index(1, TaskTreeModel.COL_LEADER, model.index(0, 0))) == "陈国平"


def test_county_task_added_from_the_page_and_deleted_with_confirmation(qtbot, page, demo_store, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ui.tasks import tasks_page

    def fill(dialog):
        dialog.title_edit.setText("县级自选：企业服务专员")
        dialog.accept()

    monkeypatch.setattr(tasks_page.AddTaskDialog, "exec", fill)
    page.add_county_task()
    with demo_store.session() as session:
        added = session.scalar(select(Task).where(Task.origin == Origin.COUNTY))
        assert added.title == "县级自选：企业服务专员" and added.number == 39
    loaded(qtbot, page)  # a new task changes the tree's shape: the rows are read again
    assert page.detail.task_id == added.id and page.delete_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    page.delete_county_task()
    with demo_store.session() as session:
        assert session.get(Task, added.id) is None
    loaded(qtbot, page)
    assert not page.model.has_task(added.id) and page.detail.task_id != added.id
    page.ctx.undo_stack.undo()
    with demo_store.session() as session:
        assert session.get(Task, added.id).title == "县级自选：企业服务专员"
    loaded(qtbot, page)
    assert page.model.task_index(added.id).isValid() and page.detail.task_id == added.id


def test_main_window_opens_a_task_on_request(qtbot, demo_store):
    from ui.main_window import MainWindow

    window = MainWindow(demo_store)
    qtbot.addWidget(window)
    task = task_id(demo_store, 21)
    window.ctx.openTask.emit(task)
    page = loaded(qtbot, window.pages["tasks"])
    assert window.stack.currentWidget() is page and page.detail.task_id == task
    current = page.tree.currentIndex()
    assert page.model.task_at(current).number == 21
    assert current.parent() != QModelIndex() and page.tree.currentIndex().data(Qt.ItemDataRole.DisplayRole) == "21"


def test_typing_in_the_search_box_filters_after_ctrl_f(qtbot, page):
    from PySide6.QtTest import QTest

    page.tree.setFocus()
    QTest.keyClick(page.tree, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    type_text(page.search, "信用")
    qtbot.waitUntil(lambda: page.count_label.text().startswith("显示 3 /"), timeout=2000)
    shown = visible_task_numbers(page.model)
    assert shown == [14, 21, 22]  # 14 names 信用 in a milestone
    page.status_combo.setCurrentIndex(page.status_combo.findData(TaskStatus.ON_TRACK))
    on_track = [row.number for row in page.model.rows if row.number in shown and row.status is TaskStatus.ON_TRACK]
    assert visible_task_numbers(page.model) == on_track != []
    page.clear_filter()
    assert len(visible_task_numbers(page.model)) == 38


def test_evidence_attached_from_the_pane_is_copied_and_opened(page, demo_store, tmp_path, monkeypatch):
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QFileDialog

    source = tmp_path / "验收报告.pdf"
    source.write_bytes(b"%PDF report")
    task = task_id(demo_store, 21)
    page.select_task(task)
    detail = page.detail
    detail.milestone_view.selectRow(2)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    detail._attach_to_milestone()
    source.unlink()
    assert detail.evidence_model.rowCount() == 1
    assert detail.evidence_model.rows[0].owner == "节点 3"
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    detail.evidence_view.selectRow(0)
    detail._open_evidence()
    assert open(opened[0], "rb").read() == b"%PDF report"
    page.ctx.undo_stack.undo()
    assert detail.evidence_model.rowCount() == 0


def test_status_and_origin_filters_show_what_the_tasks_command_lists(qtbot, tmp_path):
    """The combos, chosen as a user chooses them, against ``main.py tasks --status …`` on the demo."""
    import json
    import subprocess
    import sys

    from models.store import Store
    from models.task_actions import add_county_task
    from tests.conftest import ROOT

    db = tmp_path / "demo.db"

    def cli(*args: str) -> list[dict]:
        result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), "tasks", *args, "--json"],
                                capture_output=True, text=True, cwd=ROOT, check=True)
        return json.loads(result.stdout)

    subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), "init", "--demo"], cwd=ROOT, check=True,
                   capture_output=True)
    with Store(db) as store:
        with store.session() as session:
            area_id = current_plan(session).areas[0].id
        add_county_task(store, area_id, "婺城区自选：企业开办“一件事”再提速")
    listed = {status: [r["number"] for r in cli("--status", status.value)] for status in TaskStatus}
    everything = cli()
    assert {status: len(numbers) for status, numbers in listed.items()} == {
        TaskStatus.NOT_STARTED: 1, TaskStatus.ON_TRACK: 31, TaskStatus.LAGGING: 5, TaskStatus.DONE: 2}  # 38 + 1 county
    with Store(db) as store:
        page = loaded(qtbot, shown(qtbot, TasksPage(AppContext(store))))
        for status, numbers in listed.items():
            page.status_combo.setCurrentIndex(page.status_combo.findData(status))
            assert sorted(visible_task_numbers(page.model)) == sorted(numbers), status
        page.status_combo.setCurrentIndex(0)
        for origin in Origin:
            page.origin_combo.setCurrentIndex(page.origin_combo.findData(origin))
            expected = [r["number"] for r in everything if r["origin"] == origin.label]
            assert sorted(visible_task_numbers(page.model)) == sorted(expected) != [], origin
        page.origin_combo.setCurrentIndex(page.origin_combo.findData(Origin.COUNTY))
        page.status_combo.setCurrentIndex(page.status_combo.findData(TaskStatus.NOT_STARTED))
        assert visible_task_numbers(page.model) == [r["number"] for r in everything if r["origin"] == "自选动作"]
        assert page.count_label.text().startswith("显示 1 /")


def sign_period(store, period_id: str) -> None:
    """Mark the period's return signed, as export --sign leaves it (the files do not matter here)."""
    from datetime import datetime

    from models.enums import ReturnState
    from models.office import Return

    with store.transaction() as session:
        session.add(Return(period_id=period_id, version=1, state=ReturnState.SIGNED, signed_by="王建华",
                           signed_at=datetime.now()))


def test_a_signed_periods_report_is_read_only_before_the_first_keystroke(qtbot, page, demo_store):
    sign_period(demo_store, "2023-B22")
    task = task_id(demo_store, 4)
    before = stored_report(demo_store, task, "2023-B22")
    page.select_task(task)
    detail = page.detail
    assert detail.period_combo.currentData() == "2023-B22"
    progress = detail.report_edits["progress"]
    assert all(edit.isReadOnly() for edit in detail.report_edits.values())
    banner = detail.lock_label
    assert banner.isVisibleTo(page) and "已签发" in banner.text() and "撤回" in banner.text()
    shown = progress.toPlainText()
    progress.setFocus()
    type_text(progress, "补充一句")
    assert progress.toPlainText() == shown  # nothing was taken, so nothing can be lost
    detail.period_combo.setCurrentIndex(detail.period_combo.findData("2023-B21"))  # an open period
    assert detail.period_combo.currentData() == "2023-B21"
    assert not progress.isReadOnly() and not banner.isVisibleTo(page)
    after = stored_report(demo_store, task, "2023-B22")
    assert (after.progress if after else None) == (before.progress if before else None)


def test_a_refused_report_keeps_its_text_and_its_task(qtbot, page, demo_store):
    first, other = task_id(demo_store, 4), task_id(demo_store, 5)
    page.select_task(first)
    detail = page.detail
    progress = detail.report_edits["progress"]
    too_long = "推进" * 1001  # 2,002 characters: over the limit of a report field
    progress.setPlainText(too_long)
    page.select_task(other)  # switching task saves first; refused, the pane stays
    assert detail.task_id == first and progress.toPlainText() == too_long
    assert detail.report_error.isVisibleTo(page) and "2000" in detail.report_error.text().replace(",", "")
    qtbot.waitUntil(lambda: page.model.task_at(page.tree.currentIndex()).id == first)
    detail.period_combo.setCurrentIndex(detail.period_combo.findData("2023-B21"))  # switching period: likewise
    assert detail.period_combo.currentData() == "2023-B22" and progress.toPlainText() == too_long
    assert stored_report(demo_store, first, "2023-B22").progress != too_long

    progress.setPlainText("完成税费服务专区建设")
    assert page.select_task(other) and detail.task_id == other
    assert stored_report(demo_store, first, "2023-B22").progress == "完成税费服务专区建设"


def test_a_period_signed_while_typing_keeps_the_text_with_the_reason(qtbot, page, demo_store):
    task = task_id(demo_store, 6)
    page.select_task(task)
    progress = page.detail.report_edits["progress"]
    sign_period(demo_store, "2023-B22")  # signed from another window meanwhile
    progress.setPlainText("本期新增企业服务专员 12 名")
    page.select_task(task_id(demo_store, 7))
    assert page.detail.task_id == task and progress.toPlainText() == "本期新增企业服务专员 12 名"
    assert "已签发" in page.detail.report_error.text() and "撤回" in page.detail.report_error.text()


# ---- a ledger larger than one fetch: the tree is filled as it is scrolled ----

LARGE = 1000  # tasks: the first area alone holds more than two fetches

@pytest.fixture
def large_page(qtbot, tmp_path):
    """The page on the built-in plan grown to LARGE tasks (four milestones each), shown at 1366×768."""
    from models.store import Store
    from tests.generate_large import generate

    db = tmp_path / "large.db"
    generate(db, LARGE)
    with Store(db) as store:
        yield loaded(qtbot, shown(qtbot, TasksPage(AppContext(store)), (1366, 768)))
        wait_for_reads()


def scroll_to_end(qtbot, page: TasksPage) -> None:
    """Drag the scroll bar to the end until nothing more comes, as a person reading to the last task."""
    bar = page.tree.verticalScrollBar()
    for _ in range(50):
        qtbot.wait(20)  # the view lays out what came, the deferred fetch runs
        if not page.model.can_fetch_more() and bar.value() == bar.maximum():
            return
        bar.setValue(bar.maximum())
    raise AssertionError("the list never reached its end")


def search(qtbot, page: TasksPage, words: str) -> None:
    """Type the words into an emptied search box and wait for the filter to take them all."""
    page.search.clear()
    type_text(page.search, words)
    qtbot.waitUntil(lambda: page.model.filter.text == words, timeout=3000)


def large_rows(page: TasksPage):
    with page.ctx.store.session() as session:
        return task_list(session, current_plan(session), page.ctx.as_of())


def area_counts(rows) -> list[tuple[str, int]]:
    """Each area with its number of tasks, in the plan's order."""
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.area] = counts.get(r.area, 0) + 1
    return list(counts.items())


def area_headers(model: TaskTreeModel) -> list[str]:
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_a_long_list_is_filled_as_it_is_scrolled(qtbot, large_page):
    page, rows = large_page, large_rows(large_page)
    assert len(rows) == LARGE
    assert len(visible_task_numbers(page.model)) < LARGE  # not every row laid out at once
    assert page.count_label.text().startswith(f"显示 {LARGE} / {LARGE}")
    scroll_to_end(qtbot, page)
    assert sorted(visible_task_numbers(page.model)) == sorted(r.number for r in rows)
    assert area_headers(page.model) == [f"{name}（{count}）" for name, count in area_counts(rows)]


def test_collapsing_an_area_still_being_fetched_brings_the_next_one(qtbot, large_page):
    page = large_page
    assert page.model.rowCount() == 1 and page.model.can_fetch_more()
    page.tree.collapse(page.model.index(0, 0))  # nothing left to scroll to: the list fetches on its own
    qtbot.waitUntil(lambda: page.model.rowCount() > 1, timeout=3000)
    (first, first_count), (name, count) = area_counts(large_rows(page))[:2]
    assert page.model.rowCount(page.model.index(0, 0)) == first_count
    following = page.model.index(1, 0)
    assert following.data() == f"{name}（{count}）" and page.tree.isExpanded(following)


def test_search_finds_tasks_beyond_the_first_screens_by_milestone_unit_and_person(qtbot, large_page):
    page, rows = large_page, large_rows(large_page)
    last = rows[-1]
    milestone = last.milestones[2]
    checks = {
        milestone.title: [r for r in rows if any(milestone.title in m.title for m in r.milestones)
                          or milestone.title in r.title],
        "区税务局": [r for r in rows if r.county_unit == "区税务局"],
        "王建华": [r for r in rows if "王建华" in (r.leader, r.contact)],
    }
    for words, expected in checks.items():
        search(qtbot, page, words)
        assert page.count_label.text().startswith(f"显示 {len(expected)} / {LARGE}")
        scroll_to_end(qtbot, page)
        assert sorted(visible_task_numbers(page.model)) == sorted(r.number for r in expected), words
        shown_by_area: dict[str, int] = {}
        for r in expected:
            shown_by_area[r.area] = shown_by_area.get(r.area, 0) + 1
        totals = {r.area: sum(1 for o in rows if o.area == r.area) for r in rows}
        assert area_headers(page.model) == [f"{name}（显示 {count} / {totals[name]}）"
                                            for name, count in shown_by_area.items()], words
    search(qtbot, page, "第3季度")  # a word of every generated task's third milestone: more than one fetch
    assert page.model.can_fetch_more()
    scroll_to_end(qtbot, page)
    task = page.model.task_index(last.id)
    assert page.tree.isExpanded(task)
    hit = page.model.index(2, TaskTreeModel.COL_TITLE, task)
    assert hit.data() == milestone.title and hit.data(Qt.ItemDataRole.BackgroundRole) == SEARCH_HIT
    assert page.model.index(0, TaskTreeModel.COL_TITLE, task).data(Qt.ItemDataRole.BackgroundRole) is None


def test_the_selected_task_stays_selected_across_filters_and_sorting(qtbot, large_page):
    page, rows = large_page, large_rows(large_page)
    last = rows[-1]
    assert page.select_task(last.id)  # beyond the first fetch: fetched through to it
    assert page.model.task_at(page.tree.currentIndex()).id == last.id and page.detail.task_id == last.id
    search(qtbot, page, last.leader)
    assert page.detail.task_id == last.id and not page.tree.currentIndex().isValid()  # not fetched yet
    scroll_to_end(qtbot, page)  # selected again as soon as the list reaches it
    assert page.model.task_at(page.tree.currentIndex()).id == last.id
    page.tree.header().setSortIndicator(TaskTreeModel.COL_NUMBER, Qt.SortOrder.DescendingOrder)
    area = page.model.index(0, 0)
    numbers = [int(page.model.index(row, 0, area).data()) for row in range(page.model.rowCount(area))]
    assert numbers == sorted(numbers, reverse=True)
    scroll_to_end(qtbot, page)
    assert page.model.task_at(page.tree.currentIndex()).id == last.id
    page.clear_filter()
    scroll_to_end(qtbot, page)
    assert page.model.task_at(page.tree.currentIndex()).id == last.id and page.detail.task_id == last.id
    search(qtbot, page, last.leader)  # the last task waits to be fetched again…
    page.tree.setCurrentIndex(page.model.index(0, 0, page.model.index(0, 0)))  # …but a row chosen meanwhile wins
    chosen = page.model.task_at(page.tree.currentIndex()).id
    assert chosen != last.id
    scroll_to_end(qtbot, page)
    assert page.model.task_at(page.tree.currentIndex()).id == chosen == page.detail.task_id


def test_an_edit_that_takes_a_task_out_of_the_search_removes_it_and_undo_brings_it_back(qtbot, page, demo_store):
    task = task_id(demo_store, 2)
    page.select_task(task)
    leader = page.model.task_at(page.tree.currentIndex()).leader
    search(qtbot, page, leader)
    shown = visible_task_numbers(page.model)
    assert 2 in shown and page.model.task_at(page.tree.currentIndex()).number == 2
    page.detail.tabs.setCurrentIndex(2)
    edit = page.detail.field_edits["leader"]
    edit.setText("另一位领导")
    edit.editingFinished.emit()
    assert visible_task_numbers(page.model) == [n for n in shown if n != 2]
    assert page.count_label.text().startswith(f"显示 {len(shown) - 1} / 38")
    page.ctx.undo_stack.undo()
    assert visible_task_numbers(page.model) == shown
    assert page.model.task_at(page.tree.currentIndex()).number == 2  # selected again


def test_the_tree_says_it_is_reading_then_selects_and_searches_the_rows_read(qtbot, demo_store):
    page = shown(qtbot, TasksPage(AppContext(demo_store)), (1200, 700))  # shown: it reads its rows
    assert page.reading() and page.model.rowCount() == 0 and page.header.subtitle.text() == "正在读取任务清单…"
    assert page.select_task(task_id(demo_store, 21))  # asked for before the rows are in…
    loaded(qtbot, page)
    assert page.model.task_at(page.tree.currentIndex()).number == 21 and page.detail.task_id == task_id(demo_store, 21)
    assert page.count_label.text() == "显示 38 / 38 项任务"  # …and done once they are
    search(qtbot, page, "信用协同")  # a word of a milestone of task 22
    assert visible_task_numbers(page.model) == [22]


def test_a_change_while_reading_is_read_again_and_the_earlier_rows_dropped(qtbot, page, demo_store):
    from models.task_actions import add_county_task
    from ui.workers import wait_for_reads

    arrivals = []
    page.loaded.connect(lambda: arrivals.append(len(page.model.rows)))
    page.refresh()
    page.refresh()  # nothing changed since the read under way began: no second read
    wait_for_reads()  # the 38 tasks are read and on their way to the UI thread…
    with demo_store.session() as session:
        area_id = current_plan(session).areas[0].id
    add_county_task(demo_store, area_id, "县级自选：企业服务专员")  # …when another window adds a task
    page.ctx.ledgerChanged.emit()
    loaded(qtbot, page)
    qtbot.wait(50)
    assert arrivals == [39] and page.count_label.text() == "显示 39 / 39 项任务"
