"""Start-up of the window, offscreen, beside a bare PySide6 window timed the same way.

    python tests/bench_startup.py [--runs 7]

Each run is a fresh process started as a person starts the program, ``python main.py --db
demo.db`` (through tests/window_probe.py, which watches its paints and quits it): timed from the
start of the process to the first painted frame of the main window (``startup``) and to the first
painted 首页 with the demo store's data on it (``startup_ready``); the figure is the median. The
references are a bare QMainWindow timed to its first painted frame (``bare``), and the same after
loading SQLAlchemy and every table's declaration (``floor``: what any start with the store must
pay before its data can be shown). The runs alternate (bare, floor, ledger, bare, …) so a change
in the machine's load weighs on all alike.

The process's CPU time is given beside the wall time: on a loaded machine it moves far less, so it
says better whether a change made the start cheaper.

Python writes the project's bytecode as an installed program has it (PYTHONDONTWRITEBYTECODE,
if set, is dropped for these runs; the warm-up runs write the caches).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = str(ROOT / "tests" / "window_probe.py")


def timed(argv: list[str], config: str) -> dict[str, tuple[float, float]]:
    """{event: (wall, CPU) seconds} from the start of a fresh window_probe process to each event."""
    # A private QSettings folder: every run opens 首页, not the page the user last looked at.
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=config)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.time()  # the clock the process reads too
    out = subprocess.run([sys.executable, PROBE, *argv], check=True, env=env, cwd=ROOT, capture_output=True,
                         text=True).stdout
    events = [json.loads(line) for line in out.splitlines()]
    return {e["event"]: (e["time"] - start, e["cpu"]) for e in events if e["event"] in ("frame", "ready")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "bench.db")
        subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", db, "init", "--demo"], check=True,
                       capture_output=True)
        runs = {"bare": ["--bare"], "floor": ["--floor"], "ledger": ["--", "--db", db]}
        for argv in runs.values():
            timed(argv, folder)  # warm the file cache and write the bytecode
        times: dict[str, list[dict[str, tuple[float, float]]]] = {name: [] for name in runs}
        for _ in range(args.runs):
            for name, argv in runs.items():
                times[name].append(timed(argv, folder))

    def median(name: str, event: str, i: int) -> float:
        return statistics.median(run[event][i] for run in times[name])

    b, bc = median("bare", "frame", 0), median("bare", "frame", 1)
    f, fc = median("floor", "frame", 0), median("floor", "frame", 1)
    s, sc = median("ledger", "frame", 0), median("ledger", "frame", 1)
    r, rc = median("ledger", "ready", 0), median("ledger", "ready", 1)
    print(f"bare PySide6 window, first frame: median {b * 1000:.0f} ms over {args.runs} runs (CPU {bc * 1000:.0f} ms)")
    print(f"floor (bare window after import models.tables): {f * 1000:.0f} ms, {f / b:.2f}× "
          f"(CPU {fc * 1000:.0f} ms, {fc / bc:.2f}×)")
    print(f"改革台账 main window (demo store), first frame: {s * 1000:.0f} ms, {s / b:.2f}× "
          f"(CPU {sc * 1000:.0f} ms, {sc / bc:.2f}×)")
    print(f"改革台账 首页 filled from the store: {r * 1000:.0f} ms, {r / b:.2f}× "
          f"(CPU {rc * 1000:.0f} ms, {rc / bc:.2f}×)")
    print(f"ms startup {s * 1000:.0f}")
    print(f"ms startup_ready {r * 1000:.0f}")
    print(f"ratio startup_floor {f / b:.2f}")
    print(f"ratio startup_cpu {sc / bc:.2f}")
    print(f"ratio startup_ready_cpu {rc / bc:.2f}")
    print(f"ratio startup {s / b:.2f}")
    print(f"ratio startup_ready {r / b:.2f}")


if __name__ == "__main__":
    main()
