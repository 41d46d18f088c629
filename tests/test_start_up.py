"""What a fresh process loads before it works: `summary` none of the file, signing or window
libraries, nor Alembic for a store already at the newest schema (an older store is still backed up
and upgraded); the window its frame before SQLAlchemy, the ORM or the store, then only 首页, each
other workspace when first shown."""
from __future__ import annotations

import os
import subprocess
import sys

from models.migrate import upgrade_store
from models.store import make_engine
from tests.conftest import ROOT
from tests.test_window_start import demo_db, start_window
from ui.main_window import MainWindow

# Loaded only by the command or the page that needs them.
SLOW = {"openpyxl", "reportlab", "pyhanko", "cryptography", "fontTools", "alembic", "PySide6"}


def imported_by(*argv: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run ``main.py ARGV`` as the README writes it; the modules it imported, from -X importtime."""
    result = subprocess.run([sys.executable, "-X", "importtime", "main.py", *argv], cwd=ROOT,
                            capture_output=True, text=True)
    names = {line.rpartition("|")[2].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    return result, names


def top_level(names: set[str]) -> set[str]:
    return {name.partition(".")[0] for name in names}


def test_summary_loads_no_file_signing_or_window_library(tmp_path):
    result, names = imported_by("--db", str(demo_db(tmp_path)), "summary")
    assert result.returncode == 0, result.stderr
    assert "任务：38" in result.stdout
    assert top_level(names) & SLOW == set()
    assert "models.problems.loop" not in names  # the problems' workflow: only their commands load it


def test_an_older_store_is_still_backed_up_and_upgraded_by_a_command(tmp_path):
    db = tmp_path / "old.db"
    engine = make_engine(db)
    upgrade_store(engine, db, target="0001")
    engine.dispose()
    result, names = imported_by("--db", str(db), "summary")
    assert result.returncode == 0, result.stderr
    assert "alembic" in top_level(names)
    backups = list(tmp_path.glob("old.backup-*-rev0001.db"))
    assert len(backups) == 1
    result, names = imported_by("--db", str(db), "summary")  # now at the newest schema
    assert result.returncode == 0 and "alembic" not in top_level(names)


def _env(tmp_path) -> dict[str, str]:
    # Offscreen, with its own settings folder: the window opens on 首页, not on the last page shown.
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"),
                HOME=str(tmp_path))


WINDOW = """
import sys
sys.path.insert(0, {root!r})
from models.store import Store
from ui.app import create_application
from ui.main_window import MainWindow
app = create_application()
with Store({db!r}) as store:
    window = MainWindow(store)
    window.show()
    app.processEvents()
    print(window.stack.currentWidget().objectName())
    print(" ".join(sorted(sys.modules)))
"""


def test_the_window_starts_on_the_home_page_alone(tmp_path):
    code = WINDOW.format(root=str(ROOT), db=str(demo_db(tmp_path)))
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    shown, modules = result.stdout.splitlines()[-2:]
    modules = set(modules.split())
    assert shown == "page_home"
    pages = {spec.partition(":")[0] for *_, spec in MainWindow.PAGES}
    assert pages & modules == {"ui.home_page"}
    assert top_level(modules) & (SLOW - {"PySide6"}) == set()
    assert not {"PySide6.QtCharts", "PySide6.QtPdf", "PySide6.QtPdfWidgets"} & modules


def test_the_window_paints_its_frame_before_sqlalchemy_loads(tmp_path):
    code, events = start_window(tmp_path, "--db", str(demo_db(tmp_path)))
    assert code == 0
    at_frame, at_ready = set(events["frame"]["modules"]), set(events["ready"]["modules"])
    assert events["frame"]["text"] == "正在打开台账…"
    assert not {"sqlalchemy", "models.base", "models.store", "models.plan_loader", "ui.context"} & at_frame
    assert not {name for name in at_frame if name.startswith(("sqlalchemy.", "models.migrations"))}
    assert "sqlalchemy" in at_ready and "models.store" in at_ready
    pages = {spec.partition(":")[0] for *_, spec in MainWindow.PAGES}
    assert pages & at_ready == {"ui.home_page"}
    assert top_level(at_ready) & (SLOW - {"PySide6"}) == set()


def test_collection_is_back_on_once_start_up_is_done():
    import gc

    from models.collector import start_up_done

    frozen = gc.get_freeze_count()
    start_up_done()  # collection already on (main() called in-process): nothing is frozen
    assert gc.isenabled() and gc.get_freeze_count() == frozen
    gc.disable()  # as main.py does when run as a program
    try:
        start_up_done()
        assert gc.isenabled() and gc.get_freeze_count() > frozen
    finally:
        gc.enable()
        gc.unfreeze()
