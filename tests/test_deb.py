"""The .deb for UOS and Kylin, built from the frozen folder by resources/packaging/build_deb.py:
its layout (/opt/apps/<appid>/ with info, entries and files), and — where the tests run as root
with dpkg — installed, used (signed round, window under Xvfb) and removed without leftovers.
Skipped with a message where the frozen folder or dpkg-deb is absent."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from resources.packaging.build_deb import APP, build_deb, glibc_floor
from tests.frozen import FROZEN_DIR, require_frozen, screenshot_of_window, signed_return_round

APPID = APP["appid"]
APP_DIR = Path("/opt/apps") / APPID


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_frozen()
    if shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb is not installed")
    return build_deb(FROZEN_DIR, tmp_path_factory.mktemp("deb"))[0]


def dpkg_deb(*args: str) -> str:
    return subprocess.run(["dpkg-deb", *args], check=True, capture_output=True, text=True).stdout


def test_deb_has_the_app_store_layout(deb: Path) -> None:
    assert deb.name == f"{APPID}_{APP['version']}_amd64.deb"
    assert dpkg_deb("--field", str(deb), "Package", "Architecture").split() == [
        "Package:", APPID, "Architecture:", "amd64"]
    version = dpkg_deb("--field", str(deb), "Version").strip()
    assert len(version.split(".")) == 4 and all(part.isdigit() for part in version.split("."))
    floor = ".".join(map(str, glibc_floor(FROZEN_DIR)))
    assert f"libc6 (>= {floor})" in dpkg_deb("--field", str(deb), "Depends")
    # Lines as `tar tv` prints them: mode, owner, size, date, time, path[ -> target].
    paths = [line.split()[5].removeprefix(".") for line in dpkg_deb("--contents", str(deb)).splitlines()]
    prefix = f"/opt/apps/{APPID}/"
    assert all(path.rstrip("/") in ("", "/opt", "/opt/apps") or path.startswith(prefix) for path in paths)
    for inside in ["info", f"entries/applications/{APPID}.desktop", f"entries/icons/hicolor/48x48/apps/{APPID}.png",
                   f"entries/icons/hicolor/scalable/apps/{APPID}.svg", f"files/{APP['name']}"]:
        assert prefix + inside in paths, inside


def test_deb_info_and_desktop_file(deb: Path, tmp_path: Path) -> None:
    subprocess.run(["dpkg-deb", "--extract", str(deb), str(tmp_path)], check=True)
    info = json.loads((tmp_path / APP_DIR.relative_to("/") / "info").read_text(encoding="utf-8"))
    assert info["appid"] == APPID and info["version"] == APP["version"] and info["arch"] == ["amd64"]
    desktop = tmp_path / APP_DIR.relative_to("/") / "entries" / "applications" / f"{APPID}.desktop"
    text = desktop.read_text(encoding="utf-8")
    assert f"Exec={APP_DIR}/files/{APP['name']}\n" in text and f"Icon={APPID}\n" in text
    assert "Name[zh_CN]=改革台账\n" in text
    if shutil.which("desktop-file-validate"):
        assert subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True).stdout == ""


def test_deb_for_older_desktops_refuses_a_folder_that_needs_newer_glibc(tmp_path: Path) -> None:
    require_frozen()
    floor = glibc_floor(FROZEN_DIR)
    if floor <= (2, 28):
        pytest.skip("this frozen folder runs on glibc 2.28 already")
    with pytest.raises(SystemExit, match="需要 glibc .*高于 2.28"):
        build_deb(FROZEN_DIR, tmp_path, max_glibc=(2, 28))
    assert not list(tmp_path.glob("*.deb"))


def test_deb_installs_runs_and_removes_without_leftovers(deb: Path, tmp_path: Path) -> None:
    if os.geteuid() != 0 or shutil.which("dpkg") is None:
        pytest.skip("installing a .deb needs root and dpkg")
    assert not APP_DIR.exists(), f"{APP_DIR} exists already: remove the installed package first (dpkg -r {APPID})"
    subprocess.run(["dpkg", "-i", str(deb)], check=True, capture_output=True)
    try:
        exe = APP_DIR / "files" / APP["name"]
        desktop = (APP_DIR / "entries" / "applications" / f"{APPID}.desktop").read_text(encoding="utf-8")
        assert f"Exec={exe}\n" in desktop
        db, _files = signed_return_round(exe, tmp_path)
        shot = tmp_path / "installed-window.png"
        stderr = screenshot_of_window(exe, db, shot)
        assert "Traceback" not in stderr and shot.stat().st_size > 10_000
        # Nothing the program did wrote inside its install folder.
        owned = set(subprocess.run(["dpkg", "-L", APPID], check=True, capture_output=True, text=True).stdout.split("\n"))
        assert {str(path) for path in APP_DIR.rglob("*")} <= owned
    finally:
        subprocess.run(["dpkg", "-r", APPID], check=True, capture_output=True)
    assert not APP_DIR.exists()
    # No configuration files kept either: dpkg no longer knows the package at all.
    assert subprocess.run(["dpkg-query", "-W", APPID], capture_output=True).returncode != 0
