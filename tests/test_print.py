"""What a reviewer prints, read back with pdftotext: the demo return signed as the README does it,
and the city's signed consolidation of three counties. No e-notation, no period ids, no line
opening with a closing mark or ending with an opening one (避头尾), times in Beijing time, the
city office's own name, and no page holding nothing but its footer or a lone sign-off.

One demo store, one county return and one consolidation per module (signing takes seconds)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from exchange.returns.return_data import build_return
from exchange.returns.xlsx_return import write_xlsx
from exchange.signing.identity import create_identity, export_certificate, unlock
from exchange.signing.trust_list import register_certificate
from models.beijing_time import BEIJING
from models.plan import Milestone, Task
from models.office_profile import save_office_profile
from models.plan_loader import initialise
from models.store import Store
from tests.conftest import ROOT

PERIOD, PASS = "2023-B22", "print-secret-1"
CITY_OFFICE = "金华市营商环境优化提升工作专班办公室"
NO_LINE_START = "，。、；：？！”’）》"
NO_LINE_END = "“‘（《"
PERIOD_ID = re.compile(r"\b20\d\d-(?:[BM]\d\d|Q\d|Y)\b")
FILE_NAME = re.compile(r"\S+\.(?:xlsx|pdf)")  # a file's name may hold its period id
E_NOTATION = re.compile(r"\d[eE][+-]\d")  # 5.47121e+06, 6e+06
HEX = re.compile(r"\b[0-9a-f]{12,}\b")  # a digest
STAMP_TIME = re.compile(r"时间：(\d{4}-\d\d-\d\d \d\d:\d\d)")
# The footer: whose document, digest, 第 N 页 共 M 页 and — N —.
FOOTER = re.compile(r"^(—\s*\d+\s*—|第 \d+ 页 共 \d+ 页|报表摘要 \w+|.* · 第 \d+ 版.*|.* 汇总|计入 \d+ 个县.*)$")


def cli(*args: str, db: Path) -> str:
    env = dict(os.environ, LEDGER_PASS=PASS)
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), *args], capture_output=True,
                          text=True, env=env, cwd=db.parent)
    assert done.returncode == 0, done.stderr
    return done.stdout


def pages(pdf: Path) -> list[list[str]]:
    """Each page's text lines as pdftotext reads them (reading order, one line per printed line)."""
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                           text=True).stdout)[1])
    return [[line.strip() for line in subprocess.run(
        ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True
    ).stdout.splitlines() if line.strip()] for n in range(1, count + 1)]


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("print")
    county_db = root / "county.db"
    cli("init", "--demo", db=county_db)
    cli("identity", "new", "--county", "婺城区", "--office", "婺城区营商办", "--passphrase-env", "LEDGER_PASS",
        db=county_db)
    cli("returns", "explain", "--period", PERIOD, "--reason", "10月数据11月5日后报送", db=county_db)
    cli("returns", "review", "--period", PERIOD, "--reviewer", "李晓东", db=county_db)
    out = root / "out"
    paths = cli("export", "--period", PERIOD, "--out", str(out), "--sign", "--passphrase-env", "LEDGER_PASS",
                db=county_db).split()
    verify = cli("verify", *paths, db=county_db)

    inbox, city_db = root / "inbox", root / "city.db"
    inbox.mkdir()
    with Store(root / "counties.db") as county, Store(city_db) as city:
        initialise(county, demo=True)
        initialise(city)
        save_office_profile(city, county="金华市", office_name=CITY_OFFICE)
        for n, name in enumerate(["婺城区", "金东区", "兰溪市"]):
            folder = root / "identities" / name
            create_identity(folder, name, f"{name}营商办", PASS)
            register_certificate(city, export_certificate(folder, root / f"{name}.cer"), name)
            save_office_profile(county, county=name, office_name=f"{name}营商办")
            with county.transaction() as session:  # each county a little further on than the last
                for milestone in session.scalars(select(Milestone).join(Task).where(Task.number > 40 - 10 * n)):
                    milestone.done_date = date(2023, 10, 20)
            with county.session() as session:
                data = build_return(session, PERIOD, date(2023, 11, 4))
            write_xlsx(data, inbox / f"{data.file_stem}.xlsx", unlock(folder, PASS))
    cli("identity", "new", "--county", "金华市", "--office", CITY_OFFICE, "--passphrase-env", "LEDGER_PASS", db=city_db)
    made = cli("consolidate", "--period", PERIOD, "--out", str(root / "city"), "--sign", "--passphrase-env",
               "LEDGER_PASS", str(inbox), db=city_db)
    consolidated = next(root.glob("city/*.pdf"))
    return {"return": next(out.glob("*.pdf")), "consolidation": consolidated, "verify": verify, "made": made}


@pytest.mark.parametrize("document", ["return", "consolidation"])
def test_printed_text_has_no_e_notation_and_no_period_ids(printed, document):
    for number, lines in enumerate(pages(printed[document]), 1):
        for line in lines:
            assert not E_NOTATION.search(HEX.sub("", line)), f"第 {number} 页：{line}"
            assert not PERIOD_ID.search(FILE_NAME.sub("", line)), f"第 {number} 页：{line}"


@pytest.mark.parametrize("document", ["return", "consolidation"])
def test_no_line_opens_with_a_closing_mark_or_ends_with_an_opening_one(printed, document):
    lines = [(n, line) for n, page in enumerate(pages(printed[document]), 1) for line in page]
    assert len(lines) > 200
    assert [(n, line) for n, line in lines if line[0] in NO_LINE_START] == []
    assert [(n, line) for n, line in lines if line[-1] in NO_LINE_END] == []


@pytest.mark.parametrize("document", ["return", "consolidation"])
def test_the_stamp_shows_beijing_time(printed, document):
    text = "\n".join(line for page in pages(printed[document]) for line in page)
    assert "UTC" not in text
    stamped = datetime.strptime(STAMP_TIME.search(text)[1], "%Y-%m-%d %H:%M").replace(tzinfo=BEIJING)
    assert abs(stamped - datetime.now(BEIJING)) < timedelta(minutes=10)


def test_verify_says_when_in_beijing_time_and_names_the_period(printed):
    when = re.findall(r"签名时间：(\d{4}-\d\d-\d\d \d\d:\d\d)\s", printed["verify"])
    assert len(when) == 2
    for text in when:
        stamped = datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=BEIJING)
        assert abs(stamped - datetime.now(BEIJING)) < timedelta(minutes=10)
    assert printed["verify"].count("期次：2023年第22期") == 2 and PERIOD not in FILE_NAME.sub("", printed["verify"])


def test_the_return_prints_each_indicators_own_time_progress(printed):
    """A September value against September's 序时进度 (74.8 %), as in the grid and the CLI."""
    text = "\n".join(line for page in pages(printed["return"]) for line in page)
    assert "74.8%" in text and "2023年9月" in text and "82.2%" not in text


@pytest.mark.parametrize("document", ["return", "consolidation"])
def test_no_page_holds_only_its_footer_or_a_lone_sign_off(printed, document):
    closings = {"签发", "填报人：", "审核人：", "签发人：", "日　期：", "年　　月　　日", "（签字）", "（单位盖章）"}
    for number, lines in enumerate(pages(printed[document]), 1):
        body = [line for line in lines if not FOOTER.match(line)]
        content = [line for line in body if line not in closings and not line.startswith(
            (CITY_OFFICE, "数字签名", "时间：", "签发 ", "填报人", "审核人", "签发人"))]
        assert content, f"第 {number} 页只有页脚或落款：{body}"


def test_the_consolidation_signs_off_with_the_city_offices_name(printed):
    lines = [line for page in pages(printed["consolidation"]) for line in page]
    sign_offs = [line for line in lines if re.fullmatch(r".+\s+\d{4}年\d\d月\d\d日", line)]
    assert len(sign_offs) == 3 and all(line.startswith(CITY_OFFICE) for line in sign_offs)
    assert not [line for line in lines if line.startswith("市改革办")]


def test_the_return_keeps_the_footer_page_numbers_and_digest(printed):
    all_pages = pages(printed["return"])
    for number, lines in enumerate(all_pages, 1):
        assert re.sub(r"\s", "", f"— {number} —") in [re.sub(r"\s", "", line) for line in lines]
        assert f"第 {number} 页 共 {len(all_pages)} 页" in lines
        assert any(line.startswith("报表摘要 ") for line in lines)


def test_a_notice_names_only_what_lags(printed):
    """兰溪市 has no lagging task: its 提示单 speaks of its indicators only, never of “0 项任务”."""
    text = "".join(line for page in pages(printed["consolidation"]) for line in page)
    assert "0 项" not in text
    assert re.search(r"兰溪市改革办：.*?以下 \d+ 项指标滞后或未填报", text)
    assert re.search(r"婺城区改革办：.*?以下 \d+ 项任务、\d+ 项指标滞后或未填报", text)
