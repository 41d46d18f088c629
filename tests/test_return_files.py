"""A return's files and the store's record of them: visible together, only once recorded; what a
killed run left staged removed (or, when its record was committed, put in place) by the next run;
``returns status`` naming a signed file the store has no record of."""
from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import exchange.returns.returns_export as returns_export
from exchange.consolidation.consolidate import consolidate, write_outputs
from exchange.returns.returns_export import export_return
from exchange.signing.identity import create_identity, identity_folder
from models.returns import history, withdraw
from models.plan_loader import initialise
from models.store import Store
from tests.conftest import ROOT
from tests.test_returns import AS_OF, PASSPHRASE, PERIOD, explain_all, review_and_sign


@pytest.fixture
def county(tmp_path):
    store = Store(tmp_path / "ledger.db").open()
    initialise(store, demo=True)
    create_identity(identity_folder(store), "婺城区", "婺城区营商办", PASSPHRASE)
    explain_all(store)
    yield store
    store.close()


def visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def test_signed_files_become_visible_only_after_their_record(county, tmp_path, monkeypatch):
    out = tmp_path / "out"
    seen_at_record = []
    real = returns_export.mark_signed

    def mark_signed(session, *args):
        seen_at_record.append(sorted(p.name for p in out.iterdir()))
        return real(session, *args)

    monkeypatch.setattr(returns_export, "mark_signed", mark_signed)
    result = review_and_sign(county, out)
    # both files were written in full, hidden, when the record was made; then both appeared
    assert [name for name in seen_at_record[0] if not name.endswith(".tmp")] == []
    assert len([name for name in seen_at_record[0] if name.endswith(".tmp")]) == 2
    assert sorted(p.name for p in out.iterdir()) == [result.pdf.name, result.xlsx.name]


def test_a_refused_record_leaves_no_file(county, tmp_path, monkeypatch):
    def refuse(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(returns_export, "mark_signed", refuse)
    out = tmp_path / "out"
    with pytest.raises(OSError):
        review_and_sign(county, out)
    assert list(out.iterdir()) == []
    with county.session() as session:
        assert [r.state.value for r in history(session, PERIOD)] == ["reviewed"]


def test_the_next_run_removes_stale_temporary_files(county, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".婺城区_2023-B22_v1.xlsx.k3j2h1.tmp").write_bytes(b"half a workbook")
    (out / ".婺城区_2023-B21_v1.pdf.a1b2c3.tmp").write_bytes(b"half a pdf")
    (out / ".notes.txt.zz.tmp").write_bytes(b"not ours")
    export_return(county, PERIOD, out, AS_OF)  # a draft is enough
    assert sorted(p.name for p in out.iterdir()) == [".notes.txt.zz.tmp", "婺城区_2023-B22_v1.pdf",
                                                    "婺城区_2023-B22_v1.xlsx"]


def test_files_recorded_before_a_kill_are_put_in_place_by_the_next_run(county, tmp_path, monkeypatch):
    import exchange.common.files as files

    out = tmp_path / "out"

    replace = files.os.replace

    def killed(temp, target):  # the record is committed; the process dies before the first rename
        if Path(target).parent != out:  # not a return file (the stamp font kept beside the key)
            return replace(temp, target)
        raise SystemExit("killed")

    monkeypatch.setattr(files.os, "replace", killed)
    with pytest.raises(SystemExit):
        review_and_sign(county, out)
    monkeypatch.undo()
    assert visible(out) == [] and len(list(out.iterdir())) == 2  # signed, recorded, not yet visible
    export_return(county, "2023-B21", out, AS_OF)  # the next run into that folder
    with county.session() as session:
        (ret,) = history(session, PERIOD)
    import hashlib

    assert visible(out) == sorted([Path(ret.xlsx_path).name, Path(ret.pdf_path).name,
                                   "婺城区_2023-B21_v1.xlsx", "婺城区_2023-B21_v1.pdf"])
    assert hashlib.sha256(Path(ret.xlsx_path).read_bytes()).hexdigest() == ret.xlsx_sha256
    assert hashlib.sha256(Path(ret.pdf_path).read_bytes()).hexdigest() == ret.pdf_sha256


def test_returns_status_names_a_signed_file_the_store_does_not_know(county, tmp_path):
    out = tmp_path / "out"
    first = review_and_sign(county, out)
    copy = tmp_path / "copy.db"
    county.close()
    shutil.copy(tmp_path / "ledger.db", copy)
    shutil.copytree(tmp_path / "ledger.files", tmp_path / "copy.files")
    with Store(copy) as other:  # a copy of the ledger signs a version the original never had
        with other.transaction() as session:
            withdraw(session, PERIOD, "更正数据")
        second = review_and_sign(other, out)
    assert second.xlsx.name.endswith("_v2.xlsx")
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(tmp_path / "ledger.db"),
                             "--as-of", "2023-10-27", "returns", "status", "--period", PERIOD],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    named = [line for line in result.stdout.splitlines() if "没有这份文件的签发记录" in line]
    assert sorted(Path(line.split("：")[0].strip(" ✗")).name for line in named) == [second.pdf.name, second.xlsx.name]
    assert first.xlsx.name not in result.stdout
    county.open()


def test_consolidation_files_are_written_together(county, tmp_path, monkeypatch):
    import exchange.consolidation.consolidated_pdf as consolidated_pdf
    from exchange.signing.identity import export_certificate
    from exchange.signing.trust_list import register_certificate

    cert = export_certificate(identity_folder(county), tmp_path / "county.cer")
    with Store(tmp_path / "city.db") as city:
        initialise(city)
        register_certificate(city, cert, "婺城区")
        result = consolidate(city, PERIOD, [])
        out = tmp_path / "out"
        write_outputs(result, out, date(2023, 11, 8))
        before = {p.name: p.read_bytes() for p in out.iterdir()}

        def pdf_fails(*_args, **_kwargs):
            raise RuntimeError("killed while the PDF was typeset")

        monkeypatch.setattr(consolidated_pdf, "build_consolidated_pdf", pdf_fails)
        with pytest.raises(RuntimeError):
            write_outputs(result, out, date(2023, 11, 9))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the old pair stays, whole


def test_a_pair_killed_between_its_renames_is_finished_by_the_next_run(tmp_path, monkeypatch):
    import exchange.common.files as files

    real, calls = files.os.replace, []

    def killed_after_the_first(*args):
        calls.append(args)
        if len(calls) == 2:
            raise SystemExit("killed")
        return real(*args)

    pair = {tmp_path / "汇总_2023-B22.xlsx": b"workbook", tmp_path / "汇总_2023-B22.pdf": b"%PDF"}
    monkeypatch.setattr(files.os, "replace", killed_after_the_first)
    with pytest.raises(SystemExit):
        files.write_together(pair)
    monkeypatch.undo()
    assert visible(tmp_path) == ["汇总_2023-B22.xlsx"] and len(list(tmp_path.iterdir())) == 2
    files.clear_stale(tmp_path, ["汇总_*.xlsx", "汇总_*.pdf"])  # what the next run does first
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {p.name: data for p, data in pair.items()}
