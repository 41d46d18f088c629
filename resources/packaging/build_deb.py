"""Builds the .deb for 统信 UOS and 银河麒麟 Kylin from the frozen folder, in the layout their app
stores ask for: everything under /opt/apps/<appid>/ — `info` (JSON), `entries/applications/` (the
desktop file), `entries/icons/hicolor/<size>/apps/` (the icon) and `files/` (the frozen program).

    python resources/packaging/build_deb.py [--frozen dist/ReformLedger] [--out dist] [--max-glibc 2.28]

PyInstaller copies the build machine's C++ runtime, GLib, X11 and Python libraries into the
frozen folder, so the folder runs only where glibc is at least as new as the build machine's.
The newest glibc symbol version they need becomes `Depends: libc6 (>= …)`, so dpkg refuses an
older system instead of installing a program that cannot start; `--max-glibc` makes the build
fail when that floor is above the desktops aimed at (2.28 for UOS 20 and Kylin V10, which means
building on such a system).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = json.loads((ROOT / "resources" / "packaging" / "app.json").read_text(encoding="utf-8"))
ICONS = ROOT / "resources" / "icons"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
GLIBC_VERSION = re.compile(rb"GLIBC_(2\.\d+(?:\.\d+)?)\x00")
ELF_MAGIC = b"\x7fELF"


def glibc_floor(folder: Path) -> tuple[int, ...]:
    """The newest GLIBC_x.y symbol version any executable or library in `folder` asks for."""
    floor = (2, 17)
    for path in folder.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        with path.open("rb") as file:
            if file.read(4) != ELF_MAGIC:
                continue
            data = ELF_MAGIC + file.read()
        for match in GLIBC_VERSION.finditer(data):
            floor = max(floor, tuple(int(part) for part in match.group(1).decode().split(".")))
    return floor


def desktop_entry(appid: str) -> str:
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        f"Name={APP['name']}",
        f"Name[zh_CN]={APP['name_zh']}",
        f"Comment={APP['summary_en']}",
        f"Comment[zh_CN]={APP['summary']}",
        f"Exec=/opt/apps/{appid}/files/{APP['name']}",
        f"Icon={appid}",
        "Terminal=false",
        "Categories=Office;",
        f"StartupWMClass={APP['name']}",
        "",
    ])


def info_file(appid: str) -> str:
    """The `info` file of the UOS app store: id, name, four-part version, architectures, and the
    permissions asked for (none beyond the clipboard, used for pasting from Excel/WPS)."""
    return json.dumps({
        "appid": appid,
        "name": APP["name_zh"],
        "version": APP["version"],
        "arch": ["amd64"],
        "permissions": {"autostart": False, "notification": False, "trayicon": False, "clipboard": True,
                        "account": False, "bluetooth": False, "camera": False, "audio_record": False,
                        "installed_apps": False},
    }, ensure_ascii=False, indent=2) + "\n"


def control_file(appid: str, installed_kib: int, glibc: tuple[int, ...]) -> str:
    libc = ".".join(map(str, glibc))
    # Besides glibc, PyInstaller leaves out only the OpenGL libraries: they come with the graphics driver.
    depends = [f"libc6 (>= {libc})", "libgl1", "libegl1"]
    return "\n".join([
        f"Package: {appid}",
        f"Version: {APP['version']}",
        "Architecture: amd64",
        f"Maintainer: {APP['maintainer']}",
        f"Installed-Size: {installed_kib}",
        f"Depends: {', '.join(depends)}",
        "Section: office",
        "Priority: optional",
        f"Description: {APP['summary_en']}",
        f" {APP['name_zh']}：{APP['summary']}。",
        "",
    ])


def stage(frozen: Path, staging: Path, glibc: tuple[int, ...]) -> None:
    appid = APP["appid"]
    app_dir = staging / "opt" / "apps" / appid
    shutil.copytree(frozen, app_dir / "files", symlinks=True)
    (app_dir / "info").write_text(info_file(appid), encoding="utf-8")
    applications = app_dir / "entries" / "applications"
    applications.mkdir(parents=True)
    (applications / f"{appid}.desktop").write_text(desktop_entry(appid), encoding="utf-8")
    hicolor = app_dir / "entries" / "icons" / "hicolor"
    for size in ICON_SIZES:
        target = hicolor / f"{size}x{size}" / "apps"
        target.mkdir(parents=True)
        shutil.copyfile(ICONS / f"app-{size}.png", target / f"{appid}.png")
    (hicolor / "scalable" / "apps").mkdir(parents=True)
    shutil.copyfile(ICONS / "app.svg", hicolor / "scalable" / "apps" / f"{appid}.svg")
    # Modes as dpkg expects them whatever the umask: executables and folders 755, the rest 644.
    for path in [app_dir, *app_dir.rglob("*")]:
        if path.is_symlink():
            continue
        executable = path.is_dir() or os.access(path, os.X_OK)
        path.chmod(0o755 if executable else 0o644)
    for folder in (staging / "opt", staging / "opt" / "apps"):
        folder.chmod(0o755)
    installed_kib = sum(path.lstat().st_size for path in app_dir.rglob("*") if not path.is_dir()) // 1024
    (staging / "DEBIAN").mkdir(mode=0o755)
    (staging / "DEBIAN" / "control").write_text(control_file(appid, installed_kib, glibc), encoding="utf-8")


def build_deb(frozen: Path, out_dir: Path, max_glibc: tuple[int, ...] | None = None) -> tuple[Path, tuple[int, ...]]:
    """Writes <appid>_<version>_amd64.deb into `out_dir`; returns its path and the glibc it needs."""
    if not (frozen / APP["name"]).is_file():
        raise SystemExit(f"没有找到打包后的程序 {frozen / APP['name']}：请先运行 pyinstaller build.spec")
    glibc = glibc_floor(frozen)
    if max_glibc is not None and glibc > max_glibc:
        raise SystemExit(f"{frozen} 需要 glibc {'.'.join(map(str, glibc))}，高于 {'.'.join(map(str, max_glibc))}："
                         "请在目标系统（或同样 glibc 版本的系统）上打包")
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"{APP['appid']}_{APP['version']}_amd64.deb"
    with tempfile.TemporaryDirectory(dir=out_dir) as temp:
        staging = Path(temp) / "root"
        staging.mkdir(mode=0o755)
        stage(frozen, staging, glibc)
        # gzip: every dpkg reads it (zstd came after dpkg 1.19 of UOS 20 and Kylin V10), and it packs
        # the 250 MB folder in seconds where xz takes minutes for a fifth less.
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z6", "--build", str(staging), str(deb)],
                       check=True, stdout=subprocess.DEVNULL)
    return deb, glibc


def main() -> None:
    parser = argparse.ArgumentParser(description="从 PyInstaller 打包目录生成统信 UOS / 麒麟 Kylin 的 .deb")
    parser.add_argument("--frozen", type=Path, default=ROOT / "dist" / APP["name"], help="打包目录")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help=".deb 的输出目录")
    parser.add_argument("--max-glibc", metavar="2.28", help="打包目录所需 glibc 不得高于此版本")
    args = parser.parse_args()
    max_glibc = tuple(int(part) for part in args.max_glibc.split(".")) if args.max_glibc else None
    deb, glibc = build_deb(args.frozen, args.out, max_glibc)
    print(f"{deb}  {deb.stat().st_size / 2**20:.0f} MB  需要 glibc ≥ {'.'.join(map(str, glibc))}")


if __name__ == "__main__":
    sys.exit(main())
