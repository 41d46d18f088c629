"""Nothing the program writes is a formula: text that looks like one stays text in every workbook,
through export → import and through a LibreOffice re-save."""
from __future__ import annotations

import shutil
import subprocess
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from exchange.common.xlsx_cells import append, cell_value, put
from exchange.plans.plan_export import export_plan
from exchange.plans.plan_import import import_plan_workbook
from models.plan_loader import current_plan
from models.plan_update import plan_to_data

FORMULAS = ['=HYPERLINK("http://example.com","点此")', "=A1", "+1", "-x", "@SUM(A1)", "=1+1"]


@pytest.mark.parametrize("write_only", [False, True])
def test_formula_like_text_is_written_as_text(tmp_path, write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("表") if write_only else book.active
    append(sheet, FORMULAS + [3, float("nan"), "控制\x01字符"])
    if not write_only:
        put(sheet, 2, 1, "=SUM(A1:B1)")
    path = tmp_path / "cells.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        sheet_xml = next(archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
    assert b"<f>" not in sheet_xml
    read = load_workbook(path).worksheets[-1]
    assert [c.value for c in read[1]] == FORMULAS + [3, "nan", "控制字符"]
    assert all(c.data_type == "s" and c.quotePrefix for c in read[1][:len(FORMULAS)])


def test_export_plan_round_trip_with_formula_like_titles(tmp_path, plan_store):
    with plan_store.session() as session:
        data = plan_to_data(current_plan(session))
    for task, title in zip(data["tasks"], FORMULAS):
        task["title"] = title
        task["text"] = title
    path = export_plan(data, tmp_path / "plan.xlsx")
    read, diff = import_plan_workbook(plan_store, path, dry_run=True)
    assert [t["title"] for t in read["tasks"][:len(FORMULAS)]] == FORMULAS
    assert [t["text"] for t in read["tasks"][:len(FORMULAS)]] == FORMULAS


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_formula_like_text_survives_a_libreoffice_resave(tmp_path):
    book = Workbook()
    append(book.active, FORMULAS)
    path = tmp_path / "in.xlsx"
    book.save(path)
    out = tmp_path / "out"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=120)
    read = load_workbook(out / "in.xlsx").active
    assert [c.value for c in read[1]] == FORMULAS
    assert all(c.data_type == "s" for c in read[1])


def test_numbers_are_written_at_the_15_digits_spreadsheets_keep():
    assert cell_value(0.1 + 0.2) == 0.3 and cell_value(1 / 3) == 0.333333333333333
    assert cell_value(93.02548503070142) == 93.0254850307014 and cell_value(2.5) == 2.5
    assert cell_value(12345678901234567) == 12345678901234567 and cell_value(True) is True
    assert cell_value(float("nan")) == "nan"
