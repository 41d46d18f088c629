"""Fill a store with a large ledger for benchmarks: the built-in plan grown to 5,000 tasks with
20,000 milestones (four per task) and a report per task for the current period.

    python tests/generate_large.py big.db [--tasks 5000]

Rows go in with bulk Core inserts (no ORM objects, no audit rows: generated data is not an
edit by a person), so 5,000 tasks take a few seconds. Deterministic (seeded).
"""
from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select  # noqa: E402

from models.demo import DEMO_AS_OF  # noqa: E402
from models.enums import Origin  # noqa: E402
from models.ledger import ProgressReport  # noqa: E402
from models.periods import period_containing  # noqa: E402
from models.plan import Area, ListKind, Milestone, Task  # noqa: E402
from models.plan_loader import current_plan  # noqa: E402
from models.plan_loader import initialise  # noqa: E402
from models.settings import AS_OF  # noqa: E402
from models.store import Store  # noqa: E402

VERBS = ["深化", "推进", "优化", "完善", "健全", "打造", "提升", "扩大", "规范", "探索"]
OBJECTS = ["企业开办", "工程建设项目审批", "不动产登记", "跨境贸易", "纳税服务", "政务数据共享", "信用监管",
           "知识产权保护", "中小企业融资", "人才服务", "公共法律服务", "惠企政策兑现", "要素保障", "项目招引"]
SUFFIXES = ["改革", "机制", "体系建设", "专项行动", "试点", "提质增效", "一件事集成办"]
UNITS = ["发改局", "经信局", "市场监管局", "司法局", "数据局", "商务局", "税务局", "人社局", "自然资源局", "财政局"]
PEOPLE = ["王建华", "李晓东", "陈国平", "张丽萍", "刘志强", "周海燕", "吴卫东", "郑敏", "方宇", "何静"]
QUARTER_ENDS = [date(2023, 3, 31), date(2023, 6, 30), date(2023, 9, 30), date(2023, 12, 31)]


def generate(db_path: Path, tasks: int = 5000) -> None:
    rng = random.Random(5000)
    with Store(db_path) as store:
        initialise(store, demo=True)
        with store.transaction() as session:
            plan = current_plan(session)
            AS_OF.set(session, DEMO_AS_OF)
            areas = list(session.scalars(select(Area.id).where(Area.plan_id == plan.id)))
            kinds = list(session.scalars(select(ListKind.id)))
            start = (session.scalar(select(func.max(Task.number)).where(Task.plan_id == plan.id)) or 0) + 1
            first_id = (session.scalar(select(func.max(Task.id))) or 0) + 1
            current = period_containing(DEMO_AS_OF, plan.progress_cycle).id
            task_rows, milestone_rows, report_rows = [], [], []
            for offset, number in enumerate(range(start, tasks + 1)):
                task_id = first_id + offset
                unit = rng.choice(UNITS)
                task_rows.append(dict(
                    id=task_id, plan_id=plan.id, area_id=rng.choice(areas), list_kind_id=rng.choice(kinds),
                    number=number, origin=Origin.COUNTY if rng.random() < 0.2 else Origin.CITY,
                    title=f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}{rng.choice(SUFFIXES)}",
                    text="", lead_unit=f"市{unit}", county_unit=f"区{unit}", leader=rng.choice(PEOPLE),
                    contact=rng.choice(PEOPLE), contact_phone="", responsible_units=[], supporting_units=[],
                    override_reason="", follow_up=False, follow_up_note="", archived=False))
                late = rng.random() < 0.12
                for seq, due in enumerate(QUARTER_ENDS, start=1):
                    done = None
                    if due < DEMO_AS_OF and not (late and seq == 3):
                        done = due - timedelta(days=rng.randrange(0, 10))
                    milestone_rows.append(dict(
                        task_id=task_id, seq=seq, title=f"第{seq}季度：{rng.choice(VERBS)}{rng.choice(OBJECTS)}",
                        due_date=due, original_due=due, postpone_count=0, postpone_reason="", done_date=done,
                        note=""))
                if rng.random() < 0.85:
                    report_rows.append(dict(task_id=task_id, period_id=current, progress="按计划推进。",
                                            problems="", next_steps="继续推进。", carried_forward=False,
                                            gap_reason=""))
            session.execute(insert(Task), task_rows)
            session.execute(insert(Milestone), milestone_rows)
            session.execute(insert(ProgressReport), report_rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--tasks", type=int, default=5000)
    args = parser.parse_args()
    generate(args.db, args.tasks)
    print(f"{args.db}: {args.tasks} 项任务，{args.tasks * 4} 个节点举措")


if __name__ == "__main__":
    main()
