"""The tamper suite: every way of changing a signed return that tests/tamper_cases.py lists, each
detected and named by ``verify_file`` and given its state and county by the consolidation's
check; the harmless ones (re-zip, LibreOffice's save, shared strings, the signature sheet made
visible) stay valid. ``python -m tests.tamper_report`` prints the same cases as a table."""
from __future__ import annotations

import shutil

import pytest

from tests.tamper_cases import CASES, NEEDS_LIBREOFFICE, build_world, run_case


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The signed returns, and one LibreOffice save of 婺城区's, made once for the module."""
    return build_world(tmp_path_factory.mktemp("tamper"))


def test_there_are_at_least_forty_tampering_cases():
    assert sum(not case.benign for case in CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case(world, case, tmp_path):
    if case.name in NEEDS_LIBREOFFICE and shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed")
    outcome = run_case(world, case, tmp_path)
    assert outcome.passed, (case.what, outcome.valid, outcome.problems, outcome.notes, outcome.state,
                            outcome.county, outcome.receipt_problems)
