"""How the 指标填报 workspace copes with a large ledger (tests/generate_indicators.py: 500
indicators × 26 periods × 5 years). Each figure is printed beside a reference measured in the
same run on the same machine, and as a ratio to it; open and paste are medians of --repeats runs:

- open:   from the request (the page built and asked to read) until the grid is painted with the
          store's values: the page shown with its frame, the rows read off the UI thread, handed
          to the model and painted — against a bare QTableView over a trivial model of the same
          size; beside it, in runs of their own, the longest stretch of an open in which the UI
          thread could not answer (tests/ui_blocking.py);
- scroll: page through every row and across every column, painting each step — against the
          same bare view;
- paste:  a 1,000-cell block (40 indicators × 25 periods): check, preview model, write as one
          undoable step, re-read — against writing the same 1,000 values with one executemany
          (each run is undone before the next, so every run writes the same change);
- memory: peak resident size of the process (tests/peak_memory.py) against the peak after the
          reference view alone, and the peak of Python allocations during the paste (tracemalloc).

    QT_QPA_PLATFORM=offscreen python tests/bench_indicators.py [--db big.db] [--repeats 5]

The last lines are machine-readable: ``ms grid_open N``, ``ms grid_open_ui_blocked N``,
``ms paste_1000 N`` (and the ratios of open and paste).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QTableView  # noqa: E402

from tests.peak_memory import peak_rss_mb  # noqa: E402


class TrivialTableModel(QAbstractTableModel):
    def __init__(self, rows: int, columns: int) -> None:
        super().__init__()
        self.rows, self.columns = rows, columns

    def rowCount(self, parent=QModelIndex()) -> int:
        return self.rows

    def columnCount(self, parent=QModelIndex()) -> int:
        return self.columns

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        return f"{index.row() * 0.37:.1f}" if role == Qt.ItemDataRole.DisplayRole else None


def scroll_through(app: QApplication, view: QTableView) -> tuple[float, int]:
    """Page down through every row, then right across every column, painting each step;
    the time taken and the number of steps."""
    started, steps = time.perf_counter(), 0
    for bar in (view.verticalScrollBar(), view.horizontalScrollBar()):
        bar.setValue(0)
        while bar.value() < bar.maximum():
            bar.setValue(bar.value() + bar.pageStep())
            view.viewport().repaint()
            app.processEvents()
            steps += 1
    return time.perf_counter() - started, steps


def show(app: QApplication, widget) -> None:
    widget.resize(1200, 700)
    widget.show()
    widget.repaint()
    app.processEvents()


def row(label: str, measured: float, reference: float, unit: str = "s") -> None:
    print(f"{label:<34}{measured:>10.3f} {unit:<3}  reference {reference:>9.3f} {unit:<3}  ratio {measured / reference:>6.1f}×")


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, help="a store made by tests/generate_indicators.py (else one is made)")
    parser.add_argument("--repeats", type=int, default=5, help="runs of open and paste; medians are reported")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    folder = tempfile.TemporaryDirectory()
    db = args.db
    if db is None:  # generated in a child process, so its memory does not count here
        db = Path(folder.name) / "big.db"
        generator = Path(__file__).with_name("generate_indicators.py")
        print(subprocess.run([sys.executable, str(generator), str(db)], check=True, capture_output=True,
                             text=True).stdout.strip())

    from models.store import Store
    from sqlalchemy import func, select

    from models.plan import Indicator
    from ui.context import AppContext
    from ui.indicators.indicator_table_model import IndicatorTableModel
    from ui.indicators.indicators_page import IndicatorsPage
    from ui.indicators.paste_preview_dialog import PastePreviewDialog
    from tests.ui_blocking import LongestBlock, wait_until_read

    with Store(db) as store:
        with store.session() as session:
            indicators = session.scalar(select(func.count()).select_from(Indicator))
        columns = IndicatorTableModel.FIXED_COLUMNS + 26 + 12 + 4

        def open_bare() -> QTableView:
            view = QTableView()
            view.setModel(TrivialTableModel(indicators, columns))
            show(app, view)
            return view

        def open_page() -> IndicatorsPage:
            opened = IndicatorsPage(AppContext(store))
            opened.refresh()
            show(app, opened)
            wait_until_read(opened)
            return opened

        bare = open_bare()
        scroll_ref, _steps = scroll_through(app, bare)
        rss_ref = peak_rss_mb()

        open_refs, open_times, open_blocks, page = [], [], [], None
        for _run in range(args.repeats):  # alternated, so a slow spell of the machine hits both
            for widget in (bare, page):
                if widget is not None:
                    widget.close()
                    widget.deleteLater()
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            started = time.perf_counter()
            bare = open_bare()
            open_refs.append(time.perf_counter() - started)
            started = time.perf_counter()
            page = open_page()
            open_times.append(time.perf_counter() - started)
        for _run in range(args.repeats):  # apart: the probe's ticks slow the read thread a little
            page.close()
            page.deleteLater()
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            with LongestBlock() as block:
                page = open_page()
            open_blocks.append(block.ms)
        scroll_time, steps = scroll_through(app, page.view)

        # 40 generated indicators × biweekly periods 1–25 of the plan year: each value + 1.
        model = page.model
        first = next(i for i, r in enumerate(model.rows) if r.indicator.code.startswith("GEN-"))
        block_rows = model.rows[first:first + 40]
        periods = [p for p in model.periods if p.id.endswith(tuple(f"B{n:02d}" for n in range(1, 26)))]
        lines = []
        for grid_row in block_rows:
            lines.append("\t".join(f"{grid_row.values[p.id].value + 1:.{grid_row.indicator.decimals}f}" for p in periods))
        text = "\r\n".join(lines) + "\r\n"
        page.view.setCurrentIndex(page.proxy.mapFromSource(model.index(first, model.column_of(periods[0].id))))
        accepted = []
        PastePreviewDialog.exec = lambda dialog: accepted.append(len(dialog.preview.changes)) or QDialog.DialogCode.Accepted

        def paste() -> None:
            page.paste_text(text)
            wait_until_read(page)  # the pasted rows re-read and painted

        def undo() -> None:
            page.ctx.undo_stack.undo()
            wait_until_read(page)

        paste_times, undo_times = [], []
        for _run in range(args.repeats):
            paste_times.append(timed(paste))
            undo_times.append(timed(undo))
        assert accepted == [1000] * args.repeats, accepted
        paste_time, undo_time = statistics.median(paste_times), statistics.median(undo_times)

        tracemalloc.start()  # a second time, for memory only: tracing slows Python down
        page.ctx.undo_stack.redo()
        wait_until_read(page)
        _current, paste_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        # Reference: the same 1,000 values written back with one executemany in one transaction.
        paste_refs = []
        for run in range(args.repeats):
            rows = [(grid_row.values[p.id].value + 2 + run, grid_row.indicator.id, p.id)
                    for grid_row in block_rows for p in periods]

            def write_reference() -> None:
                with store.engine.begin() as connection:
                    connection.exec_driver_sql(
                        "UPDATE indicator_value SET value = ? WHERE indicator_id = ? AND period_id = ?", rows)
            paste_refs.append(timed(write_reference))
        paste_ref = statistics.median(paste_refs)
        open_time, open_ref = statistics.median(open_times), statistics.median(open_refs)

    print(f"store: {indicators} indicators ({indicators - 15} generated), grid {indicators} rows × {columns} columns")
    print(f"{args.repeats} runs each; medians. Runs of open: {' '.join(f'{t * 1000:.0f}' for t in open_times)} ms; "
          f"of paste: {' '.join(f'{t * 1000:.0f}' for t in paste_times)} ms")
    row("open workspace", open_time, open_ref)
    row("scroll all rows and columns", scroll_time, scroll_ref)
    print(f"{'  one scroll step (page), mean':<34}{scroll_time / steps * 1000:>10.1f} ms over {steps} steps")
    row("paste 1,000 cells (preview+write)", paste_time, paste_ref)
    print(f"{'undo of that paste':<34}{undo_time:>10.3f} s")
    row("peak memory (maxrss)", peak_rss_mb(), rss_ref, "MB")
    print(f"{'python allocations, redo of paste':<34}{paste_peak / 1e6:>10.1f} MB (tracemalloc peak)")
    print(f"{'  longest stretch the UI was blocked':<34}{statistics.median(open_blocks):>10.1f} ms (median)")
    print(f"ms grid_open {open_time * 1000:.0f}")
    print(f"ms grid_open_ui_blocked {statistics.median(open_blocks):.0f}")
    print(f"ratio grid_open {open_time / open_ref:.2f}")
    print(f"ms paste_1000 {paste_time * 1000:.0f}")
    print(f"ratio paste_1000 {paste_time / paste_ref:.2f}")


if __name__ == "__main__":
    main()
