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

    _add_return_commands(sub)

    # Plan workbooks and the city's side (issue 6).
    p = sub.add_parser("import-plan", help="从 Excel 工作簿导入或更新方案（全部成功或全不导入）")
    p.add_argument("file", type=Path, metavar="FILE.xlsx")
    p.add_argument("--dry-run", action="store_true", help="只显示将作的改动，不写入")
    p.add_argument("--code", help="方案编号（更新库中某一方案时指定）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=cmd_import_plan)

    p = sub.add_parser("export-plan", help="把库中的方案导出为 Excel 工作簿（可再用 import-plan 读回）")
    p.add_argument("file", type=Path, metavar="FILE.xlsx")
    p.set_defaults(handler=cmd_export_plan)

    p = sub.add_parser("trust", help="市级：登记与查看各县（市、区）的签名证书")
    trust = p.add_subparsers(dest="trust_command", metavar="操作", required=True, parser_class=ChineseArgumentParser)
    t = trust.add_parser("add", help="登记一个县（市、区）的证书（.cer/.pem/.der）")
    t.add_argument("cert", type=Path, metavar="CERT")
    t.add_argument("--county", required=True, help="县（市、区）名称")
    t.set_defaults(handler=cmd_trust_add)
    t = trust.add_parser("list", help="列出已登记的证书")
    t.add_argument("--json", action="store_true", help="以 JSON 输出")
    t.set_defaults(handler=cmd_trust_list)

    p = sub.add_parser("consolidate", help="市级：核验各县报表并汇总、排名，生成汇总工作簿与 PDF")
    p.add_argument("paths", type=Path, nargs="+", metavar="FILE_OR_FOLDER")
    p.add_argument("--period", required=True, help="期次编号，如 2023-B22")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="汇总文件的输出文件夹")
    p.add_argument("--json", action="store_true", help="以 JSON 输出各县状态")
    p.add_argument("--sign", action="store_true", help="用本单位（市级）签名证书签发汇总 PDF")
    p.add_argument("--passphrase-env", metavar="VAR", help="存放签名私钥口令的环境变量名（与 --sign 同用）")
    p.set_defaults(handler=cmd_consolidate)
    return parser


# ---- signed returns (issue 5): identity, returns workflow, export, verify ----------------------

def _add_return_commands(sub) -> None:
    p = sub.add_parser("identity", help="本单位签名证书：创建、导入、导出、查看")
    isub = p.add_subparsers(dest="identity_command", metavar="操作", required=True,
                            parser_class=ChineseArgumentParser)
    q = isub.add_parser("new", help="创建签名私钥和证书（主题含县（市、区）和单位名称）")
    q.add_argument("--county", required=True, help="县（市、区），如 婺城区")
    q.add_argument("--office", required=True, help="单位名称")
    q.add_argument("--passphrase-env", required=True, metavar="VAR", help="存放口令的环境变量名（口令不写在命令行上）")
    q.add_argument("--replace", action="store_true", help="替换已有的证书（旧证书备份保存；新证书须交市级重新登记）")
    q.set_defaults(handler=cmd_identity_new)
    q = isub.add_parser("import", help="导入 PKCS#12 证书文件（.p12/.pfx），以同一口令加密保存私钥")
    q.add_argument("file", type=Path, metavar="FILE.p12")
    q.add_argument("--passphrase-env", required=True, metavar="VAR", help="存放口令的环境变量名")
    q.add_argument("--replace", action="store_true", help="替换已有的证书（旧证书备份保存；新证书须交市级重新登记）")
    q.set_defaults(handler=cmd_identity_import)
    q = isub.add_parser("export-cert", help="导出证书（.cer/.der 为 DER，其他为 PEM），交市级登记")
    q.add_argument("file", type=Path, metavar="FILE")
    q.set_defaults(handler=cmd_identity_export)
    q = isub.add_parser("show", help="显示证书主题、有效期和指纹")
    q.set_defaults(handler=cmd_identity_show)

    p = sub.add_parser("returns", help="报表流程：完整性、缺报说明、审核、报送、撤回、历史")
    rsub = p.add_subparsers(dest="returns_command", metavar="操作", required=True,
                            parser_class=ChineseArgumentParser)
    q = rsub.add_parser("status", help="期次的缺报事项和报表状态")
    q.add_argument("--period", required=True, metavar="ID")
    q.add_argument("--json", action="store_true", help="以 JSON 输出")
    q.set_defaults(handler=cmd_returns_status)
    q = rsub.add_parser("explain", help="为尚未说明的缺报事项填写原因")
    q.add_argument("--period", required=True, metavar="ID")
    q.add_argument("--reason", required=True)
    q.set_defaults(handler=cmd_returns_explain)
    q = rsub.add_parser("review", help="审核本期报表")
    q.add_argument("--period", required=True, metavar="ID")
    q.add_argument("--reviewer", required=True, help="审核人姓名")
    q.set_defaults(handler=cmd_returns_review)
    q = rsub.add_parser("submit", help="标记已签发的报表为已报送")
    q.add_argument("--period", required=True, metavar="ID")
    q.set_defaults(handler=cmd_returns_submit)
    q = rsub.add_parser("withdraw", help="撤回已签发的报表（须说明原因），期次重新开放")
    q.add_argument("--period", required=True, metavar="ID")
    q.add_argument("--reason", required=True)
    q.set_defaults(handler=cmd_returns_withdraw)
    q = rsub.add_parser("history", help="各期报表的所有版本及文件")
    q.add_argument("--period", metavar="ID")
    q.add_argument("--json", action="store_true", help="以 JSON 输出")
    q.set_defaults(handler=cmd_returns_history)

    p = sub.add_parser("export", help="导出期次报表 <县>_<期次>_v<版本>.xlsx 和 .pdf（可签发）")
    p.add_argument("--period", required=True, metavar="ID", help="期次编号，如 2023-B22")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="输出文件夹")
    p.add_argument("--sign", action="store_true", help="签发：以本单位私钥签名并锁定期次（须已审核）")
    p.add_argument("--passphrase-env", metavar="VAR", help="存放私钥口令的环境变量名（--sign 时必填）")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("verify", help="验证报表文件的签名，列出改动之处；全部有效时退出码为 0")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--trust", nargs="+", type=Path, default=[], metavar="CERT", help="受信任的证书文件")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=cmd_verify)


def open_store(args: argparse.Namespace):
    from models.store import Store, default_db_path

    # Only init makes a new store: a mistyped --db must not silently become an empty ledger.
    return Store(args.db or default_db_path(), create=args.command == "init").open()


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
def cmd_tasks(args: argparse.Namespace, store) -> int:
    from models.plan_loader import require_plan
    from models.settings import as_of_date
    from models.task_list import task_list

    with store.session() as session:
        rows = task_list(session, require_plan(session), as_of_date(session, args.as_of))
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
    from models.plan_loader import require_plan
    from models.tasks import save_report, task_by_number

    with store.transaction() as session:
        task = task_by_number(session, require_plan(session), args.task)
        report = save_report(session, task.id, args.period.strip().upper(), args.progress, args.problems,
                             args.next_steps)
        print(f"已记录第 {task.number} 号任务 {report.period.label} 的进展。")
    return EXIT_OK


@with_store
def cmd_milestone_done(args: argparse.Namespace, store) -> int:
    from models.plan_loader import require_plan
    from models.tasks import milestone_by_seq, set_milestone_done, task_by_number

    with store.transaction() as session:
        task = task_by_number(session, require_plan(session), args.task)
        milestone = milestone_by_seq(task, args.milestone)
        set_milestone_done(session, milestone.id, args.date)
        print(f"第 {task.number} 号任务的节点“{milestone.title}”已于 {args.date.isoformat()} 完成。")
    return EXIT_OK


def _passphrase(var: str | None) -> str:
    """The passphrase from the environment variable named ``var``. The argument itself is never
    repeated: given by mistake, it may be the passphrase."""
    import os
    import re

    if not var:
        raise LedgerError("签发需要口令：请用 --passphrase-env 指定存放口令的环境变量名。")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", var):
        raise LedgerError("--passphrase-env 应写环境变量的名称（如 LEDGER_PASS），不是口令本身；"
                          "请先 export LEDGER_PASS='口令'，再写 --passphrase-env LEDGER_PASS。")
    if var not in os.environ:
        raise LedgerError("--passphrase-env 所指的环境变量未设置（应存放签名私钥的口令）；"
                          "请先 export 该变量，或核对变量名的拼写。")
    return os.environ[var]


def _print_identity(identity) -> None:
    print(f"证书主题：{identity.signer}（{identity.county}　{identity.office}）")
    print(f"有效期至：{identity.valid_until:%Y-%m-%d}")
    print(f"指纹（SHA-256）：{identity.fingerprint}")
    if identity.expiry_warning():
        print(f"注意：{identity.expiry_warning()}", file=sys.stderr)


def _print_replaced(identity) -> None:
    _print_identity(identity)
    if identity.backup is not None:
        print(f"已替换原有证书，旧私钥和证书备份在 {identity.backup}。")
        print("请用 identity export-cert 导出新证书交市级登记：登记之前，市级无法核验用新证书签发的报表。")


@with_store
def cmd_identity_new(args: argparse.Namespace, store) -> int:
    from exchange.signing.identity import create_identity, identity_folder

    _print_replaced(create_identity(identity_folder(store), args.county, args.office, _passphrase(args.passphrase_env),
                                    args.replace))
    return EXIT_OK


@with_store
def cmd_identity_import(args: argparse.Namespace, store) -> int:
    from exchange.signing.identity import identity_folder, import_pkcs12

    _print_replaced(import_pkcs12(identity_folder(store), args.file, _passphrase(args.passphrase_env), args.replace))
    return EXIT_OK


@with_store
def cmd_identity_export(args: argparse.Namespace, store) -> int:
    from exchange.signing.identity import export_certificate, identity_folder, require_identity

    print(export_certificate(identity_folder(store), args.file))
    _print_identity(require_identity(identity_folder(store)))
    return EXIT_OK


@with_store
def cmd_identity_show(args: argparse.Namespace, store) -> int:
    from exchange.signing.identity import identity_folder, require_identity

    _print_identity(require_identity(identity_folder(store)))
    return EXIT_OK


@with_store
def cmd_returns_status(args: argparse.Namespace, store) -> int:
    from exchange.returns.return_data import content_digest
    from exchange.returns.returns_export import returns_folder, unrecorded_files
    from models.enums import ReturnState
    from models.returns import completeness, get_period, latest_return, review_outdated
    from models.settings import as_of_date

    with store.session() as session:
        period = get_period(session, args.period)
        gaps = completeness(session, period.id)
        latest = latest_return(session, period.id)
        state = f"第 {latest.version} 版 {latest.state.label}" if latest else "尚无报表"
        if latest is not None and latest.state is ReturnState.REVIEWED:
            outdated = review_outdated(session, latest, content_digest(session, as_of_date(session, args.as_of))(latest))
            state += f"（{outdated}）" if outdated else ""
    strays = unrecorded_files(store, period.id, [returns_folder(store)])
    if args.json:
        print_json({"period": period.id, "state": state, "unrecorded_files": strays,
                    "gaps": [{"kind": g.kind, "subject": g.subject, "reason": g.reason} for g in gaps]})
        return EXIT_OK
    print(f"{period.label}：{state}；缺报 {len(gaps)} 项，其中未说明原因 {sum(not g.reason for g in gaps)} 项")
    for g in gaps:
        print(f"  [{g.kind}] {g.subject}：{g.reason or '（未说明）'}")
    for stray in strays:
        print(f"  ✗ {stray}")
    return EXIT_OK


@with_store
def cmd_returns_explain(args: argparse.Namespace, store) -> int:
    from models.returns import completeness, explain_gap, unexplained

    with store.transaction() as session:
        gaps = unexplained(completeness(session, args.period))
        for gap in gaps:
            explain_gap(session, gap, args.reason)
    print(f"已为 {len(gaps)} 项缺报事项填写原因。")
    return EXIT_OK


@with_store
def cmd_returns_review(args: argparse.Namespace, store) -> int:
    from exchange.returns.return_data import content_digest
    from models.returns import review
    from models.settings import as_of_date

    with store.transaction() as session:
        ret = review(session, args.period, args.reviewer, content_digest(session, as_of_date(session, args.as_of)))
        print(f"{ret.period_id} 第 {ret.version} 版：已审核（审核人 {ret.reviewed_by}）")
    return EXIT_OK


@with_store
def cmd_returns_submit(args: argparse.Namespace, store) -> int:
    from models.returns import submit

    with store.transaction() as session:
        ret = submit(session, args.period)
        print(f"{ret.period_id} 第 {ret.version} 版：已报送")
    return EXIT_OK


@with_store
def cmd_returns_withdraw(args: argparse.Namespace, store) -> int:
    from models.returns import withdraw

    with store.transaction() as session:
        ret = withdraw(session, args.period, args.reason)
        print(f"{ret.period_id} 第 {ret.version} 版：已撤回，期次重新开放；下次签发为第 {ret.version + 1} 版")
    return EXIT_OK


@with_store
def cmd_returns_history(args: argparse.Namespace, store) -> int:
    from models.returns import history

    with store.session() as session:
        rows = [{"period": r.period_id, "version": r.version, "state": r.state.label, "reviewed_by": r.reviewed_by,
                 "signed_by": r.signed_by, "signed_at": r.signed_at, "withdraw_reason": r.withdraw_reason,
                 "xlsx": r.xlsx_path, "pdf": r.pdf_path, "digest": r.digest} for r in history(session, args.period)]
    if args.json:
        print_json(rows)
    for r in [] if args.json else rows:
        print(f"{r['period']}\t第 {r['version']} 版\t{r['state']}\t{r['xlsx']}\t{r['pdf']}")
    return EXIT_OK


@with_store
def cmd_export(args: argparse.Namespace, store) -> int:
    from exchange.returns.returns_export import export_return
    from models.settings import as_of_date

    passphrase = _passphrase(args.passphrase_env) if args.sign else None
    with store.session() as session:
        as_of = as_of_date(session, args.as_of)
    result = export_return(store, args.period, args.out, as_of, passphrase)
    print(result.xlsx)
    print(result.pdf)
    print(f"第 {result.version} 版，{'已签发' if result.signed else '未签名（草稿）'}，报表摘要 {result.digest[:16]}",
          file=sys.stderr)
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from exchange.signing.identity import load_certificate
    from exchange.signing.verify import verification_json, verify_file

    trusted = [load_certificate(path) for path in args.trust]
    results = [verify_file(path, trusted) for path in args.files]
    if args.json:
        print(verification_json(results))
    for r in [] if args.json else results:
        print(f"{r.path}：{'有效' if r.valid else '无效'}")
        if r.signed:
            when = f"{r.signed_at.astimezone():%Y-%m-%d %H:%M:%S}" if r.signed_at else "未知"
            print(f"  签名人：{r.signer}（{r.county}　{r.office}）  签名时间：{when}")
            print(f"  证书指纹：{r.fingerprint}")
        version = f"  版本：{r.version or '未知'}" if r.versioned else ""  # a consolidation has none
        print(f"  文件：{r.document_label}  期次：{r.period_id or '未知'}{version}")
        for problem in r.problems:
            print(f"  ✗ {problem}")
    return EXIT_OK if all(r.valid for r in results) else EXIT_FAILED


@with_store
def cmd_indicators(args: argparse.Namespace, store) -> int:
    from models.indicator_values import indicator_rows
    from models.plan_loader import require_plan
    from models.quantities import format_value
    from models.settings import as_of_date

    with store.session() as session:
        plan = require_plan(session)
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
    from models.plan_loader import require_plan

    with store.session() as session:
        plan = require_plan(session)
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
    from exchange.values.values_import import import_values
    from models.indicator_values import OutlierError

    try:
        preview = import_values(store, args.file, confirm_outliers=args.confirm_outliers)
    except OutlierError as error:
        raise LedgerError(f"{error}\n如确认无误，请加 --confirm-outliers 重新运行。") from None
    print(f"已从 {args.file.name} 导入：{len(preview.changes)} 个数值有变化，"
          f"{len(preview.checks) - len(preview.changes)} 个与台账相同。")
    return EXIT_OK


@with_store
def cmd_import_plan(args: argparse.Namespace, store) -> int:
    from exchange.plans.plan_import import import_plan_workbook

    data, diff = import_plan_workbook(store, args.file, code=args.code, dry_run=args.dry_run)
    if args.json:
        print_json(diff.as_dict() | {"dry_run": args.dry_run, "tasks": len(data["tasks"]),
                                     "indicators": len(data["indicators"])})
        return EXIT_OK
    print(f"方案：{data['name']}（{data['code']}），{len(data['tasks'])} 项任务、{len(data['indicators'])} 个指标")
    for line in diff.lines():
        print(line)
    print("（试运行，未写入）" if args.dry_run else "已导入。")
    return EXIT_OK


@with_store
def cmd_export_plan(args: argparse.Namespace, store) -> int:
    from exchange.plans.plan_export import export_store_plan

    print(f"已导出：{export_store_plan(store, args.file)}")
    return EXIT_OK


@with_store
def cmd_trust_add(args: argparse.Namespace, store) -> int:
    from exchange.signing.trust_list import register_certificate

    row = register_certificate(store, args.cert, args.county)
    print(f"已登记：{row['county']}  指纹 {row['fingerprint']}  有效期至 {row['not_after']}")
    return EXIT_OK


@with_store
def cmd_trust_list(args: argparse.Namespace, store) -> int:
    from exchange.signing.trust_list import list_trusted

    rows = list_trusted(store)
    if args.json:
        print_json(rows)
    elif not rows:
        print("尚未登记任何证书。")
    for row in rows if not args.json else []:
        print(f"{row['county']}\t{row['fingerprint']}\t有效期至 {row['not_after']}\t{row['subject']}")
    return EXIT_OK


@with_store
def cmd_consolidate(args: argparse.Namespace, store) -> int:
    from exchange.consolidation.consolidate import consolidate, write_outputs
    from exchange.signing.identity import identity_folder, unlock
    from models.settings import as_of_date

    key = unlock(identity_folder(store), _passphrase(args.passphrase_env)) if args.sign else None
    result = consolidate(store, args.period, args.paths)
    with store.session() as session:
        issued = as_of_date(session, args.as_of)
    files = write_outputs(result, args.out, issued, key)
    if args.json:
        print_json(result.summary() | {"files": [str(f) for f in files]})
        return EXIT_OK
    print(f"{result.period_label}：计入 {len(result.counties)} 个县（市、区）")
    for receipt in result.receipts:
        note = "；".join(receipt.problems)
        print(f"{receipt.county or '（不明）'}\t{receipt.state.label}\t{receipt.path.name if receipt.path else ''}"
              + (f"\t{note}" if note else ""))
    for path in files:
        print(f"已生成：{path}")
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
    except BrokenPipeError:  # the reader went away (`main.py tasks | head`): not an error of ours
        sys.stdout = None  # nothing more can be written; keep the interpreter from complaining at exit
        return EXIT_OK
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
