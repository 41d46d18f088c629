"""Consolidating 90 counties' signed returns of 200 indicators each, beside pandas merely reading them.

    python tests/bench_consolidate.py [--counties 90] [--indicators 200] [--runs 3] [--folder DIR]

The returns are made once by the real export (exchange.returns.return_data + exchange.returns.xlsx_return, each
signed with its county's own key, the key registered in a city store) and kept in ``--folder``.
Then, ``--runs`` times, two fresh processes one after the other on the same files: ``consolidate`` (verify every
signature, read, combine, rank, write the workbook and PDF) and ``pandas.read_excel(sheet_name=None)``
of every file. Each reports its wall time and its peak resident memory (VmHWM: Linux keeps
ru_maxrss across exec, so a child would report this process's peak of making the returns).
The last lines are the ratios, machine-readable: ``ratio consolidate 0.95``, ``ratio consolidate_memory 1.4``.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASS = "bench-secret"


def make_returns(folder: Path, counties: int, indicators: int) -> str:
    """The city store and the counties' returns; returns the period id."""
    from exchange.signing.identity import create_identity, export_certificate, unlock
    from exchange.returns.return_data import build_return
    from exchange.signing.trust_list import register_certificate
    from exchange.returns.xlsx_return import write_xlsx
    from models.enums import PeriodType
    from models.ledger import IndicatorValue, Period
    from models.periods import period_containing
    from models.plan_loader import ensure_periods, load_plan, read_plan_file
    from models.resources import builtin_plan_path
    from models.office_profile import save_office_profile
    from models.store import Store
    from sqlalchemy import select

    period = period_containing(date.today() + timedelta(days=3), PeriodType.BIWEEKLY)
    plan = read_plan_file(builtin_plan_path())
    base = plan["indicators"][0]
    plan["indicators"] = [dict(base, code=f"B-{n:03d}", name=f"测试指标{n:03d}", task=plan["tasks"][n % 38]["number"],
                               unit="家" if n % 2 else "%", target=100, target_text="≥100",
                               direction="higher", comparison=">=", period_type="monthly", range_max=None)
                          for n in range(1, indicators + 1)]
    folder.mkdir(parents=True, exist_ok=True)
    city, county = Store(folder / "city.db").open(), Store(folder / "county.db").open()
    for store in (city, county):
        with store.transaction() as session:
            load_plan(session, plan)
            ensure_periods(session, period.start.year)
    inbox = folder / "inbox"
    rng = random.Random(6)
    with county.session() as session:
        month = session.scalar(select(Period).where(Period.type == PeriodType.MONTHLY, Period.end <= period.end)
                               .order_by(Period.end.desc()).limit(1))
        month_id = month.id
    for n in range(counties):
        name = f"测试县{n + 1:02d}"
        ident = folder / "identities" / name
        create_identity(ident, name, name + "营商办", PASS)
        register_certificate(city, export_certificate(ident, folder / "certs" / f"{name}.cer"), name)
        save_office_profile(county, county=name, office_name=name + "营商办", preparer="", reviewer="",
                            approver="", phone="")
        with county.transaction() as session:
            session.query(IndicatorValue).delete()
            from models.plan import Indicator

            for indicator in session.scalars(select(Indicator)):
                session.add(IndicatorValue(indicator=indicator, period_id=month_id, value=rng.uniform(40, 120)))
        with county.session() as session:
            data = build_return(session, period.id, date.today(), 1)
        write_xlsx(data, inbox / f"{data.file_stem}.xlsx", unlock(ident, PASS))
        print(f"\r已生成 {n + 1}/{counties}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    city.close()
    county.close()
    return period.id


def run_consolidate(folder: Path, period_id: str) -> dict:
    from exchange.consolidation.consolidate import consolidate, write_outputs
    from models.store import Store

    start = time.perf_counter()
    with Store(folder / "city.db") as city:
        result = consolidate(city, period_id, [folder / "inbox"])
        checked = time.perf_counter()
        with tempfile.TemporaryDirectory() as out:
            pdf = write_outputs(result, Path(out), date.today())[1]
            pages = pdf.read_bytes().count(b"/Type /Page\n") or pdf.read_bytes().count(b"/Type /Page")
    end = time.perf_counter()
    return {"seconds": end - start, "check_seconds": checked - start, "write_seconds": end - checked,
            "counted": len(result.counties), "pdf_pages": pages}


def run_pandas(folder: Path) -> dict:
    import pandas

    start = time.perf_counter()
    files = sorted((folder / "inbox").glob("*.xlsx"))
    cells = 0
    for path in files:
        for frame in pandas.read_excel(path, sheet_name=None, engine="openpyxl").values():
            cells += frame.size
    return {"seconds": time.perf_counter() - start, "files": len(files), "cells": cells}


def child(mode: str, folder: Path, period_id: str) -> dict:
    """One measurement in a fresh process, so the peak memory is its own. The consolidation runs
    without numpy, as the program ships (build.spec excludes it, requirements.txt has none):
    here it is installed for pandas only, and openpyxl would load it (20 MB) where present."""
    hide_numpy = "sys.modules['numpy'] = None;" if mode == "consolidate" else ""
    code = (f"import sys, json; {hide_numpy} sys.path.insert(0, {str(ROOT)!r}); sys.argv = ['x'];"
            f"import tests.bench_consolidate as b; from pathlib import Path;"
            f"r = b.run_{mode}(Path({str(folder)!r}){', ' + repr(period_id) if mode == 'consolidate' else ''});"
            f"from tests.peak_memory import peak_rss_mb; r['peak_mb'] = peak_rss_mb(); print(json.dumps(r))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def median_run(runs: list[dict]) -> dict:
    """Each figure's median over the runs."""
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=90)
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="pairs of runs, one after the other; medians reported")
    parser.add_argument("--folder", type=Path, default=None,
                        help="where the returns are made and kept (default: a folder per size in the temp folder)")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.gettempdir()) / f"ledger-bench-consolidate-{args.counties}x{args.indicators}"
    marker = folder / "period.txt"
    if not marker.exists() or marker.read_text().split()[1:] != [str(args.counties), str(args.indicators)]:
        started = time.perf_counter()
        period_id = make_returns(folder, args.counties, args.indicators)
        marker.write_text(f"{period_id} {args.counties} {args.indicators}")
        print(f"生成 {args.counties} 份报表：{time.perf_counter() - started:.1f} s", file=sys.stderr)
    period_id = marker.read_text().split()[0]
    pairs = [(child("consolidate", folder, period_id), child("pandas", folder, period_id)) for _ in range(args.runs)]
    ours, theirs = median_run([p[0] for p in pairs]), median_run([p[1] for p in pairs])
    time_ratio = statistics.median(o["seconds"] / t["seconds"] for o, t in pairs)
    memory_ratio = statistics.median(o["peak_mb"] / t["peak_mb"] for o, t in pairs)
    size = sum(p.stat().st_size for p in (folder / "inbox").glob("*.xlsx")) / 2**20
    print(f"{args.counties} 份报表 × {args.indicators} 个指标（共 {size:.1f} MB），{args.runs} 轮取中位数")
    print(f"consolidate（核验签名、汇总、排名、写出工作簿和 PDF）：{ours['seconds']:.1f} s，峰值内存 {ours['peak_mb']:.0f} MB，"
          f"计入 {ours['counted']:.0f} 个")
    print(f"  其中核验与读取 {ours['check_seconds']:.1f} s，写出工作簿和 PDF（{ours['pdf_pages']:.0f} 页）{ours['write_seconds']:.1f} s")
    print(f"pandas.read_excel（仅读取全部工作表）：{theirs['seconds']:.1f} s，峰值内存 {theirs['peak_mb']:.0f} MB")
    print(f"时间比 consolidate / pandas = {time_ratio:.2f}；内存比 = {memory_ratio:.2f}（每轮之比的中位数）")
    print(f"ratio consolidate {time_ratio:.2f}")
    print(f"ratio consolidate_memory {memory_ratio:.2f}")


if __name__ == "__main__":
    main()
