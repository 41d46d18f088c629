"""Shared fixtures: every test gets its own real SQLite store in a temporary folder."""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

from models.plan_loader import initialise  # noqa: E402
from models.store import Store  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_user_folders(tmp_path_factory, monkeypatch):
    """Keep logs, QSettings and the default store out of the real home folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.delenv("LEDGER_DB", raising=False)
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(home / "qsettings"))


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "ledger.db"


@pytest.fixture
def store(db_path):
    """An open, empty store (schema at head, no plan)."""
    with Store(db_path) as opened:
        yield opened
        if "ui.workers" in sys.modules:  # a page's read still under way finishes before the store closes
            sys.modules["ui.workers"].wait_for_reads()


@pytest.fixture
def plan_store(store):
    """An open store with the built-in plan loaded."""
    initialise(store)
    return store


@pytest.fixture
def demo_store(store):
    """An open store with the built-in plan and the demo entries."""
    initialise(store, demo=True)
    return store


@pytest.fixture
def window(qtbot, demo_store):
    """The main window on the demo store, shown."""
    from tests.showing import shown
    from ui.app import create_application
    from ui.main_window import MainWindow

    create_application()
    return shown(qtbot, MainWindow(demo_store))
