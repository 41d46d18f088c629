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

    # Indicator entry (issue 4).
    p = sub.add_parser("indicators", help="指标定义、最新数值、完成率与状态")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=cmd_indicators)

    p = sub.add_parser("value", help="填报一个指标在一个期次的数值")
    p.add_argument("--indicator", required=True, metavar="编号", help="指标编号或名称")
    p.add_argument("--period", required=True, metavar="期次", help="期次编号，如 2023-M10")
    p.add_argument("--value", required=True, metavar="数值", help="如 85、92.5%%、590万；空字符串表示未填报")
    p.add_argument("--note", metavar="备注", help="备注（未填报或累计值下降时必填）")
    p.add_argument("--source", metavar="来源", help="数据来源")
    p.add_argument("--confirm-outlier", action="store_true", help="确认远离历史数据的数值无误")
    p.set_defaults(handler=cmd_value)

    p = sub.add_parser("import-values", help="从 Excel 导入指标数值（全部成功或全部不写入）")
    p.add_argument("file", type=Path, metavar="FILE.xlsx")
    p.add_argument("--confirm-outliers", action="store_true", help="确认远离历史数据的数值无误")
    p.set_defaults(handler=cmd_import_values)
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


@with_store
def cmd_indicators(args: argparse.Namespace, store) -> int:
    from models.indicator_values import indicator_rows
    from models.plan_loader import current_plan
    from models.quantities import format_value
    from models.settings import as_of_date

    with store.session() as session:
        plan = current_plan(session)
        if plan is None:
            raise LedgerError("尚未载入方案，请先运行 init。")
        as_of = as_of_date(session, args.as_of)
        rows = indicator_rows(session, plan, as_of)
    data = []
    for row in rows:
        i, latest, ev = row.indicator, row.latest, row.evaluation
        data.append({
            "code": i.code, "name": i.name, "origin": i.origin.label, "area": row.area, "task": row.task,
            "unit": i.unit, "direction": i.direction.label, "kind": i.kind.label, "period_type": i.period_type.label,
            "target": i.target, "target_text": row.target_text(), "county_target": i.county_target,
            "latest_period": latest.period_id if latest else None, "latest_value": latest.value if latest else None,
            "latest_text": format_value(latest.value, i.unit, i.decimals) if latest else "",
            "completion": ev.completion, "time_progress": ev.time_progress, "status": ev.status.label,
            "change": row.change.delta if row.change else None,
        })
    if args.json:
        print_json({"as_of": as_of, "indicators": data})
        return EXIT_OK
    print(f"台账日期：{as_of}")
    for d in data:
        completion = f"{d['completion']:.1%}" if d["completion"] is not None else "—"
        print(f"{d['code']}\t{d['name']}\t目标 {d['target_text']}\t最新 {d['latest_text'] or '—'}"
              f"（{d['latest_period'] or '未填报'}）\t完成率 {completion}\t{d['status']}")
    return EXIT_OK


@with_store
def cmd_value(args: argparse.Namespace, store) -> int:
    from models.indicator_values import OutlierError, set_value
    from models.plan_loader import current_plan

    with store.session() as session:
        plan = current_plan(session)
    if plan is None:
        raise LedgerError("尚未载入方案，请先运行 init。")
    try:
        check = set_value(store, plan, args.indicator, args.period, args.value, args.note, args.source,
                          args.confirm_outlier)
    except OutlierError as error:
        raise LedgerError(f"{error}\n如确认无误，请加 --confirm-outlier 重新运行。") from None
    if not check.changed:
        print(f"{check.label}：数值未变（{check.shown(check.value)}）。")
    else:
        print(f"已写入 {check.label}：{check.shown(check.old.value)} → {check.shown(check.value)}")
    return EXIT_OK


@with_store
def cmd_import_values(args: argparse.Namespace, store) -> int:
    from exchange.values_import import import_values
    from models.indicator_values import OutlierError

    try:
        preview = import_values(store, args.file, confirm_outliers=args.confirm_outliers)
    except OutlierError as error:
        raise LedgerError(f"{error}\n如确认无误，请加 --confirm-outliers 重新运行。") from None
    print(f"已从 {args.file.name} 导入：{len(preview.changes)} 个数值有变化，"
          f"{len(preview.checks) - len(preview.changes)} 个与台账相同。")
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
