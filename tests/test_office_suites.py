"""Workbooks and office suites (WPS, Excel): what the program writes opens without a repair prompt
(no formula without its cached value, sheet names Excel accepts, data validation of the kinds
WPS keeps), and what WPS saves with a wrong stored dimension (`<dimension ref="A1"/>`) is read
whole by every reader: plan import, values import, the return and its signature check."""
from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from exchange.collection.form_reader import read_form
from exchange.collection.form_writer import send_forms
from exchange.consolidation.consolidate import consolidate, write_outputs
from exchange.plans.plan_export import export_store_plan
from exchange.plans.plan_import import import_plan_workbook
from exchange.problems.problem_export import export_problems
from exchange.returns.xlsx_return import read_return
from exchange.signing.identity import create_identity, export_certificate, identity_folder
from exchange.signing.trust_list import register_certificate
from exchange.signing.verify import verify_file
from exchange.values.values_import import import_values
from models.plan_loader import initialise
from models.store import Store
from tests.test_returns import PASSPHRASE, PERIOD, explain_all, review_and_sign
from tests.test_values_import import GOOD, values, workbook

SHEET_XML = re.compile(r"xl/worksheets/sheet\d+\.xml")
# Data validation WPS keeps: the plain kinds with the list written inline (or as a range), never
# a custom formula; Excel refuses an inline list longer than 255 characters with a repair prompt.
WPS_VALIDATION_KINDS = {"list", "whole", "decimal", "date", "textLength"}


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> SimpleNamespace:
    """Every kind of workbook the program writes: a signed return, the plan, the units' fill-in
    forms, the enterprise problems, the city's signed consolidation of that return."""
    root = tmp_path_factory.mktemp("written")
    with Store(root / "county.db") as county:
        initialise(county, demo=True)
        create_identity(identity_folder(county), "婺城区", "婺城区营商办", PASSPHRASE)
        forms = send_forms(county, PERIOD, root / "forms", date(2023, 10, 27)).files  # before signing locks it
        explain_all(county)
        signed = review_and_sign(county, root / "out")
        plan = export_store_plan(county, root / "plan.xlsx")
        problems = export_problems(county, root / "problems.xlsx", 2023)
        cert = export_certificate(identity_folder(county), root / "婺城区.cer")
    with Store(root / "city.db") as city:
        initialise(city)
        create_identity(identity_folder(city), "金华市", "金华市营商办", PASSPHRASE)
        register_certificate(city, cert, "婺城区")
        from exchange.signing.identity import unlock

        result = consolidate(city, PERIOD, [signed.xlsx])
        consolidated, _pdf = write_outputs(result, root / "city", date(2023, 11, 8),
                                           unlock(identity_folder(city), PASSPHRASE))
    return SimpleNamespace(root=root, return_xlsx=signed.xlsx, plan=plan, forms=forms, problems=problems,
                           consolidated=consolidated)


def repair_prompt_causes(path: Path) -> list[str]:
    """What would make Excel or WPS offer to repair the workbook, or show empty cells."""
    problems = []
    with zipfile.ZipFile(path) as archive:
        book = archive.read("xl/workbook.xml").decode("utf-8")
        for name in re.findall(r'<sheet [^>]*name="([^"]*)"', book):
            if len(name) > 31 or re.search(r"[\[\]:*?/\\]", name):
                problems.append(f"sheet name {name!r}")
        for member in filter(SHEET_XML.fullmatch, archive.namelist()):
            xml = archive.read(member).decode("utf-8")
            for cell in re.findall(r"<c [^>]*>(?:(?!</c>).)*<f[ >](?:(?!</c>).)*</c>", xml):
                if not re.search(r"<v>[^<]+</v>", cell):
                    problems.append(f"{member}: formula without a cached value: {cell[:80]}")
            for validation in re.findall(r"<dataValidation .*?</dataValidation>", xml, re.S):
                kind = re.search(r'type="(\w+)"', validation)
                if kind is None or kind.group(1) not in WPS_VALIDATION_KINDS:
                    problems.append(f"{member}: data validation WPS drops: {validation[:80]}")
                inline = re.search(r'<formula1>"(.*)"</formula1>', validation)
                if inline and len(inline.group(1)) > 255:
                    problems.append(f"{member}: inline list longer than 255 characters")
    return problems


def with_wps_dimension(path: Path, out: Path) -> Path:
    """A copy of the workbook whose sheets all claim to span A1 only, as WPS sometimes saves them."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if SHEET_XML.fullmatch(member.filename):
                data, count = re.subn(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1"/>', data)
                assert count == 1, member.filename
            target.writestr(member, data)
    return out


def test_workbooks_the_program_writes_open_without_repair(written):
    assert written.forms
    for path in (written.return_xlsx, written.plan, *written.forms, written.problems, written.consolidated):
        assert repair_prompt_causes(path) == [], path.name


def test_the_check_sees_what_makes_office_suites_repair(tmp_path):
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    with pytest.warns(UserWarning):  # openpyxl warns, and writes it all the same
        book.active.title = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二"  # 32 characters
    book.active["A1"] = "=SUM(B1:B2)"
    book.active.add_data_validation(DataValidation(type="custom", formula1="=A1>0"))
    book.active.data_validations.dataValidation[0].add("C1")
    book.save(tmp_path / "bad.xlsx")
    problems = repair_prompt_causes(tmp_path / "bad.xlsx")
    assert len(problems) == 3, problems
    assert "sheet name" in problems[0] and "formula without a cached value" in problems[1]
    assert "data validation WPS drops" in problems[2]


def test_a_plan_saved_by_wps_with_a_wrong_dimension_is_read_whole(written, plan_store, tmp_path):
    wps = with_wps_dimension(written.plan, tmp_path / "方案（WPS）.xlsx")
    data, diff = import_plan_workbook(plan_store, wps, dry_run=True)
    assert len(data["tasks"]) == 38 and len(data["indicators"]) == 15
    assert diff.empty, diff.lines()


def test_values_saved_by_wps_with_a_wrong_dimension_are_read_whole(plan_store, tmp_path):
    wps = with_wps_dimension(workbook(tmp_path / "values.xlsx", {"数据": GOOD}), tmp_path / "数值（WPS）.xlsx")
    preview = import_values(plan_store, wps)
    assert len(preview.changes) == 3
    assert values(plan_store)[("JH23-13", "2023-Q2")] == 4


def test_a_return_saved_by_wps_with_a_wrong_dimension_is_read_and_verified_whole(written, tmp_path):
    wps = with_wps_dimension(written.return_xlsx, tmp_path / written.return_xlsx.name)
    assert read_return(wps) == read_return(written.return_xlsx)
    result = verify_file(wps)
    assert result.valid, result.problems


def test_a_unit_form_saved_by_wps_with_a_wrong_dimension_is_read_whole(written, tmp_path):
    form = written.forms[0]
    wps = with_wps_dimension(form, tmp_path / form.name)
    assert read_form(wps).cells == read_form(form).cells
