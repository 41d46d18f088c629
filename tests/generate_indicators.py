"""A large ledger for benchmarks: the built-in plan plus N generated biweekly indicators with
values for every period of several years (default 500 × 26 × 5 = 65 000 values).

    python tests/generate_indicators.py OUT.db [--indicators 500] [--years 5]

Rows go in with bulk inserts and the audit listener suspended: generated data is no one's edit.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402

from models import audit  # noqa: E402
from models.enums import Direction, Origin, PeriodType, ValueKind  # noqa: E402
from models.ledger import IndicatorValue  # noqa: E402
from models.periods import periods_of_year  # noqa: E402
from models.plan import Indicator  # noqa: E402
from models.plan_loader import current_plan, ensure_periods  # noqa: E402
from models.plan_loader import initialise  # noqa: E402
from models.settings import AS_OF  # noqa: E402
from models.store import Store  # noqa: E402

_UNITS = [("个", 0, 200), ("%", 1, 90), ("天", 0, 30), ("万元", 2, 5000), ("家", 0, 3000), ("件", 0, 800)]


def generate(path: Path, indicators: int = 500, years: int = 5, seed: int = 4) -> int:
    """Fill ``path`` (created if missing) and return the number of values written."""
    rng = random.Random(seed)
    with Store(path) as store:
        initialise(store)
        with store.transaction() as session:
            audit.suspend(session)
            plan = current_plan(session)
            first_year = plan.year - years + 1
            for year in range(first_year, plan.year + 1):
                ensure_periods(session, year)
            AS_OF.set(session, date(plan.year, 12, 31))
            task_ids = [t.id for t in plan.tasks]
            rows = []
            for n in range(1, indicators + 1):
                unit, decimals, target = rng.choice(_UNITS)
                kind = ValueKind.CUMULATIVE if unit in ("个", "家", "件", "万元") and rng.random() < 0.6 else ValueKind.POINT
                direction = Direction.LOWER if unit == "天" else Direction.HIGHER
                rows.append(dict(plan_id=plan.id, task_id=rng.choice(task_ids), code=f"GEN-{n:04d}",
                                 name=f"生成指标{n:04d}（{unit}）", origin=Origin.COUNTY, unit=unit,
                                 direction=direction, comparison="<=" if direction is Direction.LOWER else ">=",
                                 kind=kind, target=float(target), target_text=f"{target}{unit}",
                                 range_min=0.0, range_max=float(target * 100), decimals=decimals,
                                 period_type=PeriodType.BIWEEKLY, source_unit="生成数据"))
            session.execute(insert(Indicator), rows)
            generated = session.execute(select(Indicator.id, Indicator.kind, Indicator.target, Indicator.decimals,
                                               Indicator.direction).where(Indicator.code.like("GEN-%"))).all()
            values = []
            for indicator_id, kind, target, decimals, direction in generated:
                pace = rng.uniform(0.7, 1.2)
                for year in range(first_year, plan.year + 1):
                    for span in periods_of_year(year, PeriodType.BIWEEKLY):
                        share = span.number / 26
                        if kind is ValueKind.CUMULATIVE:
                            value = target * share * pace
                        elif direction is Direction.LOWER:
                            value = target * (1.3 - 0.3 * share * pace)
                        else:
                            value = target * (0.85 + 0.1 * share) * pace * rng.uniform(0.98, 1.02)
                        values.append(dict(indicator_id=indicator_id, period_id=span.id, value=round(value, decimals),
                                           note="", source="生成数据", outlier_confirmed=False))
            session.execute(insert(IndicatorValue), values)
    return len(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--indicators", type=int, default=500)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    count = generate(args.out, args.indicators, args.years)
    print(f"{args.out}: {args.indicators} indicators, {count} values in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
