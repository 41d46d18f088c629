"""Benchmark: send and receive the fill-in forms of 40 responsible units, beside openpyxl alone
writing and reading the same workbooks (the same cells, no styles, checks or store).

The demo ledger gets 82 county tasks with a milestone each, so its tasks spread over 40 units
(three tasks apiece, some with indicators). Sending includes building every form, protecting it
and recording it; receiving includes the workbook guard, reading, every check against the
ledger and writing the accepted answers in one transaction.

    python tests/bench_collection.py [--runs 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl  # noqa: E402
from sqlalchemy import select  # noqa: E402

from exchange.collection.form_reader import receive_files  # noqa: E402
from exchange.collection.form_writer import TASK_SHEET, send_forms  # noqa: E402
from models.plan import Task  # noqa: E402
from models.plan_loader import require_plan  # noqa: E402
from models.plan_loader import initialise  # noqa: E402
from models.store import Store  # noqa: E402
from models.tasks import add_county_task, add_milestone  # noqa: E402

PERIOD, AS_OF, UNITS = "2023-B22", date(2023, 10, 27), 40


def forty_units(store: Store) -> None:
    with store.transaction() as session:
        plan = require_plan(session)
        for n in range(82):
            task = add_county_task(session, plan, plan.areas[n % len(plan.areas)].id, f"县级自选任务 {n + 1}")
            add_milestone(session, task.id, f"自选任务 {n + 1} 的节点", date(2023, 10, 31))
        for n, task in enumerate(session.scalars(select(Task).order_by(Task.number))):
            task.county_unit = f"区第{n % UNITS + 1:02d}责任单位"


def cells_of(path: Path) -> dict[str, list[tuple[int, int, object]]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [(c.row, c.column, c.value) for row in ws.iter_rows() for c in row if c.value is not None]
            for ws in wb.worksheets}


def openpyxl_write(contents: list[dict[str, list[tuple[int, int, object]]]], out: Path) -> float:
    start = time.perf_counter()
    for n, sheets in enumerate(contents):
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for title, cells in sheets.items():
            ws = wb.create_sheet(title)
            for row, column, value in cells:
                ws.cell(row, column, value)
        wb.save(out / f"{n}.xlsx")
    return time.perf_counter() - start


def openpyxl_read(paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        wb = openpyxl.load_workbook(path, read_only=True)
        for ws in wb.worksheets:
            for _row in ws.iter_rows(values_only=True):
                pass
        wb.close()
    return time.perf_counter() - start


def fill(sent: list[Path], out: Path) -> list[Path]:
    out.mkdir()
    filled = []
    for path in sent:
        wb = openpyxl.load_workbook(path)
        ws = wb[TASK_SHEET]
        for row in range(4, ws.max_row + 1):
            ws.cell(row, 4).value = f"{path.stem} 第 {row} 行的本期进展"
            ws.cell(row, 5).value = "暂无问题"
        wb.save(out / path.name)
        filled.append(out / path.name)
    return filled


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sends, receives, writes, reads = [], [], [], []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            with Store(folder / "ledger.db") as store:
                initialise(store, demo=True)
                forty_units(store)
                start = time.perf_counter()
                sent = send_forms(store, PERIOD, folder / "sent", AS_OF).files
                sends.append(time.perf_counter() - start)
                assert len(sent) == UNITS, len(sent)
                (folder / "plain").mkdir()
                writes.append(openpyxl_write([cells_of(p) for p in sent], folder / "plain"))
                filled = fill(sent, folder / "filled")
                reads.append(openpyxl_read(filled))
                start = time.perf_counter()
                result, reviews = receive_files(store, [folder / "filled"], AS_OF)
                receives.append(time.perf_counter() - start)
                assert result.written == sum(len(r.answers) for r in reviews) > 0
        print(f"run {run + 1}: send {sends[-1]:.2f} s (openpyxl write {writes[-1]:.2f} s), "
              f"receive {receives[-1]:.2f} s (openpyxl read {reads[-1]:.2f} s)")
    send, receive, write, read = (statistics.median(x) for x in (sends, receives, writes, reads))
    print(f"ms collect_send {send * 1000:.0f}")
    print(f"ms openpyxl_write {write * 1000:.0f}")
    print(f"ms collect_receive {receive * 1000:.0f}")
    print(f"ms openpyxl_read {read * 1000:.0f}")
    print(f"ratio collect_send {send / write:.2f}")
    print(f"ratio collect_receive {receive / read:.2f}")


if __name__ == "__main__":
    main()
