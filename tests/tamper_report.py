"""The tamper suite as a table (Markdown): each case, what it must be reported as, what ``verify``
said and the consolidation's state and county. Run: ``python -m tests.tamper_report``."""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.tamper_cases import CASES, NEEDS_LIBREOFFICE, build_world, run_case


def _cell(text: str, limit: int = 160) -> str:
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "…"


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        world = build_world(Path(folder))
        print("| # | 改动 | 应报告 | verify | consolidate（状态 / 县） | 结果 |")
        print("|---|---|---|---|---|---|")
        misses = 0
        for number, case in enumerate(CASES, 1):
            if case.name in NEEDS_LIBREOFFICE and world.resaved is None:
                print(f"| {number} | {case.what} | — | 跳过（无 LibreOffice） | — | — |")
                continue
            outcome = run_case(world, case, Path(folder) / case.name)
            expected = _cell(case.expect or ("有效" + (f"，注：{case.note}" if case.note else "")))
            said = _cell(outcome.said)
            misses += not outcome.passed
            print(f"| {number} | {case.what} | {expected} | {'有效' if outcome.valid else '无效'}：{said} "
                  f"| {outcome.state} / {outcome.county or '（不明）'} | {'✓' if outcome.passed else '✗ 未通过'} |")
        print(f"\n{len(CASES)} 例，{sum(not c.benign for c in CASES)} 例改动、{sum(c.benign for c in CASES)} 例无害；未通过 {misses} 例")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
