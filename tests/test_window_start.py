"""``python main.py`` as a person starts it: the window's frame at once with 正在打开台账…, then 首页
with the store's data; a store that cannot be opened said in a box over the frame (exit code 2,
nothing written); a missing file created only when the person says yes; the first start's office
dialog over the frame; the window closed while the store opens leaves it whole and closed.

The program runs as a fresh process through tests/window_probe.py, which answers its boxes and
dialogs and says what the window shows at its first frame and once 首页 is painted."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys

from models.migrate import HEAD, upgrade_store
from models.plan_loader import initialise
from models.store import Store, make_engine
from tests.conftest import ROOT
from ui.app import WindowStart, create_application
from ui.main_window import MainWindow

PROBE = str(ROOT / "tests" / "window_probe.py")


def start_window(tmp_path, *main_args: str, answer: str = "yes") -> tuple[int, dict[str, dict]]:
    """Run ``main.py MAIN_ARGS`` through the probe: its exit code and its events by name."""
    env = {"QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path / "state"),
           "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, PROBE, "--answer", answer, "--", *main_args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    events = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len({e["event"] for e in events}) == len(events), events  # each said once
    return result.returncode, {e["event"]: e for e in events}


def demo_db(tmp_path):
    db = tmp_path / "demo.db"
    with Store(db) as store:
        initialise(store, demo=True)
    return db


def test_the_frame_shows_at_once_then_home_fills_from_the_store(tmp_path):
    code, events = start_window(tmp_path, "--db", str(demo_db(tmp_path)))
    assert code == 0
    frame, ready = events["frame"], events["ready"]
    assert (frame["title"], frame["page"], frame["text"]) == ("改革台账", "opening", "正在打开台账…")
    assert frame["menus"]["编辑(&E)"] is False  # undo and redo belong to the store
    assert frame["actions"]["导入方案工作簿…"] is False and frame["actions"]["新年度结转…"] is False
    assert frame["actions"]["退出(&X)"] is True and frame["actions"]["任务清单"] is True
    assert ready["title"] == "改革台账 — 2023 年度（示例）" and ready["page"] == "page_home"
    assert "金华市营商环境优化提升“一号改革工程”实施方案" in ready["texts"]
    assert "5 项" in ready["texts"]  # the demo's lagging tasks, read from the store
    assert ready["menus"]["编辑(&E)"] is True and ready["actions"]["导入方案工作簿…"] is True
    assert "box" not in events and "dialog" not in events


def test_the_working_date_given_is_the_one_shown(tmp_path):
    code, events = start_window(tmp_path, "--db", str(demo_db(tmp_path)), "--as-of", "2023-03-01")
    assert code == 0
    assert any("台账日期 2023-03-01" in text for text in events["ready"]["texts"])


def test_a_store_in_use_is_said_over_the_frame_and_nothing_is_written(tmp_path):
    db = demo_db(tmp_path)
    with Store(db):  # another 改革台账 has it open
        before = hashlib.sha256(db.read_bytes()).hexdigest()
        code, events = start_window(tmp_path, "--db", str(db))
        assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert code == 2
    box = events["box"]
    assert (box["kind"], box["title"], box["parent"]) == ("critical", "无法打开台账", "MainWindow")
    assert box["text"] == f"数据文件 {db.resolve()} 正被另一个改革台账程序使用。请先关闭那个窗口或命令，再重新打开。"
    assert "frame" in events and "ready" not in events
    assert not list(tmp_path.glob("demo.backup-*"))


def test_a_file_that_is_not_a_ledger_is_refused_untouched(tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_bytes(b"meeting notes, not a ledger\n" * 100)
    code, events = start_window(tmp_path, "--db", str(notes))
    assert code == 2
    assert events["box"]["text"] == f"{notes.resolve()} 不是有效的台账数据文件（不是 SQLite 数据库），未作任何改动。"
    assert notes.read_bytes() == b"meeting notes, not a ledger\n" * 100
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["notes.db"]


def test_a_missing_store_is_made_only_when_the_person_says_yes(tmp_path):
    folder = tmp_path / "ledgers"
    folder.mkdir()
    db = folder / "new.db"
    code, events = start_window(tmp_path, "--db", str(db), answer="no")
    assert code == 0
    assert events["box"]["kind"] == "question" and events["box"]["text"] == f"数据文件 {db} 不存在或为空。\n新建一个台账吗？"
    assert "frame" not in events  # asked before anything, the window included
    assert list(folder.iterdir()) == []

    code, events = start_window(tmp_path, "--db", str(db), answer="yes")
    assert code == 0
    # The first start: the office dialog over the frame; put away, the built-in sample is loaded.
    assert events["dialog"]["kind"] == "OfficeDialog" and events["dialog"]["parent"] == "MainWindow"
    assert events["ready"]["title"] == "改革台账 — 2023 年度（示例）"
    assert sorted(p.name for p in folder.iterdir()) == ["new.db"]


def test_the_ledger_opens_in_the_page_clicked_while_it_was_opening(qtbot, tmp_path):
    db = demo_db(tmp_path)
    create_application()
    window = MainWindow()
    qtbot.addWidget(window)
    start = WindowStart(window, db)
    window.show()
    window.nav.setCurrentRow(1)  # 任务清单, clicked on the frame
    assert window.pages == {} and window.ctx is None
    qtbot.waitUntil(lambda: "tasks" in window.pages, timeout=30000)
    assert window.stack.currentWidget() is window.pages["tasks"] and list(window.pages) == ["tasks"]
    assert window.windowTitle() == "改革台账 — 2023 年度（示例）"
    assert window.stack.count() == len(MainWindow.PAGES)  # 正在打开台账… is gone from the page area
    start.finish()
    with Store(db):  # closed: a second program may open it
        pass


def test_closed_while_opening_the_store_is_upgraded_whole_and_closed(qtbot, tmp_path):
    db = tmp_path / "old.db"
    engine = make_engine(db)
    upgrade_store(engine, db, target="0001")
    engine.dispose()
    create_application()
    window = MainWindow()
    qtbot.addWidget(window)
    start = WindowStart(window, db)
    window.show()
    start._start()  # as after the first frame
    window.close()
    start.finish()  # what run_gui does once the event loop has ended
    assert window.ctx is None  # the ledger never reached the closed window
    assert len(list(tmp_path.glob("old.backup-*-rev0001.db"))) == 1
    with Store(db, create=False) as store:  # whole, at the newest schema, and no longer locked
        with store.session() as session:
            assert session.connection().exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD
