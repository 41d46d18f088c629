"""import-values (exchange.values.values_import) and the indicator subcommands, on real workbooks and
real processes: all-or-nothing, every refused cell named by sheet, row and column."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from exchange.values.values_import import import_values
from models.errors import LedgerError
from models.ledger import IndicatorValue
from models.office import AuditEntry
from models.plan import Indicator
from models.plan_loader import initialise
from models.store import Store
from tests.conftest import ROOT


def workbook(path, sheets: dict[str, list[list]]):
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def values(store) -> dict[tuple[str, str], float | None]:
    with store.session() as session:
        rows = session.execute(select(Indicator.code, IndicatorValue.period_id, IndicatorValue.value).join(Indicator))
        return {(code, period): value for code, period, value in rows}


GOOD = [["指标", "期次", "数值", "备注"],
        ["JH23-01", "2023-M05", 82, None],
        ["“浙里办”注册用户数", "2023-M05", "520万", "来自市大数据局月报"],  # by name, with 万
        ["JH23-13", "2023-Q2", 4, None]]


def test_a_clean_workbook_is_imported_and_audited(plan_store, tmp_path):
    preview = import_values(plan_store, workbook(tmp_path / "ok.xlsx", {"数据": GOOD}))
    assert len(preview.changes) == 3
    assert values(plan_store) == {("JH23-01", "2023-M05"): 82, ("JH23-08", "2023-M05"): 5_200_000,
                                  ("JH23-13", "2023-Q2"): 4}
    with plan_store.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.entity == "indicator_value")) == 3


def test_every_refused_cell_is_reported_and_nothing_written(plan_store, tmp_path):
    bad = GOOD + [["JH23-09", "2023-M05", "abc", None],      # row 5: text for a number
                  ["JH23-99", "2023-M05", 1, None],          # row 6: unknown indicator
                  ["JH23-09", "2023-13", 90, None],          # row 7: unreadable period
                  ["JH23-09", "2023-Q2", 90, None],          # row 8: wrong period type
                  ["JH23-09", "2023-M06", 190, None],        # row 9: out of range
                  ["JH23-01", "2023-M05", 70, None]]         # row 10: the same cell twice
    # A second sheet without a header: columns read as indicator, period, value.
    other = [["JH23-09", "2023-M07", "NaN"]]
    path = workbook(tmp_path / "bad.xlsx", {"数据": bad, "补充": other})
    with pytest.raises(LedgerError) as raised:
        import_values(plan_store, path)
    message = str(raised.value)
    assert message.startswith("bad.xlsx有 7 处不能接受，全部未写入")
    for where, why in [("工作表“数据”第5行C列", "不是数字"), ("工作表“数据”第6行A列", "未知指标“JH23-99”"),
                       ("工作表“数据”第7行B列", "无法识别"), ("工作表“数据”第8行C列", "按月度填报"),
                       ("工作表“数据”第9行C列", "大于允许的最大值"), ("工作表“数据”第10行B列", "与第2行重复"),
                       ("工作表“补充”第1行C列", "不是有限")]:
        line = next((l for l in message.splitlines() if l.startswith(where)), "")
        assert why in line, (where, message)
    assert values(plan_store) == {}


@pytest.mark.parametrize("content, message", [(b"not a workbook", "不是可读取的 Excel 工作簿"), (None, "找不到文件")])
def test_unreadable_files_are_refused(plan_store, tmp_path, content, message):
    path = tmp_path / "x.xlsx"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(LedgerError, match=message):
        import_values(plan_store, path)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_command_line(tmp_path):
    db = tmp_path / "x.db"
    with Store(db) as store:
        initialise(store, demo=True)
    listed = run("--db", str(db), "indicators", "--json")
    assert listed.returncode == 0, listed.stderr
    data = {d["code"]: d for d in json.loads(listed.stdout)["indicators"]}
    assert data["JH23-12"]["status"] == "滞后" and data["JH23-12"]["latest_period"] == "2023-M09"

    ok = run("--db", str(db), "value", "--indicator", "JH23-12", "--period", "2023-M10", "--value", "2,350",
             "--note", "商务局月报")
    assert ok.returncode == 0, ok.stderr
    assert "→ 2,350家" in ok.stdout
    refused = run("--db", str(db), "value", "--indicator", "JH23-12", "--period", "2023-Q3", "--value", "1")
    assert refused.returncode == 2 and "按月度填报" in refused.stderr
    outlier = run("--db", str(db), "value", "--indicator", "JH23-08", "--period", "2023-M10", "--value", "552")
    assert outlier.returncode == 2 and "--confirm-outlier" in outlier.stderr

    path = workbook(tmp_path / "v.xlsx", {"Sheet": [["JH23-01", "2023-M10", "abc"]]})
    imported = run("--db", str(db), "import-values", str(path))
    assert imported.returncode == 2 and "工作表“Sheet”第1行C列" in imported.stderr
    with Store(db) as store:
        assert values(store)[("JH23-12", "2023-M10")] == 2350
        assert ("JH23-01", "2023-M10") not in values(store)
