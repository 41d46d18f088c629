"""Start-up time of the main window, offscreen, beside a bare PySide6 window measured the same way.

    python tests/bench_startup.py [--runs 7]

Each run is a fresh process timed from start to the first shown frame (the window is shown,
then the event loop quits at once); the figure is the median.
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
"""

LEDGER = """
import sys
sys.path.insert(0, {root!r})
from PySide6.QtCore import QTimer
from models.plan_loader import ensure_plan
from models.store import Store
from ui.app import create_application
app = create_application()
store = Store({db!r}).open()
ensure_plan(store)
from ui.main_window import MainWindow
window = MainWindow(store)
window.show()
QTimer.singleShot(0, app.quit)
app.exec()
store.close()
"""


def timed(code: str, config: str) -> float:
    # A private QSettings folder: every run opens 首页, not the page the user last looked at.
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=config)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "bench.db")
        subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", db, "init", "--demo"], check=True,
                       capture_output=True)
        timed(BARE, folder)  # warm the file cache for both
        bare = [timed(BARE, folder) for _ in range(args.runs)]
        ledger = [timed(LEDGER.format(root=str(ROOT), db=db), folder) for _ in range(args.runs)]
    b, l = statistics.median(bare), statistics.median(ledger)
    print(f"bare PySide6 window: median {b * 1000:.0f} ms over {args.runs} runs")
    print(f"改革台账 main window (demo store): median {l * 1000:.0f} ms over {args.runs} runs")
    print(f"ratio startup {l / b:.2f}")


if __name__ == "__main__":
    main()
