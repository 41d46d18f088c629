"""Signed returns, end to end on real files: the workbook read back equals the store, the PDF's
text, fonts and signature checked with poppler, the workbook converted by LibreOffice, an
altered cell or byte caught and named, the workflow's lock, withdrawal and versions.

One demo store with one signed return is built per module (signing takes about a second)."""
from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from sqlalchemy import select

from exchange.signing.identity import (create_identity, export_certificate, identity_folder, import_pkcs12, load_certificate,
                               unlock)
from exchange.returns.return_data import build_return, content_digest, return_digest
from exchange.returns.returns_export import export_return
from exchange.signing.verify import verify_file
from exchange.returns.xlsx_return import DATA_SHEET, FLAT_ROWS_PER_PAGE, read_return, write_xlsx
from models.enums import ReturnState
from models.errors import LedgerError
from models.ledger import IndicatorValue, ProgressReport
from models.locks import ensure_unlocked
from models.plan import Task
from models.returns import completeness, explain_gap, history, review, unexplained, withdraw
from models.plan_loader import initialise
from models.store import Store
from tests.conftest import ROOT

PERIOD, AS_OF, PASSPHRASE = "2023-B22", date(2023, 10, 27), "secret-123"


def explain_all(store: Store, reason: str = "数据延后报送") -> None:
    with store.transaction() as session:
        for gap in unexplained(completeness(session, PERIOD)):
            explain_gap(session, gap, reason)


def digest_of(session, as_of: date = AS_OF):
    """What a review is tied to: the digest of the return as it would be signed on ``as_of``."""
    return content_digest(session, as_of)


def review_and_sign(store: Store, out: Path):
    with store.transaction() as session:
        review(session, PERIOD, "李晓东", digest_of(session))
    return export_return(store, PERIOD, out, AS_OF, PASSPHRASE)


@pytest.fixture(scope="module")
def signed(tmp_path_factory):
    """A demo store, its identity and the signed return of 2023-B22 (version 1)."""
    folder = tmp_path_factory.mktemp("signed")
    with Store(folder / "ledger.db") as store:
        initialise(store, demo=True)
        identity = create_identity(identity_folder(store), "婺城区", "婺城区营商办", PASSPHRASE)
        explain_all(store)
        result = review_and_sign(store, folder / "out")
        yield SimpleNamespace(store=store, result=result, identity=identity, folder=folder)


def text_of(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_files_are_named_for_county_period_and_version(signed):
    assert signed.result.xlsx.name == "婺城区_2023-B22_v1.xlsx"
    assert signed.result.pdf.name == "婺城区_2023-B22_v1.pdf"
    with signed.store.session() as session:
        (ret,) = history(session, PERIOD)
        assert ret.state is ReturnState.SIGNED and ret.version == 1 and ret.reviewed_by == "李晓东"
        assert ret.digest == signed.result.digest
        import hashlib
        assert ret.xlsx_sha256 == hashlib.sha256(signed.result.xlsx.read_bytes()).hexdigest()
        assert ret.pdf_sha256 == hashlib.sha256(signed.result.pdf.read_bytes()).hexdigest()


def test_workbook_round_trip_equals_the_store(signed):
    back = read_return(signed.result.xlsx)
    with signed.store.session() as session:
        assert back == build_return(session, PERIOD, AS_OF, version=1)
        assert return_digest(back) == signed.result.digest
        reports = {r.task.number: r for r in session.scalars(
            select(ProgressReport).where(ProgressReport.period_id == PERIOD))}
        tasks = session.scalars(select(Task).order_by(Task.number)).all()
        assert [t.title for t in back.tasks] == [t.title for t in tasks]
        for row in back.tasks:
            report = reports.get(row.number)
            assert row.progress == (report.progress if report else "")
            assert row.problems == (report.problems if report else "")
        sept = {v.indicator.code: v.value for v in session.scalars(
            select(IndicatorValue).where(IndicatorValue.period_id == "2023-M09"))}
    assert sept and all(back_row.value == sept[back_row.code] for back_row in back.indicators if back_row.value_period == "2023-M09")
    assert back.cover.county == "婺城区" and back.cover.version == 1
    assert back.gaps and all(g.reason == "数据延后报送" for g in back.gaps)


def test_pdf_text_fonts_and_signature(signed):
    pdf = signed.result.pdf
    text = squeeze(text_of(pdf))
    assert "婺城区" in text and "2023年第22期" in text and "第1页共" in text
    with signed.store.session() as session:
        titles = [t.title for t in session.scalars(select(Task))]
    assert len(titles) == 38
    missing = [t for t in titles if squeeze(t) not in text]
    assert not missing
    assert signed.result.digest[:16] in text  # the footer's short digest
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the emb column
    sig = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True).stdout
    assert "Signature is Valid." in sig and "Total document signed" in sig


def test_verify_reports_signer_period_and_version(signed):
    for path in (signed.result.xlsx, signed.result.pdf):
        result = verify_file(path)
        assert result.valid and result.signed and not result.problems, result.problems
        assert (result.county, result.office) == ("婺城区", "婺城区营商办")
        assert result.fingerprint == signed.identity.fingerprint
        assert (result.period_id, result.version) == (PERIOD, 1)
        assert (result.document, result.document_label, result.versioned) == ("报表", "县级报表", True)
        assert result.signed_at is not None
        assert result.certificate_der is not None


def test_verify_against_registered_certificates(signed, tmp_path):
    cert = export_certificate(identity_folder(signed.store), tmp_path / "office.cer")
    assert verify_file(signed.result.pdf, [load_certificate(cert)]).valid
    other = create_identity(tmp_path / "other", "金东区", "金东区营商办", "another-1")
    result = verify_file(signed.result.xlsx, [other.certificate])
    assert not result.valid and "不在已登记的受信任证书中" in result.problems[-1]


def test_one_changed_cell_is_named(signed, tmp_path):
    altered = tmp_path / "altered.xlsx"
    wb = openpyxl.load_workbook(signed.result.xlsx)
    wb["指标完成情况"]["D7"] = "999"
    wb.save(altered)
    result = verify_file(altered)
    assert not result.valid and result.signed
    assert result.problems == ["工作表“指标完成情况”单元格 D7 与签名时的值不同"]


def test_one_changed_byte_of_the_pdf_fails(signed, tmp_path):
    data = bytearray(signed.result.pdf.read_bytes())
    start = data.index(b"stream", len(data) // 4) + 10  # inside a page's content, before the signature
    data[start] ^= 0x01
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(bytes(data))
    result = verify_file(altered)
    assert not result.valid and result.problems
    assert "Signature is Valid." not in subprocess.run(["pdfsig", str(altered)], capture_output=True, text=True).stdout


def test_cli_verify_exit_codes_and_json(signed, tmp_path):
    altered = tmp_path / "altered.xlsx"
    wb = openpyxl.load_workbook(signed.result.xlsx)
    wb["任务进展"]["C5"] = "改过的任务"
    wb.save(altered)
    run = lambda *args: subprocess.run([sys.executable, str(ROOT / "main.py"), "verify", *args],  # noqa: E731
                                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    bad = run(str(signed.result.pdf), str(altered), "--json")
    assert bad.returncode == 1
    data = json.loads(bad.stdout)
    assert [d["valid"] for d in data] == [True, False]
    assert "工作表“任务进展”单元格 C5 与签名时的值不同" in data[1]["problems"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_converts_the_workbook(signed, tmp_path):
    profile = tmp_path / "lo-profile"
    done = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(signed.result.xlsx)],
                          capture_output=True, text=True, timeout=120)
    converted = tmp_path / signed.result.xlsx.with_suffix(".pdf").name
    assert done.returncode == 0 and converted.exists(), done.stderr
    text = squeeze(text_of(converted))
    assert "婺城区" in text and "指标完成情况表" in text
    # 报送数据 prints as a compact appendix (it was 50 portrait pages two wide): each page says so in
    # its footer, and there are no more pages than FLAT_ROWS_PER_PAGE rows a page need.
    rows = openpyxl.load_workbook(signed.result.xlsx, read_only=True)[DATA_SHEET].max_row
    pages = text_of(converted).split("\f")
    appendix = [page for page in pages if "报送数据 · 婺城区" in page]
    assert 0 < len(appendix) <= math.ceil(rows / FLAT_ROWS_PER_PAGE) < rows / 40
    assert all("类别编号字段字段名称值" in squeeze(page) for page in appendix)  # the header on every page
    info = subprocess.run(["pdfinfo", "-f", str(len(pages) - 1), "-l", str(len(pages) - 1), str(converted)],
                          capture_output=True, text=True, check=True).stdout
    assert "841.89 x 595.3" in info  # A4 landscape


def test_the_upload_sheet_page_setup_is_not_signed(signed):
    """Page setup of 报送数据 read back: A4 landscape, one page wide, header row repeated, footer
    naming the sheet; and the workbook carrying it verifies."""
    ws = openpyxl.load_workbook(signed.result.xlsx)[DATA_SHEET]
    setup = ws.page_setup
    assert (int(setup.paperSize), setup.orientation, setup.fitToWidth) == (int(ws.PAPERSIZE_A4), "landscape", 1)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and setup.fitToHeight == math.ceil(ws.max_row / FLAT_ROWS_PER_PAGE)
    assert ws.print_title_rows == "$1:$1" and ws.print_area == f"'{DATA_SHEET}'!$A$1:$E${ws.max_row}"
    assert ws.oddFooter.left.text.startswith("&A · 婺城区") and ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert verify_file(signed.result.xlsx).valid


def test_formula_like_text_stays_text(plan_store, tmp_path):
    with plan_store.transaction() as session:
        task = session.scalar(select(Task).where(Task.number == 1))
        task.title = "=HYPERLINK(\"http://x\")"
        session.add(ProgressReport(task=task, period_id=PERIOD, progress="+86 0579 1234", problems="@SUM(A1)",
                                   next_steps="\t-1"))
    with plan_store.session() as session:
        data = build_return(session, PERIOD, AS_OF)
    path = tmp_path / "r.xlsx"
    write_xlsx(data, path)
    assert read_return(path) == data
    wb = openpyxl.load_workbook(path)
    cell = wb["任务进展"]["C4"]
    assert cell.value == "=HYPERLINK(\"http://x\")" and cell.data_type == "s"
    formulas = [c.coordinate for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_wrong_passphrase_and_pkcs12(tmp_path):
    folder = tmp_path / "identity"
    identity = create_identity(folder, "婺城区", "婺城区营商办", "right-one")
    with pytest.raises(LedgerError, match="口令不正确"):
        unlock(folder, "wrong-one")
    key = unlock(folder, "right-one")
    p12 = tmp_path / "office.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"office", key.private_key, key.certificate, None,
        serialization.BestAvailableEncryption(b"p12-pass")))
    with pytest.raises(LedgerError, match="口令错误"):
        import_pkcs12(tmp_path / "imported", p12, "not-it-1")
    imported = import_pkcs12(tmp_path / "imported", p12, "p12-pass")
    assert imported.fingerprint == identity.fingerprint
    assert unlock(tmp_path / "imported", "p12-pass").signer == identity.signer
    with pytest.raises(LedgerError, match="至少"):
        create_identity(tmp_path / "short", "婺城区", "婺城区营商办", "abc")


def test_signing_needs_review_and_explained_gaps(demo_store, tmp_path):
    create_identity(identity_folder(demo_store), "婺城区", "婺城区营商办", PASSPHRASE)
    tmp_path = tmp_path / "out"
    with pytest.raises(LedgerError, match="尚未审核"):
        export_return(demo_store, PERIOD, tmp_path, AS_OF, PASSPHRASE)
    with demo_store.transaction() as session:
        review(session, PERIOD, "李晓东", digest_of(session))
        gaps = completeness(session, PERIOD)
    kinds = {g.kind for g in gaps}
    assert kinds == {"进展", "指标"}
    with pytest.raises(LedgerError, match="未说明原因"):
        export_return(demo_store, PERIOD, tmp_path, AS_OF, PASSPHRASE)
    assert not tmp_path.exists()  # nothing was written


def test_lock_withdraw_and_next_version(demo_store, tmp_path):
    create_identity(identity_folder(demo_store), "婺城区", "婺城区营商办", PASSPHRASE)
    explain_all(demo_store)
    first = review_and_sign(demo_store, tmp_path)
    with demo_store.session() as session:
        with pytest.raises(LedgerError, match="已签发"):
            ensure_unlocked(session, PERIOD, "进展")
        with pytest.raises(LedgerError, match="已签发"):
            ensure_unlocked(session, "2023-M10", "指标数据")  # October ends inside 2023-B22
        with pytest.raises(LedgerError, match="撤回"):
            review(session, PERIOD, "李晓东", digest_of(session))
        with pytest.raises(LedgerError, match="原因"):
            withdraw(session, PERIOD, "  ")
    with demo_store.transaction() as session:
        withdraw(session, PERIOD, "指标数据更正")
    with demo_store.session() as session:
        ensure_unlocked(session, PERIOD, "进展")  # open again
    second = review_and_sign(demo_store, tmp_path)
    assert (first.version, second.version) == (1, 2)
    assert second.xlsx.name == "婺城区_2023-B22_v2.xlsx" and first.xlsx.exists()
    assert verify_file(second.pdf).version == 2 and verify_file(second.xlsx).version == 2
    pages = text_of(second.pdf).split("\f")[:-1]
    assert pages and all("第 2 版" in page for page in pages)
    wb = openpyxl.load_workbook(second.xlsx)
    for ws in wb.worksheets:
        if ws.sheet_state == "visible" and ws.title != "报送数据":
            assert "第 2 版" in ws.oddFooter.left.text or "第 2 版" in str(ws["A2"].value or "") + str(ws["B9"].value)
    with demo_store.session() as session:
        states = [(r.version, r.state) for r in history(session, PERIOD)]
    assert states == [(2, ReturnState.SIGNED), (1, ReturnState.WITHDRAWN)]


def test_cli_end_to_end(tmp_path, monkeypatch, capsys):
    """init --demo, identity new, explain, review, export --sign, verify: the subcommands' own
    code in this process (a real process runs verify above)."""
    from main import main

    monkeypatch.setenv("LEDGER_PASS", "geheim-123")
    db = str(tmp_path / "cli.db")

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", db, *args])
        out, err = capsys.readouterr()
        return code, out, err

    assert run("init", "--demo")[0] == 0
    code, out, err = run("identity", "new", "--county", "婺城区", "--office", "婺城区营商办", "--passphrase-env", "LEDGER_PASS")
    assert code == 0 and "指纹" in out, err
    refused = run("export", "--period", PERIOD, "--out", str(tmp_path / "out"), "--sign", "--passphrase-env", "LEDGER_PASS")
    assert refused[0] == 2 and "尚未审核" in refused[2]
    assert run("returns", "explain", "--period", PERIOD, "--reason", "数据延后")[0] == 0
    assert run("returns", "review", "--period", PERIOD, "--reviewer", "李晓东")[0] == 0
    # Changed after the review: shown by status, refused by export --sign (nothing written), reviewed again.
    assert run("report", "--task", "1", "--period", PERIOD, "--progress", "审核后又补充了进展")[0] == 0
    code, out, _err = run("returns", "status", "--period", PERIOD)
    assert code == 0 and "已审核（审核后台账数据已改动（任务进展 1 处），请重新审核。）" in out, out
    refused = run("export", "--period", PERIOD, "--out", str(tmp_path / "out"), "--sign", "--passphrase-env", "LEDGER_PASS")
    assert refused[0] == 2 and "审核后台账数据已改动（任务进展 1 处），请重新审核" in refused[2], refused
    assert not list((tmp_path / "out").glob("*"))
    assert run("returns", "review", "--period", PERIOD, "--reviewer", "李晓东")[0] == 0
    code, out, err = run("export", "--period", PERIOD, "--out", str(tmp_path / "out"), "--sign", "--passphrase-env", "LEDGER_PASS")
    assert code == 0, err
    files = out.split()
    assert [Path(f).name for f in files] == ["婺城区_2023-B22_v1.xlsx", "婺城区_2023-B22_v1.pdf"]
    assert run("identity", "export-cert", str(tmp_path / "c.cer"))[0] == 0
    code, out, _err = run("verify", *files, "--trust", str(tmp_path / "c.cer"))
    assert code == 0 and out.count("：有效") == 2, out
    monkeypatch.setenv("LEDGER_PASS", "nope-nope")
    code, _out, err = run("export", "--period", PERIOD, "--out", str(tmp_path), "--sign", "--passphrase-env", "LEDGER_PASS")
    assert code == 2 and "口令不正确" in err and "Traceback" not in err


def test_a_row_taller_than_a_page_is_split_rather_than_failing(plan_store):
    from exchange.returns.pdf_return import build_pdf

    with plan_store.session() as session:
        data = build_return(session, PERIOD, AS_OF)
    data.tasks[0].progress = "很长的进展说明。" * 900
    pdf, stamp = build_pdf(data, draft=True)
    assert pdf.startswith(b"%PDF") and stamp.page > 0


def test_review_is_tied_to_the_data(demo_store):
    """A review records the digest of the return as built then; signing other data is refused
    with what changed since, and a new review allows it again."""
    from models.office import Office, Return
    from models.returns import SignedFiles, check_can_sign, mark_signed, review_outdated

    explain_all(demo_store)
    with demo_store.transaction() as session:
        ret = review(session, PERIOD, "李晓东", digest_of(session))
    with demo_store.session() as session:
        ret = session.scalar(select(Return))
        now = digest_of(session)(ret)
        assert ret.digest == now and len(now) == 64  # the cover's reviewer is part of it
        assert check_can_sign(session, PERIOD, now).state is ReturnState.REVIEWED
        later = digest_of(session, date(2023, 10, 30))(ret)  # the period runs to 11-04: judged later
        assert review_outdated(session, ret, later) == "审核后台账数据已改动（统计日期或推算的状态已变化），请重新审核。"

    with demo_store.transaction() as session:  # two reports of the period and the office change
        for report in session.scalars(select(ProgressReport).where(ProgressReport.period_id == PERIOD).limit(2)):
            report.progress += "（审核后补充）"
        session.scalar(select(Office)).phone = "0579-12345678"
    with demo_store.session() as session:
        ret = session.scalar(select(Return))
        changed = digest_of(session)(ret)
        assert changed != ret.digest
        expected = "审核后台账数据已改动（本单位信息 1 处、任务进展 2 处），请重新审核。"
        assert review_outdated(session, ret, changed) == expected
        with pytest.raises(LedgerError, match=re.escape(expected)):
            check_can_sign(session, PERIOD, changed)
    with pytest.raises(LedgerError, match="请重新审核"), demo_store.transaction() as session:
        mark_signed(session, PERIOD, "王", SignedFiles(changed, "a.xlsx", "0" * 64, "a.pdf", "0" * 64))
    with demo_store.session() as session:
        assert session.scalar(select(Return)).state is ReturnState.REVIEWED  # nothing recorded

    with demo_store.transaction() as session:  # reviewed again: tied to the data as it is now
        ret = review(session, PERIOD, "李晓东", digest_of(session))
        assert ret.digest == changed and review_outdated(session, ret, changed) == ""
        signed = mark_signed(session, PERIOD, "王", SignedFiles(changed, "a.xlsx", "0" * 64, "a.pdf", "0" * 64))
        assert signed.state is ReturnState.SIGNED and signed.digest == changed


def test_a_changed_return_is_refused_before_it_is_laid_out_and_signed(demo_store, tmp_path, monkeypatch):
    import exchange.returns.returns_export

    create_identity(identity_folder(demo_store), "婺城区", "婺城区营商办", PASSPHRASE)
    explain_all(demo_store)
    with demo_store.transaction() as session:
        review(session, PERIOD, "李晓东", digest_of(session))
    with demo_store.transaction() as session:
        session.scalar(select(ProgressReport).where(ProgressReport.period_id == PERIOD)).problems += "（补充）"
    laid_out = []
    monkeypatch.setattr(exchange.returns.returns_export, "build_pdf", lambda *a, **k: laid_out.append(a))
    with pytest.raises(LedgerError, match="审核后台账数据已改动（任务进展 1 处），请重新审核"):
        export_return(demo_store, PERIOD, tmp_path / "out", AS_OF, PASSPHRASE)
    assert laid_out == [] and not (tmp_path / "out").exists()
