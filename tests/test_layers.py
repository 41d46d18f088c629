"""The house rules that a reading of the source can check: ui/ opens no store session (every
action and read is an operation of models/ or exchange/), and models/ and exchange/ import no Qt."""
from __future__ import annotations

import re

from tests.conftest import ROOT


def sources(package: str):
    return sorted((ROOT / package).rglob("*.py"))


def test_ui_opens_no_session():
    found = [f"{path.relative_to(ROOT)}:{n}" for path in sources("ui")
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if ".session(" in line or ".transaction(" in line]
    assert found == []


def test_models_and_exchange_import_no_qt():
    qt = re.compile(r"^\s*(from|import)\s+(PySide6|shiboken6|ui)\b", re.M)
    found = [str(path.relative_to(ROOT)) for package in ("models", "exchange") for path in sources(package)
             if qt.search(path.read_text(encoding="utf-8"))]
    assert found == []
