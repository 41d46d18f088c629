"""Fresh-process figures of the command line, each beside a reference run the same way.

    python tests/bench_cli.py [--runs 5]

- ``main.py --db demo.db summary`` as a fresh process on the demo store (median of the runs),
  beside ``python -c pass`` and ``python -c "import sqlalchemy"`` of the same interpreter;
- ``main.py … export --sign`` of a full demo return as a fresh command, beside LibreOffice headless
  converting the same workbook to PDF as a fresh process (tests/bench_returns.py's conversion).

Every run is timed from the start of the process to its end, with the project's bytecode cached
(PYTHONDONTWRITEBYTECODE, if set, is dropped; the warm-up run writes it). Before each signed export the
return is withdrawn (after the first) and reviewed again by the ordinary commands, untimed.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_returns import PASSPHRASE, PERIOD, libreoffice  # beside this script: its LibreOffice conversion

ROOT = Path(__file__).resolve().parent.parent
MAIN = str(ROOT / "main.py")
PASS_VAR = "BENCH_CLI_PASS"


def run(*argv: str) -> float:
    """Seconds for one fresh process, start to end; its output is kept out of the way."""
    env = dict(os.environ, **{PASS_VAR: PASSPHRASE})
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the project's bytecode cached, as an installed program has it
    start = time.perf_counter()
    subprocess.run([sys.executable, *argv], check=True, capture_output=True, env=env, cwd=ROOT)
    return time.perf_counter() - start


def ledger(db: Path, *argv: str) -> float:
    return run(MAIN, "--db", str(db), *argv)


def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def summary_figures(db: Path, runs: int) -> None:
    ledger(db, "summary")  # warm the file cache for all three
    bare = [run("-c", "pass") for _ in range(runs)]
    alchemy = [run("-c", "import sqlalchemy") for _ in range(runs)]
    summary = [ledger(db, "summary") for _ in range(runs)]
    print(f"python -c pass: median {median_ms(bare):.0f} ms; python -c 'import sqlalchemy': "
          f"median {median_ms(alchemy):.0f} ms ({runs} runs)")
    print(f"main.py summary (demo store): median {median_ms(summary):.0f} ms over {runs} runs")
    print(f"ms python_import_sqlalchemy {median_ms(alchemy):.0f}")
    print(f"ms cli_summary {median_ms(summary):.0f}")


def export_sign_figures(db: Path, folder: Path, runs: int) -> None:
    ledger(db, "identity", "new", "--county", "婺城区", "--office", "婺城区营商办", "--passphrase-env", PASS_VAR)
    ledger(db, "returns", "explain", "--period", PERIOD, "--reason", "数据延后报送")
    out = folder / "out"
    ours = []
    for n in range(runs):
        if n:
            ledger(db, "returns", "withdraw", "--period", PERIOD, "--reason", "基准测试")
        ledger(db, "returns", "review", "--period", PERIOD, "--reviewer", "李晓东")
        ours.append(ledger(db, "export", "--period", PERIOD, "--out", str(out), "--sign",
                           "--passphrase-env", PASS_VAR))
    xlsx = max(out.glob(f"*_{PERIOD}_v*.xlsx"), key=lambda path: path.stat().st_mtime)
    lo_out = folder / "lo"
    lo_out.mkdir()
    libreoffice(xlsx, lo_out)  # creates the LibreOffice profile: not part of a conversion
    lo = [libreoffice(xlsx, lo_out) for _ in range(runs)]
    ratio = statistics.median(ours) / statistics.median(lo)
    print(f"main.py export --sign (fresh process): first {ours[0]:.2f} s, median {statistics.median(ours):.2f} s "
          f"over {runs} runs")
    print(f"LibreOffice headless xlsx → pdf (fresh process): median {statistics.median(lo):.2f} s over {runs} runs")
    print(f"ratio export_sign_cli {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "bench.db"
        ledger(db, "init", "--demo")
        summary_figures(db, args.runs)
        export_sign_figures(db, folder, args.runs)


if __name__ == "__main__":
    main()
