"""The signature stamp's font kept beside the key: built on the first signature and used again,
built anew when the shipped font changes or the stamp needs a character it does not hold; a
return signed with it shows its stamp text and verifies (pdfsig, ``main.py verify``)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

import exchange.signing.stamp_font as stamp_font_module
from exchange.common.pdf_fonts import fallback_font_path
from exchange.signing.identity import create_identity, identity_folder
from exchange.signing.stamp_font import stamp_font
from models.plan_loader import initialise
from models.returns import withdraw
from models.store import Store
from tests.conftest import ROOT
from tests.test_returns import PASSPHRASE, PERIOD, explain_all, review_and_sign


@pytest.fixture
def county(tmp_path):
    with Store(tmp_path / "ledger.db") as store:
        initialise(store, demo=True)
        create_identity(identity_folder(store), "婺城区", "婺城区营商办", PASSPHRASE)
        explain_all(store)
        yield store


def kept_fonts(folder: Path) -> list[Path]:
    return sorted(folder.glob("stamp-font-*.ttf"))


def last_page_text(pdf: Path) -> str:
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    last = next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:"))
    return subprocess.run(["pdftotext", "-f", last, "-l", last, str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_a_return_signed_twice_uses_one_kept_stamp_font_and_verifies(county, tmp_path):
    folder, out = identity_folder(county), tmp_path / "out"
    review_and_sign(county, out)
    (kept,) = kept_fonts(folder)
    built = kept.stat().st_mtime_ns
    assert kept.stat().st_size < fallback_font_path().stat().st_size / 20  # the stamp's glyphs, not 30,000
    with county.transaction() as session:
        withdraw(session, PERIOD, "更正数据")
    second = review_and_sign(county, out)
    assert kept_fonts(folder) == [kept] and kept.stat().st_mtime_ns == built  # used again, not rebuilt
    text = last_page_text(second.pdf)  # the stamp's text, read back through the embedded font
    assert "数字签名：婺城区营商办" in text and "签发 2023年第22期 第 2 版" in text
    pdfsig = subprocess.run(["pdfsig", str(second.pdf)], capture_output=True, text=True)
    assert "Signature is Valid." in pdfsig.stdout and "Total document signed" in pdfsig.stdout
    verify = subprocess.run([sys.executable, str(ROOT / "main.py"), "verify", str(second.xlsx), str(second.pdf)],
                            capture_output=True, text=True, cwd=ROOT)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert verify.stdout.count("：有效") == 2


def test_the_kept_font_is_built_again_when_the_shipped_font_changes(tmp_path, monkeypatch):
    shipped, folder = tmp_path / "font.ttf", tmp_path / "identity"
    folder.mkdir()
    shutil.copy(fallback_font_path(), shipped)
    monkeypatch.setattr(stamp_font_module, "fallback_font_path", lambda: shipped)
    text = "数字签名：婺城区营商办\n时间：2026-12-01 16:32"
    first = stamp_font(folder, text)
    assert stamp_font(folder, text) == first
    font = TTFont(shipped)
    font["name"].setName("ChangedStampFont", 6, 3, 1, 0x409)  # another version of the font
    font.save(shipped)
    second = stamp_font(folder, text)
    assert second != first and kept_fonts(folder) == [second]
    rebuilt = TTFont(second)
    assert rebuilt["name"].getDebugName(6) == "ChangedStampFont"
    assert set(text) - {"\n"} <= {chr(code) for code in rebuilt.getBestCmap()}


def test_a_character_the_kept_font_lacks_builds_one_holding_it(tmp_path):
    folder = tmp_path / "identity"
    folder.mkdir()
    first = stamp_font(folder, "签发 2023年第22期 第 1 版")
    second = stamp_font(folder, "签发 2023年第三季度 第 1 版")
    assert second != first and kept_fonts(folder) == [second]
    assert set("三季度") <= {chr(code) for code in TTFont(second).getBestCmap()}


def test_without_a_folder_the_stamp_uses_the_shipped_font():
    assert stamp_font(None, "数字签名") == fallback_font_path()
