"""Checking one signed return of 200 indicators, as consolidation does for each county.

    python tests/bench_verify.py [--indicators 200] [--folder DIR]

The return is made once by the real export (tests/bench_consolidate.make_returns, one county).
Then, median of three runs each: ``verify_file`` (the signature of every cell), ``check_return``
(verify and read the return in one pass, and judge its state) and ``read_return`` alone.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def median_seconds(work, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    from exchange.consolidation.consolidate import check_return
    from exchange.signing.verify import verify_file
    from exchange.returns.xlsx_return import read_return
    from tests.bench_consolidate import make_returns

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "ledger-bench-verify")
    args = parser.parse_args()
    marker = args.folder / "period.txt"
    if not marker.exists() or marker.read_text().split()[1:] != [str(args.indicators)]:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(f"{make_returns(args.folder, 1, args.indicators)} {args.indicators}")
    period_id = marker.read_text().split()[0]
    [path] = (args.folder / "inbox").glob("*.xlsx")
    check = verify_file(path)
    assert check.valid, check.problems
    trusted = {check.fingerprint: check.county}
    print(f"1 份报表 × {args.indicators} 个指标，{path.stat().st_size / 2**10:.0f} KiB")
    print(f"verify_file：{median_seconds(lambda: verify_file(path)):.2f} s")
    print(f"check_return（核验并读取，一次打开）：{median_seconds(lambda: check_return(path, period_id, trusted, date.max)):.2f} s")
    print(f"read_return：{median_seconds(lambda: read_return(path)):.2f} s")


if __name__ == "__main__":
    main()
