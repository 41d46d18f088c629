"""The frozen build (`pyinstaller build.spec` → dist/ReformLedger/) runs on its own: the signed
return round, the other subcommands, and the window under a real X server. Skipped with a
message where PyInstaller or the built folder is absent."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.frozen import FROZEN_DIR, FROZEN_EXE, require_frozen, run, screenshot_of_window, signed_return_round


@pytest.fixture(scope="module")
def signed_ledger(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """A demo store whose period 2023-B22 the frozen program signed, and the signed files."""
    return signed_return_round(require_frozen(), tmp_path_factory.mktemp("frozen 台账"))


def test_frozen_program_signs_and_verifies_a_return(signed_ledger: tuple[Path, list[Path]]) -> None:
    db, files = signed_ledger
    pdf = next(path for path in files if path.suffix == ".pdf")
    assert "Signature is Valid." in subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True).stdout
    history = run(FROZEN_EXE, "returns", "history", "--period", "2023-B22", cwd=db.parent, db=db).stdout
    assert "已签发" in history


def test_frozen_program_runs_the_other_subcommands(tmp_path: Path) -> None:
    exe = require_frozen()
    db = tmp_path / "台账.db"
    run(exe, "init", "--demo", cwd=tmp_path, db=db)
    assert json.loads(run(exe, "summary", "--json", cwd=tmp_path, db=db).stdout)["tasks"] == 38
    lagging = json.loads(run(exe, "tasks", "--status", "lagging", "--json", cwd=tmp_path, db=db).stdout)
    assert len(lagging) == 5
    assert "滞后" in run(exe, "indicators", cwd=tmp_path, db=db).stdout
    quarters = json.loads(run(exe, "periods", "--year", "2023", "--type", "quarterly", "--json", cwd=tmp_path, db=db).stdout)
    assert [period["id"] for period in quarters] == ["2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4"]
    plan = tmp_path / "方案 导出.xlsx"
    run(exe, "export-plan", str(plan), cwd=tmp_path, db=db)
    assert "与库中方案相同" in run(exe, "import-plan", str(plan), "--dry-run", cwd=tmp_path, db=db).stdout
    run(exe, "collect", "send", "--period", "2023-B22", "--out", str(tmp_path / "填报表"), cwd=tmp_path, db=db)
    assert list((tmp_path / "填报表").glob("*_2023-B22.xlsx"))
    problems = tmp_path / "涉企问题.xlsx"
    run(exe, "problems", "export", str(problems), cwd=tmp_path, db=db)
    assert problems.stat().st_size > 0
    refused = run(exe, "value", "--indicator", "NOPE", "--period", "2023-M09", "--value", "1", cwd=tmp_path, db=db,
                  check=False)
    assert refused.returncode == 2 and "NOPE" in refused.stderr and "Traceback" not in refused.stderr


@pytest.mark.parametrize("page", [0, 2, 3], ids=["home", "indicators-chart", "returns-pdf-preview"])
def test_frozen_window_shows_its_workspaces_under_x(signed_ledger: tuple[Path, list[Path]], tmp_path: Path,
                                                    page: int) -> None:
    # On the signed store 报表报送 previews the signed PDF (QtPdf); 指标填报 charts the first indicator.
    shot = tmp_path / f"frozen-window-{page}.png"
    stderr = screenshot_of_window(FROZEN_EXE, signed_ledger[0], shot, page)
    assert "Could not load the Qt platform plugin" not in stderr and "Traceback" not in stderr, stderr
    # A drawn window, not a black screen: every workspace has many colours.
    assert len(Image.open(shot).convert("RGB").getcolors(maxcolors=1 << 20) or []) > 50


def test_frozen_folder_holds_only_the_qt_modules_the_program_uses() -> None:
    require_frozen()
    modules = {path.name.split(".")[0] for path in (FROZEN_DIR / "_internal" / "PySide6").glob("Qt*.*")
               if path.suffix in (".so", ".pyd")}
    assert modules == {"QtCore", "QtGui", "QtWidgets", "QtCharts", "QtPdf", "QtPdfWidgets"}
