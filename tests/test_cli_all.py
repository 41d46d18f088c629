"""Every subcommand ``main.py --help`` lists, nested ones included, answers ``--help`` in Chinese and
runs for real on a demo store in a temporary folder: a county's day (init, tasks, values, plan
workbooks, collection from units, identity, the return from review to withdrawal) and a city's
(office, trust list, consolidation). A run fails the test on an exit code other than 0/1/2, on 程序内部错误 or on a
traceback; each step also checks what it printed or what the store or the files now hold.

A subcommand added to main.py without a run here fails ``test_every_listed_subcommand_ran``.
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import ROOT

PASSPHRASE = "命令行 口令 123"
ENV = dict(os.environ, QT_QPA_PLATFORM="offscreen", LEDGER_PASS=PASSPHRASE)
LISTED = re.compile(r"^    ([a-z][a-z-]*)\s", re.M)


def main_py(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, env=ENV, timeout=180)


def listed(*group: str) -> list[str]:
    """The subcommands a help page lists (under 子命令 or 操作)."""
    result = main_py(*group, "--help")
    assert result.returncode == 0, result.stderr
    return LISTED.findall(result.stdout)


def all_subcommands() -> list[str]:
    """Every runnable subcommand, a group's as "group name"."""
    names = []
    for name in listed():
        nested = listed(name)
        names += [f"{name} {sub}" for sub in nested] if nested else [name]
    return names


SUBCOMMANDS = all_subcommands()


def test_the_listing_is_read():
    assert {"init", "import-plan", "returns status", "identity new", "trust add", "office set"} <= set(SUBCOMMANDS)


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_help_is_in_chinese(name):
    result = main_py(*name.split(), "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("用法：") and "显示此帮助信息并退出" in result.stdout
    for english in ("usage:", "options:", "positional arguments", "show this help message"):
        assert english not in result.stdout


@dataclass
class Day:
    folder: Path
    runs: dict[str, list[subprocess.CompletedProcess]] = field(default_factory=dict)

    def run(self, db: str, name: str, *args: str, code: int = 0) -> subprocess.CompletedProcess:
        """``main.py --db DB NAME ARGS``; a db of "" runs a command that needs no store."""
        where = ["--db", str(self.folder / db)] if db else []
        result = main_py(*where, *name.split(), *args)
        self.runs.setdefault(name, []).append(result)
        assert result.returncode == code, f"{name} {args}: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
        return result

    def query(self, db: str, sql: str, *params) -> list[tuple]:
        connection = sqlite3.connect(self.folder / db)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()


def write_values_workbook(path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["指标", "期次", "数值"])
    workbook.active.append(["JH23-09", "2023-M10", "77.5%"])
    workbook.save(path)


def answer_in_form(form: Path, back: Path) -> None:
    """The unit's answer: one progress report typed into the form it was sent."""
    from openpyxl import load_workbook

    from exchange.collection.form_writer import TASK_SHEET

    workbook = load_workbook(form)
    workbook[TASK_SHEET]["D4"] = "单位填报的进展"
    workbook.save(back)


def write_pkcs12(path: Path) -> None:
    """A PKCS#12 file as a CA would issue it: key and certificate, under the passphrase."""
    from datetime import datetime, timedelta, timezone

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "东阳市营商办"),
                      x509.NameAttribute(NameOID.LOCALITY_NAME, "东阳市"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "东阳市营商办")])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365)).sign(key, hashes.SHA256()))
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"dy", key, cert, None,
                                                          BestAvailableEncryption(PASSPHRASE.encode())))


@pytest.fixture(scope="module")
def day(tmp_path_factory) -> Day:
    """The county's and the city's day, each step checked as it runs."""
    d = Day(tmp_path_factory.mktemp("cli_all"))
    county, city = "county.db", "city.db"

    assert "演示数据：已载入" in d.run(county, "init", "--demo").stdout
    summary = json.loads(d.run(county, "summary", "--json").stdout)
    assert summary["tasks"] == 38 and summary["current_period"]["id"] == "2023-B22"
    assert d.run("", "periods", "--year", "2023", "--type", "monthly").stdout.count("报送截止") == 12

    lagging = json.loads(d.run(county, "tasks", "--status", "lagging", "--json").stdout)
    assert len(lagging) == 5 and {row["status_label"] for row in lagging} == {"滞后"}
    d.run(county, "report", "--task", "3", "--period", "2023-b22", "--progress", "已召开推进会", "--next", "出台细则")
    assert d.query(county, "SELECT progress, next_steps FROM progress_report JOIN task ON task.id = task_id "
                           "WHERE task.number = 3 AND period_id = '2023-B22'") == [("已召开推进会", "出台细则")]
    d.run(county, "milestone-done", "--task", "3", "--milestone", "4", "--date", "2023-10-26")
    assert d.query(county, "SELECT done_date FROM milestone JOIN task ON task.id = task_id "
                           "WHERE task.number = 3 AND seq = 4") == [("2023-10-26",)]

    indicators = json.loads(d.run(county, "indicators", "--json").stdout)["indicators"]
    assert len(indicators) > 10 and all(i["status"] for i in indicators)
    d.run(county, "value", "--indicator", "JH23-09", "--period", "2023-M10", "--value", "76.5%")
    refused = d.run(county, "value", "--indicator", "JH23-08", "--period", "2023-M10", "--value", "552", code=2)
    assert "远离该指标以往的数据" in refused.stderr and "--confirm-outlier" in refused.stderr
    write_values_workbook(d.folder / "values.xlsx")
    assert "1 个数值有变化" in d.run(county, "import-values", str(d.folder / "values.xlsx")).stdout
    assert d.query(county, "SELECT value FROM indicator_value JOIN indicator ON indicator.id = indicator_id "
                           "WHERE indicator.code = 'JH23-09' AND period_id = '2023-M10'") == [(77.5,)]

    sent = d.run(county, "collect send", "--period", "2023-B22", "--out", str(d.folder / "forms"), "--due", "2023-11-03")
    assert "已生成 17 份填报表" in sent.stdout
    answer_in_form(d.folder / "forms" / "区税务局_2023-B22.xlsx", d.folder / "back.xlsx")
    assert "（试运行，未写入）" in d.run(county, "collect receive", str(d.folder / "back.xlsx"), "--dry-run").stdout
    assert "已写入 1 项" in d.run(county, "collect receive", str(d.folder / "back.xlsx")).stdout
    status = json.loads(d.run(county, "collect status", "--period", "2023-B22", "--out", str(d.folder / "notices"),
                              "--json").stdout)
    assert {u["unit"]: u["state"] for u in status["units"]}["区税务局"] == "已报送"
    assert status["notices"]  # the units with lagging tasks

    d.run(county, "export-plan", str(d.folder / "plan.xlsx"))
    assert (d.folder / "plan.xlsx").stat().st_size > 5000
    d.run("copy.db", "init")  # only init makes a store; import-plan then reads the plan into it
    assert "试运行，未写入" in d.run("copy.db", "import-plan", str(d.folder / "plan.xlsx"), "--dry-run").stdout
    assert "38 项任务" in d.run("copy.db", "import-plan", str(d.folder / "plan.xlsx")).stdout
    assert d.query("copy.db", "SELECT count(*) FROM task") == [(38,)]

    assert "证书主题" in d.run(county, "identity new", "--county", "婺城区", "--office", "婺城区营商办",
                               "--passphrase-env", "LEDGER_PASS").stdout
    assert "婺城区营商办" in d.run(county, "identity show").stdout
    d.run(county, "identity export-cert", str(d.folder / "county.pem"))
    assert (d.folder / "county.pem").read_text().startswith("-----BEGIN CERTIFICATE-----")
    write_pkcs12(d.folder / "dongyang.p12")
    d.run("other.db", "init")
    assert "东阳市" in d.run("other.db", "identity import", str(d.folder / "dongyang.p12"),
                             "--passphrase-env", "LEDGER_PASS").stdout

    status = json.loads(d.run(county, "returns status", "--period", "2023-B22", "--json").stdout)
    assert status["state"] == "尚无报表" and status["gaps"]
    assert f"已为 {len(status['gaps'])} 项" in d.run(county, "returns explain", "--period", "2023-B22",
                                                     "--reason", "次月报送").stdout
    assert "已审核（审核人 审核员）" in d.run(county, "returns review", "--period", "2023-B22",
                                            "--reviewer", "审核员").stdout
    assert "已审核" in json.loads(d.run(county, "returns status", "--period", "2023-B22", "--json").stdout)["state"]
    exported = d.run(county, "export", "--period", "2023-B22", "--out", str(d.folder / "returns"), "--sign",
                     "--passphrase-env", "LEDGER_PASS")
    files = [Path(line) for line in exported.stdout.split()]
    assert [f.suffix for f in files] == [".xlsx", ".pdf"] and all(f.exists() for f in files)
    assert "已签发" in exported.stderr
    verified = d.run("", "verify", *map(str, files))
    assert verified.stdout.count("：有效") == 2
    assert "已报送" in d.run(county, "returns submit", "--period", "2023-B22").stdout
    assert "已撤回" in d.run(county, "returns withdraw", "--period", "2023-B22", "--reason", "更正数值").stdout
    history = json.loads(d.run(county, "returns history", "--period", "2023-B22", "--json").stdout)
    assert [(h["version"], h["state"]) for h in history] == [(1, "已撤回")]
    preview = d.run(county, "rollover", "--to", "2024", "--dry-run")
    carried = int(re.search(r"结转 (\d+) 项未完成任务", preview.stdout)[1])
    assert 30 < carried < 38 and "试运行，未写入" in preview.stdout
    assert "已结转" in d.run(county, "rollover", "--to", "2024").stdout
    assert d.query(county, "SELECT count(*) FROM task WHERE previous_id IS NOT NULL") == [(carried,)]

    d.run(city, "init")
    assert "单位级别：市级" in d.run(city, "office set", "--county", "金华市", "--office", "金华市营商办",
                                  "--approver", "赵一", "--level", "city").stdout
    office = json.loads(d.run(city, "office show", "--json").stdout)
    assert (office["county"], office["approver"], office["level"]) == ("金华市", "赵一", "city")
    assert d.query(city, "SELECT county, office_name, role FROM office") == [("金华市", "金华市营商办", "city")]
    d.run(city, "trust add", str(d.folder / "county.pem"), "--county", "婺城区")
    assert [row["county"] for row in json.loads(d.run(city, "trust list", "--json").stdout)] == ["婺城区"]
    consolidated = d.run(city, "consolidate", "--period", "2023-B22", "--out", str(d.folder / "consolidated"),
                         str(d.folder / "returns"))
    assert "计入 1 个县（市、区）" in consolidated.stdout
    assert sorted(p.suffix for p in (d.folder / "consolidated").iterdir()) == [".pdf", ".xlsx"]
    run_problems(d, county)
    return d


def run_problems(d: Day, db: str) -> None:
    """营商台账: one problem through the whole loop, one 退回, the lists, figures and files."""
    added = json.loads(d.run(db, "problems add", "--enterprise", "甲公司", "--source", "12345热线", "--category", "求助",
                             "--text", "用电难", "--received", "2023-10-09", "--json").stdout)
    number = added["number"]
    assert "办结期限 2023-10-16" in d.run(db, "problems assign", number, "--unit", "区发改局", "--days", "5",
                                         "--date", "2023-10-09").stdout
    d.run(db, "problems accept", number, "--date", "2023-10-09")
    d.run(db, "problems extend", number, "--due", "2023-10-20", "--reason", "会商", "--date", "2023-10-16")
    d.run(db, "problems reply", number, "--text", "已办结", "--date", "2023-10-17")
    d.run(db, "problems visit", number, "--satisfaction", "满意", "--date", "2023-10-18")
    d.run(db, "problems archive", number, "--date", "2023-10-19")
    d.run(db, "problems link", number, "--with", "2023-0001", "--measure", "建立快速通道")
    assert "已归档" in d.run(db, "problems show", number).stdout
    d.run(db, "problems return", "2023-0160", "--reason", "非本单位职责")
    assert "已退回" in d.run(db, "problems list", "--state", "returned").stdout
    assert json.loads(d.run(db, "problems stats", "--period", "2023-M10", "--json").stdout)["total"]["received"] > 10
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["受理时间", "诉求企业", "诉求类型", "诉求内容"])
    book.active.append(["2023-10-20", "乙公司", "咨询", "政策咨询"])
    book.save(d.folder / "hotline.xlsx")
    assert "可导入 1 件" in d.run(db, "problems import", str(d.folder / "hotline.xlsx"), "--dry-run").stdout
    assert d.run(db, "problems notice", "--out", str(d.folder / "notices")).stdout.count(".pdf") >= 5
    d.run(db, "problems export", "--year", "2023", str(d.folder / "problems.xlsx"))  # the store has rolled over to 2024
    assert (d.folder / "problems.xlsx").exists()


def test_every_listed_subcommand_ran(day):
    assert sorted(set(SUBCOMMANDS) - set(day.runs)) == []


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_no_run_failed_inside(day, name):
    for result in day.runs.get(name, []):
        assert result.returncode in (0, 1, 2)
        for text in (result.stdout, result.stderr):
            assert "程序内部错误" not in text and "Traceback" not in text
