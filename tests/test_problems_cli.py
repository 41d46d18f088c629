"""The problems subcommands run as the README's 营商台账 section writes them (read from README.md
itself), each checked for what it printed and what the store then holds; --json on each."""
from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

ENV = dict(os.environ, QT_QPA_PLATFORM="offscreen")


def readme_commands() -> list[list[str]]:
    """The ``python main.py …`` lines of the README's 营商台账 example, without comments."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## 营商台账 (涉企问题)", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [shlex.split(line.split("  #")[0])[2:] for line in block.splitlines() if line.startswith("python main.py")]


def main_py(db: Path, *args: str, code: int = 0) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), *args], capture_output=True,
                            text=True, cwd=db.parent, env=ENV, timeout=180)
    assert result.returncode == code, f"{args}: {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def readme_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("problems_cli")
    db = folder / "ledger.db"
    return folder, db, {" ".join(args[:2]): main_py(db, *args) for args in readme_commands()}


def test_the_readme_example_runs(readme_run):
    folder, db, runs = readme_run
    assert list(runs) == ["init --demo", "problems add", "problems assign", "problems accept", "problems reply",
                          "problems visit", "problems extend", "problems list", "problems stats", "problems notice",
                          "problems export"]
    assert runs["problems add"].stdout.startswith("id 165\t2023-0165\t待交办\t金华市恒达机械制造有限公司")
    assert "办结期限 2023-10-11" in runs["problems assign"].stdout
    assert "重办 1 次" in runs["problems visit"].stdout and "办结期限 2023-10-18" in runs["problems visit"].stdout
    assert "办结期限 2023-10-25" in runs["problems extend"].stdout
    overdue = runs["problems list"].stdout
    assert "共 4 件" in overdue and "2023-0165\t办理中【红（已逾期）】" in overdue
    assert runs["problems stats"].stdout.splitlines()[2].startswith("全部\t165\t146\t88.5%")
    notices = runs["problems notice"].stdout.split()
    assert notices and all(Path(folder / p).exists() for p in notices)
    assert (folder / "out" / "涉企问题_2023.xlsx").exists()
    shown = json.loads(main_py(db, "problems", "show", "2023-0165", "--json").stdout)
    assert [s["kind"] for s in shown["steps"]] == ["登记", "交办", "签收", "办结答复", "回访", "重办", "延期"]
    assert (shown["contact"], shown["phone"], shown["reopen_count"]) == ("张三丰", "13812341234", 1)


def test_json_and_refusals(readme_run):
    folder, db, _runs = readme_run
    added = json.loads(main_py(db, "problems", "add", "--enterprise", "乙公司", "--source", "企业走访", "--category",
                               "建议", "--text", "希望延长窗口时间", "--received", "2023-10-26", "--json").stdout)
    assert (added["id"], added["number"], added["state"]) == (166, "2023-0166", "registered")
    assigned = json.loads(main_py(db, "problems", "assign", "166", "--unit", "区行政服务中心", "--days", "3",
                                  "--json").stdout)
    assert assigned["due"] == "2023-11-01"  # from the demo's working date, 2023-10-27 (a Friday)
    refused = main_py(db, "problems", "assign", "166", "--unit", "区商务局", "--days", "3", code=2)
    assert "“改派理由”不能为空" in refused.stderr
    refused = main_py(db, "problems", "add", "--enterprise", "丙", "--source", "12345", "--category", "求助",
                      "--text", "x", "--received", "2023-10-26", "--credit-code", "91350100M000100Y4S", code=2)
    assert "不允许的字符 S" in refused.stderr
    refused = main_py(db, "problems", "stats", code=2)
    assert "请指定统计区间" in refused.stderr
    stats = json.loads(main_py(db, "problems", "stats", "--period", "2023-Q3", "--json").stdout)
    assert stats["from"] == "2023-07-01" and stats["total"]["received"] > 0
    listed = json.loads(main_py(db, "problems", "list", "--state", "待交办", "--json").stdout)
    assert {row["number"] for row in listed} >= {"2023-0156"}
    linked = json.loads(main_py(db, "problems", "link", "165", "--with", "2023-0166", "--measure", "建立报装快速通道",
                                "--json").stdout)
    assert linked["linked"] == ["2023-0166"]
    returned = json.loads(main_py(db, "problems", "return", "166", "--reason", "非本单位职责", "--json").stdout)
    assert returned["state_label"] == "已退回"
