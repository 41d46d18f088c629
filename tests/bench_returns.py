"""Benchmark: export and sign a full demo return (xlsx + pdf) beside LibreOffice headless
converting the same workbook to PDF; prints both times, their ratio and the file sizes, and
last the machine-readable ``ratio export_sign X.XX`` (medians). Each export unlocks the key
(PBKDF2) as a person's does; the first one also builds the stamp font kept beside the key.

    python tests/bench_returns.py [--runs 5]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exchange.signing.identity import create_identity, identity_folder  # noqa: E402
from exchange.returns.return_data import build_return, return_digest  # noqa: E402
from exchange.returns.returns_export import export_return  # noqa: E402
from models.returns import completeness, explain_gap, review, withdraw  # noqa: E402
from models.plan_loader import initialise  # noqa: E402
from models.settings import as_of_date  # noqa: E402
from models.store import Store  # noqa: E402

PERIOD, PASSPHRASE = "2023-B22", "bench-pass"


def sign_once(store: Store, out: Path, first: bool) -> tuple[float, object]:
    with store.transaction() as session:
        if not first:
            withdraw(session, PERIOD, "基准测试")
        as_of = as_of_date(session)
        review(session, PERIOD, "李晓东",
               lambda ret: return_digest(build_return(session, ret.period_id, as_of, ret.version)))
    start = time.perf_counter()
    result = export_return(store, PERIOD, out, as_of, PASSPHRASE)
    return time.perf_counter() - start, result


def libreoffice(xlsx: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run(["soffice", f"-env:UserInstallation=file://{out}/lo-profile", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(out), str(xlsx)], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with Store(folder / "bench.db") as store:
            initialise(store, demo=True)
            create_identity(identity_folder(store), "婺城区", "婺城区营商办", PASSPHRASE)
            with store.transaction() as session:
                for gap in completeness(session, PERIOD):
                    explain_gap(session, gap, "数据延后报送")
            lo_out = folder / "lo"
            lo_out.mkdir()
            # The first export (it also builds the stamp font) and the first conversion (it creates
            # the LibreOffice profile) apart; then the runs alternate, so both meet the same load.
            first, last = sign_once(store, folder / "out", True)
            lo_first = libreoffice(last.xlsx, lo_out)
            ours, lo = [], []
            for _ in range(args.runs):
                seconds, last = sign_once(store, folder / "out", False)
                ours.append(seconds)
                lo.append(libreoffice(last.xlsx, lo_out))
        lo_pdf = lo_out / last.xlsx.with_suffix(".pdf").name
        print(f"export + sign (xlsx + pdf), {args.runs} runs: first {first:.2f} s, "
              f"median {statistics.median(ours):.2f} s")
        print(f"LibreOffice headless xlsx → pdf: first {lo_first:.2f} s (new profile), "
              f"median {statistics.median(lo):.2f} s")
        ratio = statistics.median(ours) / statistics.median(lo)
        print(f"ratio export+sign / LibreOffice conversion (medians): {ratio:.2f}")
        print(f"sizes: xlsx {last.xlsx.stat().st_size / 1024:.0f} KiB, signed pdf {last.pdf.stat().st_size / 1024:.0f} KiB, "
              f"LibreOffice pdf {lo_pdf.stat().st_size / 1024:.0f} KiB")
        shutil.copy(lo_pdf, Path(tempfile.gettempdir()) / "bench_returns_libreoffice.pdf")
        print(f"ratio export_sign {ratio:.2f}")


if __name__ == "__main__":
    main()
