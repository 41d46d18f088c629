"""Kill the writing commands with SIGKILL at many moments and check what the next start finds.

``init``, ``import-values``, ``import-plan``, ``export --sign`` and ``consolidate --sign`` each run
in a forked child (modules already imported, so a run costs only its own work) that is killed
with SIGKILL at a random time, after its N-th SQL statement ("some tables written", "some rows
written") or at its N-th file step (fsync, rename, link: "first file written"). The points
are chosen in the child by wrapping those calls; the program itself has no crash hook. After every
kill: ``PRAGMA integrity_check``, the store opens, an import is all or nothing, every visible
signed file is recorded, and after the next (uninterrupted) run no temporary file is left.
POSIX only (fork, SIGKILL).
"""
from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fork and SIGKILL are POSIX")

PASS_ENV, PASSPHRASE = "CRASH_PASS", "crash-secret-1"
PERIOD, AS_OF = "2023-B22", "2023-10-27"
KILLS = {"init": 40, "import-values": 27, "import-plan": 25, "export": 9, "consolidate": 5}
# Most export kills skip the typesetting and PAdES step (they write nothing and take seconds),
# handing back the signed PDF of an earlier run: the kills land in the writing and the record.
REAL_PDF_EXPORTS = 3
FILE_STEPS = ("fsync", "replace", "link")  # a file written in full is fsynced, then renamed or linked


@dataclass
class Tally:
    kills: Counter = field(default_factory=Counter)
    seconds: Counter = field(default_factory=Counter)  # per command, for the report line
    unopenable: list[str] = field(default_factory=list)
    half_imports: list[str] = field(default_factory=list)
    unrecorded_signed: list[str] = field(default_factory=list)
    stray: list[str] = field(default_factory=list)


def _use_earlier_pdf(pdf: bytes) -> None:
    """In the child: the return's PDF is the signed one of an earlier run of the same return."""
    import exchange.returns.returns_export as returns_export
    import exchange.signing.pdf_sign as pdf_sign

    returns_export.build_pdf = lambda data, draft: (b"", None)
    pdf_sign.sign_pdf = lambda *args: pdf


def _arm(point: tuple[str, int] | None) -> None:
    """In the child: SIGKILL itself at the N-th SQL statement or the N-th file step."""
    if point is None:
        return
    kind, n = point
    calls = [0]

    def tick(*_args, **_kwargs) -> None:
        calls[0] += 1
        if calls[0] >= n:
            os.kill(os.getpid(), signal.SIGKILL)

    if kind == "sql":
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.listen(Engine, "before_cursor_execute", tick)
        return
    for name in FILE_STEPS:
        real = getattr(os, name)

        def wrapped(*args, _real=real, **kwargs):
            result = _real(*args, **kwargs)
            tick()
            return result

        setattr(os, name, wrapped)


def _quiet_child(cwd: Path, pdf: bytes | None) -> None:
    """In a forked child: work in ``cwd`` with no output, reusing an earlier signed PDF if given."""
    os.chdir(cwd)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    if pdf is not None:
        _use_earlier_pdf(pdf)


def run_child(argv: list[str], cwd: Path, point: tuple[str, int] | None = None,
              after: float | None = None, pdf: bytes | None = None) -> int | None:
    """Run ``main.main(argv)`` in a fork; kill it after ``after`` seconds or at ``point``.
    Returns the exit code, or None when it was killed."""
    pid = os.fork()
    if pid == 0:  # the child: no pytest, no output, no clean-up handlers
        try:
            _quiet_child(cwd, pdf)
            _arm(point)
            from main import main

            code = main(argv)
        except BaseException:
            code = 99
        os._exit(code)
    if after is not None:
        deadline = time.monotonic() + after
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.002)
        os.kill(pid, signal.SIGKILL)
    _pid, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    return None if code == -signal.SIGKILL else code


def count_steps(argv: list[str], cwd: Path, pdf: bytes | None = None) -> tuple[int, int, float]:
    """(SQL statements, file steps, seconds) of one uninterrupted run, counted in a child."""
    counts = cwd / "counts.txt"
    pid = os.fork()
    if pid == 0:
        try:
            _quiet_child(cwd, pdf)
            from sqlalchemy import event
            from sqlalchemy.engine import Engine

            tally = Counter()
            event.listen(Engine, "before_cursor_execute", lambda *a, **k: tally.update(["sql"]))
            for name in FILE_STEPS:
                real = getattr(os, name)
                setattr(os, name, lambda *a, _real=real, **k: (tally.update(["file"]), _real(*a, **k))[1])
            from main import main

            started = time.monotonic()
            code = main(argv)
            counts.write_text(f"{tally['sql']} {tally['file']} {time.monotonic() - started} {code}")
        except BaseException as error:  # told to the parent, whose assertion shows it
            counts.write_text(f"0 0 0 {error!r}")
        os._exit(0)
    os.waitpid(pid, 0)
    sql, files, seconds, code = counts.read_text().split(maxsplit=3)
    counts.unlink()
    assert code == "0", argv
    return int(sql), int(files), float(seconds)


def integrity_and_open(db: Path, tally: Tally, what: str) -> bool:
    """True when the store is whole and opens; False when there is none (a killed init)."""
    from models.store import Store

    if not db.exists():
        return False
    connection = sqlite3.connect(db)
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        result = str(error)
    finally:
        connection.close()
    if result != "ok":
        tally.unopenable.append(f"{what}: integrity_check {result}")
        return False
    try:
        Store(db, create=False).open().close()
    except Exception as error:  # noqa: BLE001 — counted, not raised: the tally is the test's verdict
        tally.unopenable.append(f"{what}: {error}")
        return False
    return True


def snapshot(db: Path, query: str) -> list[tuple]:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) if folder.exists() else []


def recorded_hashes(db: Path) -> set[str]:
    rows = snapshot(db, "SELECT xlsx_sha256, pdf_sha256 FROM return")
    return {sha for row in rows for sha in row if sha}


def signed_files(folder: Path) -> list[Path]:
    from exchange.signing.verify import verify_file

    return [p for p in sorted(folder.glob("*")) if not p.name.startswith(".") and verify_file(p).signed]


def copy_store(template: Path, folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(template / "ledger.db", folder / "ledger.db")
    if (template / "ledger.files").exists():
        shutil.copytree(template / "ledger.files", folder / "ledger.files")
    for extra in template.iterdir():
        if extra.is_file() and extra.name != "ledger.db":
            shutil.copy(extra, folder / extra.name)
    return folder / "ledger.db"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Template stores (a county's, reviewed and ready to sign; a city's, trusting it, with its own
    key), a values workbook, a revised plan workbook and a signed return for the city to take."""
    import openpyxl

    import exchange.consolidation.consolidated_pdf  # noqa: F401  (imported once, not in every child)
    import exchange.signing.pdf_sign  # noqa: F401
    import exchange.signing.verify  # noqa: F401
    from exchange.plans.plan_export import export_store_plan
    from exchange.returns.returns_export import export_return
    from exchange.signing.identity import create_identity, export_certificate, identity_folder
    from exchange.signing.trust_list import register_certificate
    from models.returns import review
    from models.plan_loader import initialise
    from models.store import Store
    from tests.test_returns import digest_of, explain_all

    os.environ[PASS_ENV] = PASSPHRASE
    root = tmp_path_factory.mktemp("crash")
    county = root / "county"
    county.mkdir()
    with Store(county / "ledger.db") as store:
        initialise(store, demo=True)
        create_identity(identity_folder(store), "婺城区", "婺城区营商办", PASSPHRASE)
        explain_all(store)
        with store.transaction() as session:
            review(session, PERIOD, "李晓东", digest_of(session))
        export_store_plan(store, county / "plan.xlsx")
        cert = export_certificate(identity_folder(store), root / "county.cer")
        rows = snapshot(store.path, "SELECT i.code, v.value FROM indicator_value v JOIN indicator i "
                                    "ON i.id = v.indicator_id WHERE v.period_id = '2023-M09'")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["指标", "期次", "数值", "备注"])
    for code, value in rows:  # October's values, new rows: half an import would show
        sheet.append([code, "2023-M10", value, "十月数据"])
    book.save(county / "values.xlsx")
    plan = openpyxl.load_workbook(county / "plan.xlsx")
    tasks = plan["任务清单"]
    for row in tasks.iter_rows(min_row=3):
        if row[3].value:
            row[3].value = f"{row[3].value}（修订）"
    plan.save(county / "plan-revised.xlsx")
    # the signed return the city takes: signed once in a copy of the county
    signed = copy_store(county, root / "signer")
    with Store(signed) as store:
        result = export_return(store, PERIOD, root / "inbox", date_of(AS_OF), PASSPHRASE)
    assert result.signed
    city = root / "city"
    city.mkdir()
    with Store(city / "ledger.db") as store:
        initialise(store)
        register_certificate(store, cert, "婺城区")
        create_identity(identity_folder(store), "金华市", "金华市营商办", PASSPHRASE)
    return root


def date_of(text: str):
    from datetime import date

    return date.fromisoformat(text)


def kill_points(argv: list[str], template: Path | None, runs: int, rng: random.Random, scratch: Path,
                pdf: bytes | None = None) -> list:
    """``runs`` kill moments spread over random times, SQL statements and file steps."""
    probe = copy_store(template, scratch / "probe") if template else scratch / "probe" / "ledger.db"
    probe.parent.mkdir(parents=True, exist_ok=True)
    sql, files, seconds = count_steps(["--db", str(probe), *argv], probe.parent, pdf)
    shutil.rmtree(probe.parent)
    points = []
    for i in range(runs):
        kind = ("time", "sql", "file")[i % 3]
        if kind == "time" or (kind == "file" and not files):
            points.append(("time", rng.uniform(0, seconds * 1.1)))
        elif kind == "sql":
            points.append(("sql", 1 + (i * 7919 + rng.randrange(sql)) % sql))
        else:
            points.append(("file", 1 + rng.randrange(files)))
    return points


def kill(argv: list[str], cwd: Path, point, pdf: bytes | None = None) -> int | None:
    kind, at = point
    if kind == "time":
        return run_child(argv, cwd, after=at, pdf=pdf)
    return run_child(argv, cwd, point=(kind, at), pdf=pdf)


def test_sigkill_at_any_moment_leaves_a_whole_store(world, tmp_path):
    rng = random.Random(11)
    tally = Tally()
    started = time.monotonic()
    county, city = world / "county", world / "city"

    # init: no store or a whole one; the next init goes on and leaves nothing of the killed one
    for n, point in enumerate(kill_points(["init"], None, KILLS["init"], rng, tmp_path / "init-probe")):
        folder = tmp_path / f"init{n}"
        folder.mkdir()
        db = folder / "ledger.db"
        kill(["--db", str(db), "init"], folder, point)
        tally.kills["init"] += 1
        integrity_and_open(db, tally, f"init {point}")
        if run_child(["--db", str(db), "init"], folder) != 0:
            tally.unopenable.append(f"init {point}: the next init failed")
        tally.stray += [f"init {point}: {name}" for name in temp_files(folder)]
        shutil.rmtree(folder)

    tally.seconds["init"] = round(time.monotonic() - started - sum(tally.seconds.values()))
    # imports: all or nothing
    imports = {
        "import-values": (["import-values", str(county / "values.xlsx")],
                          "SELECT indicator_id, period_id, value, note FROM indicator_value ORDER BY 1, 2"),
        "import-plan": (["import-plan", str(county / "plan-revised.xlsx")],
                        "SELECT number, title, archived FROM task ORDER BY number"),
    }
    for name, (argv, query) in imports.items():
        before = snapshot(county / "ledger.db", query)
        whole = copy_store(county, tmp_path / f"{name}-whole")
        assert run_child(["--db", str(whole), *argv], whole.parent) == 0
        after = snapshot(whole, query)
        assert after != before
        for n, point in enumerate(kill_points(argv, county, KILLS[name], rng, tmp_path / f"{name}-probe")):
            db = copy_store(county, tmp_path / f"{name}{n}")
            kill(["--db", str(db), *argv], db.parent, point)
            tally.kills[name] += 1
            if integrity_and_open(db, tally, f"{name} {point}") and snapshot(db, query) not in (before, after):
                tally.half_imports.append(f"{name} {point}")
            shutil.rmtree(db.parent)

    tally.seconds["imports"] = round(time.monotonic() - started - sum(tally.seconds.values()))
    # export --sign: no signed file without its record; the next run leaves no temporary file
    argv = ["--as-of", AS_OF, "export", "--period", PERIOD, "--out", "out", "--sign", "--passphrase-env", PASS_ENV]
    earlier = next((world / "inbox").glob("*.pdf")).read_bytes()
    points = kill_points(argv, county, REAL_PDF_EXPORTS, rng, tmp_path / "export-probe")
    points = [(point, None) for point in points] + [(point, earlier) for point in kill_points(
        argv, county, KILLS["export"] - REAL_PDF_EXPORTS, rng, tmp_path / "export-probe-fast", earlier)]
    for n, (point, pdf) in enumerate(points):
        db = copy_store(county, tmp_path / f"export{n}")
        out = db.parent / "out"
        kill(["--db", str(db), *argv], db.parent, point, pdf)
        tally.kills["export"] += 1
        if integrity_and_open(db, tally, f"export {point}"):
            known = recorded_hashes(db)
            tally.unrecorded_signed += [f"export {point}: {p.name}" for p in (signed_files(out) if out.exists() else [])
                                        if hashlib.sha256(p.read_bytes()).hexdigest() not in known]
            if temp_files(out) or known:  # else the kill came before anything was written
                run_child(["--db", str(db), *argv], db.parent, pdf=pdf)  # the next run: signs, or finds it signed
                tally.stray += [f"export {point}: {name}" for name in temp_files(out)]
                visible = {hashlib.sha256(p.read_bytes()).hexdigest() for p in out.glob("*")
                           if not p.name.startswith(".")}
                if visible != recorded_hashes(db) or len(visible) != 2:
                    tally.unrecorded_signed.append(f"export {point}: after the next run {len(visible)} files, "
                                                   f"{len(recorded_hashes(db))} recorded")
        shutil.rmtree(db.parent)

    tally.seconds["export"] = round(time.monotonic() - started - sum(tally.seconds.values()))
    # consolidate --sign: the workbook and the PDF appear together
    argv = ["--as-of", "2023-11-08", "consolidate", "--period", PERIOD, "--out", "out", "--sign",
            "--passphrase-env", PASS_ENV, str(world / "inbox")]
    for n, point in enumerate(kill_points(argv, city, KILLS["consolidate"], rng, tmp_path / "city-probe")):
        db = copy_store(city, tmp_path / f"city{n}")
        out = db.parent / "out"
        kill(["--db", str(db), *argv], db.parent, point)
        tally.kills["consolidate"] += 1
        if integrity_and_open(db, tally, f"consolidate {point}"):
            shown = sorted(p.name for p in out.glob("汇总_*")) if out.exists() else []
            if len(shown) == 1 and not temp_files(out):  # killed between the renames: the pair's other half
                tally.stray.append(f"consolidate {point}: {shown[0]} without its pair")  # must wait, whole, staged
            if temp_files(out) or shown:
                run_child(["--db", str(db), *argv], db.parent)
                tally.stray += [f"consolidate {point}: {name}" for name in temp_files(out)]
                if sorted(p.name for p in out.glob("汇总_*")) != [f"汇总_{PERIOD}.pdf", f"汇总_{PERIOD}.xlsx"]:
                    tally.stray.append(f"consolidate {point}: the next run did not write both files")
        shutil.rmtree(db.parent)

    tally.seconds["consolidate"] = round(time.monotonic() - started - sum(tally.seconds.values()))
    total = sum(tally.kills.values())
    print(f"\nkills {total} {dict(tally.kills)}; stores unopenable {len(tally.unopenable)}, half imports "
          f"{len(tally.half_imports)}, unrecorded signed files {len(tally.unrecorded_signed)}, "
          f"stray files {len(tally.stray)}; seconds {dict(tally.seconds)}")
    assert total >= 100
    assert tally.unopenable == []
    assert tally.half_imports == []
    assert tally.unrecorded_signed == []
    assert tally.stray == []
