"""Render the main window (or one workspace) to PNG, to look at what a user sees.

    python tests/snapshot.py --db demo.db --page tasks --out /tmp/tasks.png [--size 1366x768]

Runs on the offscreen platform unless DISPLAY is set (under Xvfb it shows a real window).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--page", default="home")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--size", default="1366x768")
    args = parser.parse_args()

    from PySide6.QtCore import QTimer
    from models.store import Store
    from ui.app import create_application
    from ui.main_window import MainWindow

    app = create_application()
    with Store(args.db) as store:
        window = MainWindow(store)
        width, height = (int(v) for v in args.size.split("x"))
        window.resize(width, height)
        window.show()
        window.show_page(args.page)

        def shoot() -> None:
            window.grab().save(str(args.out))
            app.quit()

        QTimer.singleShot(500, shoot)
        app.exec()
    print(args.out)


if __name__ == "__main__":
    main()
