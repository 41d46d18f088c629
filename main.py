"""改革台账 · Reform Ledger — entry point.

``python main.py`` opens the window; ``python main.py COMMAND …`` runs a headless subcommand
(``python main.py --help`` lists them). Subcommands never import Qt.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any, Callable, NoReturn

from models.errors import LedgerError

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with its refusals in Chinese and exit code 2, never a traceback."""

    def error(self, message: str) -> NoReturn:
        for english, chinese in (
            ("the following arguments are required", "缺少必需的参数"),
            ("unrecognized arguments", "无法识别的参数"),
            ("invalid choice", "无效的选项"),
            ("expected one argument", "需要一个值"),
            ("argument", "参数"),
            ("choose from", "可选"),
        ):
            message = message.replace(english, chinese)
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}：错误：{message}\n")


def _date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是有效日期，应写作 YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="main.py", description="改革台账：县（市、区）改革任务与指标台账。不带子命令时打开窗口。")
    parser.add_argument("--db", type=Path, help="数据文件路径（默认在用户数据目录，或环境变量 LEDGER_DB）")
    parser.add_argument("--as-of", type=_date_arg, dest="as_of", metavar="YYYY-MM-DD",
                        help="按此日期计算当前期次、到期与滞后（默认取设置中的台账日期，否则今天）")
    sub = parser.add_subparsers(dest="command", metavar="子命令", parser_class=ChineseArgumentParser)

    p = sub.add_parser("init", help="创建或升级数据文件并载入内置方案")
    p.add_argument("--demo", action="store_true", help="同时载入演示数据（标注为演示）")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("summary", help="数据文件中各类数据的数量")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=cmd_summary)

    p = sub.add_parser("periods", help="列出一年的期次")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--type", choices=["biweekly", "monthly", "quarterly", "yearly"], default="biweekly")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=cmd_periods)

    # The task ledger (issue 3).
    p = sub.add_parser("tasks", help="列出任务及其状态（由节点与进展推算）")
    p.add_argument("--status", choices=["not_started", "on_track", "lagging", "done"], help="只列出此状态的任务")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=cmd_tasks)

    p = sub.add_parser("report", help="记录一项任务某期次的进展")
    p.add_argument("--task", type=int, required=True, metavar="N", help="任务序号")
    p.add_argument("--period", required=True, metavar="ID", help="期次编号，如 2023-B22")
    p.add_argument("--progress", required=True, metavar="TEXT", help="进展情况")
    p.add_argument("--problems", default="", metavar="TEXT", help="存在问题")
    p.add_argument("--next", default="", dest="next_steps", metavar="TEXT", help="下步计划")
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser("milestone-done", help="把一个节点举措标为已完成")
    p.add_argument("--task", type=int, required=True, metavar="N", help="任务序号")
    p.add_argument("--milestone", type=int, required=True, metavar="K", help="节点序号（第几个节点）")
    p.add_argument("--date", type=_date_arg, required=True, metavar="YYYY-MM-DD", help="完成日期")
    p.set_defaults(handler=cmd_milestone_done)
    return parser


def open_store(args: argparse.Namespace):
    from models.store import Store, default_db_path

    return Store(args.db or default_db_path()).open()


def with_store(handler: Callable[..., int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        store = open_store(args)
        try:
            return handler(args, store)
        finally:
            store.close()

    return run


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@with_store
def cmd_init(args: argparse.Namespace, store) -> int:
    from models.service import initialise

    result = initialise(store, demo=args.demo)
    print(f"数据文件：{store.path}")
    if result.backup:
        print(f"已升级数据结构，升级前的副本：{result.backup}")
    print(f"方案：{result.plan_name}（{'已载入' if result.plan_added else '已存在，未改动'}）")
    if args.demo:
        print("演示数据：" + ("已载入" if result.demo_added else "已有台账数据，未载入"))
    return EXIT_OK


@with_store
def cmd_summary(args: argparse.Namespace, store) -> int:
    from models.settings import as_of_date
    from models.summary import store_summary

    with store.session() as session:
        data = store_summary(session, as_of_date(session, args.as_of))
    if args.json:
        print_json(data)
        return EXIT_OK
    plan = data["plan"]
    print(f"方案：{plan['name']}（{plan['year']}年）" if plan else "方案：尚未载入（运行 init）")
    print(f"台账日期：{data['as_of']}    当前期次：{data['current_period']['label']}")
    for key, label in (("areas", "领域"), ("tasks", "任务"), ("milestones", "节点举措"), ("indicators", "指标"),
                       ("indicator_values", "指标数据"), ("periods", "期次"), ("progress_reports", "进展")):
        print(f"{label}：{data[key]}")
    for row in data["tasks_per_area"]:
        print(f"  {row['area']}（牵头：{row['lead_unit']}）：{row['tasks']} 项任务")
    return EXIT_OK


def cmd_periods(args: argparse.Namespace) -> int:
    from models.enums import PeriodType
    from models.periods import periods_of_year

    if not 1900 <= args.year <= 2100:
        raise LedgerError(f"年份 {args.year} 超出范围（1900—2100）")
    spans = periods_of_year(args.year, PeriodType(args.type))
    if args.json:
        print_json([{"id": s.id, "label": s.label, "start": s.start, "end": s.end, "due": s.due} for s in spans])
    else:
        for s in spans:
            print(f"{s.id}\t{s.label}\t报送截止 {s.due.isoformat()}")
    return EXIT_OK

def _plan_or_refuse(session):
    from models.plan_loader import current_plan

    plan = current_plan(session)
    if plan is None:
        raise LedgerError("数据文件中还没有方案，请先运行 init。")
    return plan


@with_store
def cmd_tasks(args: argparse.Namespace, store) -> int:
    from models.settings import as_of_date
    from models.task_list import task_list

    with store.session() as session:
        rows = task_list(session, _plan_or_refuse(session), as_of_date(session, args.as_of))
    if args.status:
        rows = [row for row in rows if row.status.value == args.status]
    if args.json:
        print_json([row.as_dict() for row in rows])
        return EXIT_OK
    for row in rows:
        following = row.next_milestone
        step = f"{following.due.isoformat()} {following.title}" if following else "全部节点已完成"
        print(f"{row.number}\t{row.status.label}\t{row.area}\t{row.title}\t下一节点：{step}")
    print(f"共 {len(rows)} 项任务")
    return EXIT_OK


@with_store
def cmd_report(args: argparse.Namespace, store) -> int:
    from models.tasks import save_report, task_by_number

    with store.transaction() as session:
        task = task_by_number(session, _plan_or_refuse(session), args.task)
        report = save_report(session, task.id, args.period.strip().upper(), args.progress, args.problems,
                             args.next_steps)
        print(f"已记录第 {task.number} 号任务 {report.period.label} 的进展。")
    return EXIT_OK


@with_store
def cmd_milestone_done(args: argparse.Namespace, store) -> int:
    from models.tasks import milestone_by_seq, set_milestone_done, task_by_number

    with store.transaction() as session:
        task = task_by_number(session, _plan_or_refuse(session), args.task)
        milestone = milestone_by_seq(task, args.milestone)
        set_milestone_done(session, milestone.id, args.date)
        print(f"第 {task.number} 号任务的节点“{milestone.title}”已于 {args.date.isoformat()} 完成。")
    return EXIT_OK


def run_command(args: argparse.Namespace) -> int:
    try:
        return args.handler(args)
    except LedgerError as error:
        print(f"错误：{error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return EXIT_ERROR
    except Exception:  # an unforeseen failure: the details go to the log, not to the user's screen
        from models.logs import log_exception

        log_path = log_exception("命令 " + args.command)
        print(f"错误：程序内部错误，命令未完成。详细信息已写入 {log_path}", file=sys.stderr)
        return EXIT_ERROR


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        from ui.app import run_gui

        return run_gui(args.db, args.as_of)
    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
