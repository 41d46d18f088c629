"""Benchmark of the 任务清单 at 5,000 tasks and 20,000 milestones (not collected by pytest).

    QT_QPA_PLATFORM=offscreen python tests/bench_tasks.py [--db big.db] [--repeat 15]

Prints, each beside a reference measured in the same run on the same machine (medians over the
repeats), then the machine-readable lines ``ms search``, ``ratio search``, ``ms tasks_open`` and
``ms tasks_open_ui_blocked``:
- one filter pass of the search box (TasksPage.apply_filter after a typed word, the tree laid
  out and painted), against a plain QSortFilterProxyModel with recursive filtering over a
  QStandardItemModel of the same rows in a QTreeView;
- opening the workspace, from building TasksPage until the tree is painted with the store's
  rows (the page shown with its frame, the rows read off the UI thread, handed to the model and
  painted), against the same page opened on the demo store (the built-in plan, 38 tasks); and
  the longest stretch of that open in which the UI thread could not answer
  (``ms tasks_open_ui_blocked``, tests/ui_blocking.py).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SEARCHES = ["改革", "数据", "区税务局", "王建华", "第3季度", "企业开办 机制", "不存在的词", "信用", "人才", "1234"]


def median_ms(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def open_page(store):
    """Build the page and show it, until it has painted the rows it read."""
    from PySide6.QtWidgets import QApplication

    from tests.ui_blocking import wait_until_read
    from ui.context import AppContext
    from ui.tasks.tasks_page import TasksPage

    page = TasksPage(AppContext(store))
    page.resize(1366, 768)
    page.show()
    QApplication.processEvents()
    wait_until_read(page)
    return page


def timed_open(store, repeat: int) -> tuple[float, float]:
    """Medians of opening the page (ms) and of the longest stretch the UI was blocked meanwhile."""
    from tests.ui_blocking import LongestBlock

    times, blocks = [], []
    for _ in range(repeat):
        began = time.perf_counter()
        page = open_page(store)
        times.append((time.perf_counter() - began) * 1000)
        page.close()
        page.deleteLater()
    for _ in range(repeat):  # apart: the probe's ticks slow the read thread a little
        with LongestBlock() as block:
            page = open_page(store)
        blocks.append(block.ms)
        page.close()
        page.deleteLater()
    return statistics.median(times), statistics.median(blocks)


def filter_pass(page, text: str) -> None:
    """One search as typed: the model re-filters, the tree lays out and paints the result."""
    from PySide6.QtWidgets import QApplication

    page.search.setText(text)
    page.apply_filter()  # what the search box's short typing delay then runs
    QApplication.processEvents()


def reference_proxy(rows):
    """What Qt gives for free: a standard item model and its string filter, same rows."""
    from PySide6.QtCore import QSortFilterProxyModel, Qt
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTreeView

    model = QStandardItemModel()
    for row in rows:
        item = QStandardItem(row.search_text().replace("\n", " "))
        for m in row.milestones:
            item.appendRow(QStandardItem(m.title))
        model.appendRow(item)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setRecursiveFilteringEnabled(True)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    tree = QTreeView()
    tree.setUniformRowHeights(True)
    tree.setModel(proxy)
    tree.resize(800, 600)
    tree.show()
    return model, proxy, tree


def reference_pass(proxy, tree, text: str) -> None:
    from PySide6.QtWidgets import QApplication

    proxy.setFilterFixedString(text)
    QApplication.processEvents()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, help="a store made by tests/generate_large.py (made if absent)")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    from tests.generate_large import generate
    from ui.app import create_application
    from models.plan_loader import initialise
    from models.store import Store
    create_application()
    folder = Path(tempfile.mkdtemp(prefix="bench_tasks_"))
    big = args.db or folder / "big.db"
    if not big.exists():
        generate(big, 5000)
    small = folder / "small.db"
    with Store(small) as store:
        initialise(store, demo=True)

    with Store(small) as store:
        small_open, _blocked = timed_open(store, 5)
    with Store(big) as store:
        big_open, big_blocked = timed_open(store, 5)
        page = open_page(store)
        rows = page.model.rows
        searches = iter(SEARCHES * args.repeat)
        ours = median_ms(lambda: filter_pass(page, next(searches)), args.repeat * 2)
        _model, plain, plain_tree = reference_proxy(rows)
        searches = iter(SEARCHES * args.repeat)
        theirs = median_ms(lambda: reference_pass(plain, plain_tree, next(searches)), args.repeat * 2)
        tasks, milestones = len(rows), sum(len(r.milestones) for r in rows)

    print(f"规模：{tasks} 项任务，{milestones} 个节点举措")
    print(f"一次筛选（搜索框）中位数：{ours:.1f} ms；参照 QStandardItemModel + QSortFilterProxyModel："
          f"{theirs:.1f} ms；比值 {ours / theirs:.2f}")
    print(f"打开任务清单：{big_open:.0f} ms；参照（内置方案 38 项任务）：{small_open:.0f} ms；"
          f"比值 {big_open / small_open:.1f}")
    print(f"ms search {ours:.0f}")
    print(f"ratio search {ours / theirs:.2f}")
    print(f"打开时界面最长无响应：{big_blocked:.0f} ms")
    print(f"ms tasks_open {big_open:.0f}")
    print(f"ms tasks_open_ui_blocked {big_blocked:.0f}")


if __name__ == "__main__":
    main()
