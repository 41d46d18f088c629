"""Helpers for the tests of what people install: the frozen folder (`pyinstaller build.spec`) and
the .deb made from it. Runs a program the way a desktop user does — its own executable, under a
real X server (Xvfb) for the window — and takes a screenshot.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
FROZEN_DIR = Path(os.environ.get("LEDGER_FROZEN_DIR", ROOT / "dist" / "ReformLedger"))
FROZEN_EXE = FROZEN_DIR / "ReformLedger"
PASSPHRASE = "frozen-test-passphrase"
WINDOW_TITLE = "改革台账"


def require_frozen() -> Path:
    """The built executable, or a skip saying how to build it."""
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (pip install -r requirements-dev.txt)")
    if not FROZEN_EXE.exists():
        pytest.skip(f"no frozen build at {FROZEN_DIR}: run `pyinstaller build.spec` first")
    return FROZEN_EXE


def run(exe: Path | str, *args: str, cwd: Path, db: Path, check: bool = True) -> subprocess.CompletedProcess:
    """One subcommand of the program as a person types it, with the passphrase in LEDGER_PASS."""
    env = {**os.environ, "LEDGER_PASS": PASSPHRASE}
    result = subprocess.run([str(exe), "--db", str(db), *args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=180)
    if check:
        assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result


def signed_return_round(exe: Path | str, workdir: Path) -> tuple[Path, list[Path]]:
    """The README's round on the demo: init, identity, explain, review, signed export, verify.
    Returns the store and the two signed files."""
    db = workdir / "台账 数据.db"
    out = workdir / "输出 目录"
    run(exe, "init", "--demo", cwd=workdir, db=db)
    run(exe, "identity", "new", "--county", "婺城区", "--office", "婺城区营商办", "--passphrase-env", "LEDGER_PASS",
        cwd=workdir, db=db)
    run(exe, "returns", "explain", "--period", "2023-B22", "--reason", "10月数据11月5日后报送", cwd=workdir, db=db)
    run(exe, "returns", "review", "--period", "2023-B22", "--reviewer", "李晓东", cwd=workdir, db=db)
    exported = run(exe, "export", "--period", "2023-B22", "--out", str(out), "--sign", "--passphrase-env",
                   "LEDGER_PASS", cwd=workdir, db=db)
    files = [Path(line) for line in exported.stdout.splitlines() if line.endswith((".xlsx", ".pdf"))]
    assert sorted(path.name for path in files) == ["婺城区_2023-B22_v1.pdf", "婺城区_2023-B22_v1.xlsx"]
    verified = run(exe, "verify", *map(str, files), cwd=workdir, db=db)
    assert verified.stdout.count("：有效") == 2, verified.stdout
    return db, files


@contextmanager
def xvfb() -> Iterator[str]:
    """A private X server; yields its DISPLAY."""
    if shutil.which("Xvfb") is None or shutil.which("xwininfo") is None:
        pytest.skip("Xvfb or xwininfo is not installed (apt-get install xvfb x11-utils)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                              pass_fds=(write_end,), stderr=subprocess.DEVNULL)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        display = f":{pipe.readline().strip()}"
    try:
        yield display
    finally:
        server.terminate()
        server.wait(timeout=10)


def screenshot_of_window(exe: Path | str, db: Path, shot: Path, page: int = 0) -> str:
    """Starts the window on `db` under Xvfb, showing workspace number `page` of the navigation
    bar (the window reopens the page it was closed on), waits for it to be drawn, saves a
    screenshot of the screen to `shot` and closes the program. Returns what it wrote to stderr."""
    from PIL import ImageGrab  # Pillow comes with ReportLab

    config = shot.parent / f"{shot.stem}-config"
    (config / "ReformLedger").mkdir(parents=True, exist_ok=True)
    (config / "ReformLedger" / "ReformLedger.conf").write_text(f"[main_window]\npage={page}\n", encoding="utf-8")
    with xvfb() as display:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "XDG_CONFIG_HOME": str(config)}
        program = subprocess.Popen([str(exe), "--db", str(db)], env=env, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            while not _window_shown(display):
                assert program.poll() is None, f"the program ended: {program.communicate()[1]}"
                assert time.monotonic() < deadline, "no window titled 改革台账 within 60 s"
                time.sleep(0.5)
            time.sleep(3)  # let the first paint and the home page's figures settle
            ImageGrab.grab(xdisplay=display).save(shot)
        finally:
            program.terminate()
            _, stderr = program.communicate(timeout=30)
    return stderr


def _window_shown(display: str) -> bool:
    tree = subprocess.run(["xwininfo", "-root", "-tree"], env={**os.environ, "DISPLAY": display},
                          capture_output=True, text=True).stdout
    return f'"{WINDOW_TITLE}' in tree
