"""Start-up time of the main window, offscreen, beside a bare PySide6 window measured the same way.

    python tests/bench_startup.py [--runs 7]

Each run is a fresh process timed from its start to the first shown frame (the window is shown,
the event loop quits at once, the process says the time): what a person waits for, not the
interpreter's tear-down after it; the figure is the median. The runs alternate (bare, floor,
ledger, bare, …) so a change in the machine's load weighs on all alike. The floor is the bare
window after importing SQLAlchemy and the ORM declarations (``import models``), which any start
must pay: it says how much of the ratio is left to the window's own work.

The process's CPU time to that frame is given beside the wall time: on a loaded machine it moves
far less, so it says better whether a change made the start cheaper.

Python writes the project's bytecode as an installed program has it (PYTHONDONTWRITEBYTECODE,
if set, is dropped for these runs; the warm-up runs write the caches).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.resize(1280, 760)
window.show()
QTimer.singleShot(0, app.quit)
app.exec()
import time
print(time.time(), time.process_time())
"""

FLOOR = """
import sys
sys.path.insert(0, {root!r})
import models
""" + BARE

# As main.py starts the window: collection off while the libraries load, back on in run_gui.
LEDGER = """
import gc
gc.disable()
import sys
sys.path.insert(0, {root!r})
from PySide6.QtCore import QTimer
from models.plan_loader import ensure_plan
from models.start_up import start_up_done
from models.store import Store
from ui.app import create_application
start_up_done()
app = create_application()
store = Store({db!r}).open()
ensure_plan(store)
from ui.main_window import MainWindow
window = MainWindow(store)
window.show()
QTimer.singleShot(0, app.quit)
app.exec()
import time
print(time.time(), time.process_time())
store.close()
"""


def timed(code: str, config: str) -> tuple[float, float]:
    """(wall, CPU) seconds from the start of a fresh process running ``code`` to its first frame."""
    # A private QSettings folder: every run opens 首页, not the page the user last looked at.
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=config)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.time()  # the clock the process reads too
    shown = subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT, capture_output=True,
                           text=True).stdout.split()
    return float(shown[-2]) - start, float(shown[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "bench.db")
        subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", db, "init", "--demo"], check=True,
                       capture_output=True)
        codes = {"bare": BARE, "floor": FLOOR.format(root=str(ROOT)), "ledger": LEDGER.format(root=str(ROOT), db=db)}
        for code in codes.values():
            timed(code, folder)  # warm the file cache and write the bytecode
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in codes}
        for _ in range(args.runs):
            for name, code in codes.items():
                times[name].append(timed(code, folder))
    (b, f, l), (bc, fc, lc) = ([statistics.median(run[i] for run in times[name]) for name in codes] for i in (0, 1))
    print(f"bare PySide6 window: median {b * 1000:.0f} ms over {args.runs} runs (CPU {bc * 1000:.0f} ms)")
    print(f"floor (bare window after import models): median {f * 1000:.0f} ms, {f / b:.2f}× "
          f"(CPU {fc * 1000:.0f} ms, {fc / bc:.2f}×)")
    print(f"改革台账 main window (demo store): median {l * 1000:.0f} ms over {args.runs} runs "
          f"(CPU {lc * 1000:.0f} ms, {lc / bc:.2f}×)")
    print(f"ratio startup_cpu {lc / bc:.2f}")
    print(f"ratio startup_floor {f / b:.2f}")
    print(f"ratio startup {l / b:.2f}")


if __name__ == "__main__":
    main()
