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
import resource
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


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(*argv: str) -> tuple[float, float]:
    """(wall, CPU) seconds of one fresh process, start to end; its output is kept out of the way."""
    env = dict(os.environ, **{PASS_VAR: PASSPHRASE})
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the project's bytecode cached, as an installed program has it
    cpu, start = child_cpu(), time.perf_counter()
    subprocess.run([sys.executable, *argv], check=True, capture_output=True, env=env, cwd=ROOT)
    return time.perf_counter() - start, child_cpu() - cpu


def ledger(db: Path, *argv: str) -> tuple[float, float]:
    return run(MAIN, "--db", str(db), *argv)


def medians_ms(timings: list[tuple[float, float]]) -> tuple[float, float]:
    """Median wall and median CPU, in ms."""
    return tuple(statistics.median(t[i] for t in timings) * 1000 for i in (0, 1))


def summary_figures(db: Path, runs: int) -> None:
    ledger(db, "summary")  # warm the file cache and write the bytecode
    bare, alchemy, summary = [], [], []
    for _ in range(runs):  # alternating, so a change in the machine's load weighs on all three alike
        bare.append(run("-c", "pass"))
        alchemy.append(run("-c", "import sqlalchemy"))
        summary.append(ledger(db, "summary"))
    (b, bc), (a, ac), (m, mc) = medians_ms(bare), medians_ms(alchemy), medians_ms(summary)
    print(f"python -c pass: median {b:.0f} ms (CPU {bc:.0f} ms); python -c 'import sqlalchemy': "
          f"median {a:.0f} ms (CPU {ac:.0f} ms), {runs} runs")
    print(f"main.py summary (demo store): median {m:.0f} ms (CPU {mc:.0f} ms) over {runs} runs")
    print(f"ms python_import_sqlalchemy {a:.0f}")
    print(f"ms cli_summary {m:.0f}")


def export_sign_figures(db: Path, folder: Path, runs: int) -> None:
    ledger(db, "identity", "new", "--county", "婺城区", "--office", "婺城区营商办", "--passphrase-env", PASS_VAR)
    ledger(db, "returns", "explain", "--period", PERIOD, "--reason", "数据延后报送")
    out, lo_out = folder / "out", folder / "lo"
    lo_out.mkdir()
    ours, lo = [], []
    for n in range(runs):  # alternating with the conversion, so the machine's load weighs on both alike
        if n:
            ledger(db, "returns", "withdraw", "--period", PERIOD, "--reason", "基准测试")
        ledger(db, "returns", "review", "--period", PERIOD, "--reviewer", "李晓东")
        ours.append(ledger(db, "export", "--period", PERIOD, "--out", str(out), "--sign",
                           "--passphrase-env", PASS_VAR)[0])
        xlsx = out / f"婺城区_{PERIOD}_v{n + 1}.xlsx"
        if not n:
            libreoffice(xlsx, lo_out)  # creates the LibreOffice profile: not part of a conversion
        lo.append(libreoffice(xlsx, lo_out))
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
