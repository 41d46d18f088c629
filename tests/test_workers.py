"""Long work off the UI thread (ui.workers): result, error and cancel come back to the UI thread."""
import threading

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from models.errors import LedgerError
from ui.workers import run_in_background


def test_result_comes_back_on_the_ui_thread(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    seen = {}

    def work(progress):
        seen["thread"] = threading.current_thread()
        for step in range(3):
            progress(step, 3, f"第 {step} 步")
        return 42

    run_in_background(parent, "计算中", work, on_done=lambda r: seen.setdefault("result", r))
    qtbot.waitUntil(lambda: "result" in seen, timeout=5000)
    assert seen["result"] == 42
    assert seen["thread"] is not threading.main_thread()


def test_a_refusal_comes_back_as_a_message(qtbot, monkeypatch):
    parent = QWidget()
    qtbot.addWidget(parent)
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))

    def work(progress):
        raise LedgerError("文件 a.xlsx 第 3 行：数值无法识别")

    run_in_background(parent, "导入中", work)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert shown == ["文件 a.xlsx 第 3 行：数值无法识别"]


def test_cancel_stops_the_work_at_its_next_step(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    errors, steps = [], []
    release = threading.Event()

    def work(progress):
        progress(0, 10)
        release.wait(5)
        for step in range(1, 10):
            progress(step, 10)
            steps.append(step)

    task = run_in_background(parent, "导出中", work, on_done=lambda r: errors.append("done"),
                             on_error=errors.append)
    task.dialog.findChild(QPushButton).click()  # the dialog's 取消 button
    release.set()
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert steps == []
    assert errors == ["已取消，未作任何改动。"]


def test_page_reads_hand_over_only_the_newest_result_and_errors_as_messages(qtbot):
    from ui.workers import PageReads

    parent = QWidget()
    qtbot.addWidget(parent)
    reads = PageReads(parent)
    gate, handed, threads = threading.Event(), [], []

    def first():
        threads.append(threading.current_thread())
        gate.wait(5)
        return "earlier"

    reads.start(first, handed.append)
    qtbot.waitUntil(lambda: bool(threads), timeout=5000)  # under way…
    reads.start(lambda: "newer", handed.append)  # …when a newer read is asked for
    gate.set()
    with qtbot.waitSignal(reads.loaded, timeout=5000):
        pass
    assert handed == ["newer"] and not reads.reading() and threads[0] is not threading.main_thread()

    errors = []

    def refused():
        raise LedgerError("数据文件正被另一个改革台账程序使用。")

    reads.start(refused, handed.append, errors.append)
    with qtbot.waitSignal(reads.loaded, timeout=5000):
        pass
    assert errors == ["数据文件正被另一个改革台账程序使用。"] and handed == ["newer"]
