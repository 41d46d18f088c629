"""改革台账 · Reform Ledger — entry point.

``python main.py`` opens the window; ``python main.py COMMAND …`` runs a headless subcommand
(``python main.py --help`` lists them). Subcommands never import Qt.

Every subcommand is one row of ``COMMANDS``: its name (two words for a nested one, such as
``returns status``), its help, its arguments, the operation it runs and how its result is printed.
The store is opened in one place (``run_command``) for every row that needs it, and closed after.
To add a subcommand:

1. Write the operation where its feature lives (``models/…`` for ledger actions, ``exchange/…``
   for files): one Qt-free function that takes the store first, owns its transaction, returns a
   plain result and raises ``LedgerError`` with a Chinese message. The window calls the same one.
2. Add a row::

       Command("problems list", "列出涉企问题", "models.problems:list_problems",
               lambda a: {"status": a.status}, show_problems,
               (arg("--status", help="只列出此状态的问题"), JSON)),

   The operation is named ``"module:function"`` and imported only when the command runs, so slow
   libraries stay out of every other command and of the window's start-up. ``inputs`` turns the
   parsed arguments into the operation's keyword arguments; ``store=False`` for an operation that
   takes no store. A nested name needs its group's help in ``GROUPS``.
3. Write ``show_problems(result, args)``: print the result, return an exit code (None means 0).
"""
from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from models.collector import start_up_done
from models.errors import LedgerError

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


# ---- argparse, in Chinese ------------------------------------------------------------------------

class ChineseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with its own words and its refusals in Chinese, exit code 2, never a traceback."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        add_help = kwargs.pop("add_help", True)
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示此帮助信息并退出")

    def error(self, message: str) -> NoReturn:
        for english, chinese in (
            ("the following arguments are required", "缺少必需的参数"),
            ("unrecognized arguments", "无法识别的参数"),
            ("invalid choice", "无效的选项"),
            ("expected at least one argument", "至少需要一个值"),
            ("expected one argument", "需要一个值"),
            ("invalid int value", "不是有效的整数"),
            ("ambiguous option", "有歧义的选项"),
            ("could match", "可能是"),
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


# ---- the table of subcommands --------------------------------------------------------------------

Arg = tuple[tuple[str, ...], dict[str, Any]]


def arg(*flags: str, **options: Any) -> Arg:
    """One argument of a subcommand, as ``add_argument`` takes it."""
    return flags, options


@dataclass(frozen=True)
class Command:
    name: str  # "init", or "returns status" for a subcommand of a group
    help: str
    operation: str  # "module:function", imported when the command runs
    inputs: Callable[[argparse.Namespace], Mapping[str, Any]]  # the operation's keyword arguments
    show: Callable[[Any, argparse.Namespace], int | None]  # prints the result; None means EXIT_OK
    arguments: tuple[Arg, ...] = ()
    store: bool = True  # the operation takes the open store as its first argument
    shows_year: bool = False  # a reading command: --year chooses the plan; a year ended or not begun is said
    confirm: str = ""  # the flag that confirms what an operation refused only for want of confirmation

    def function(self) -> Callable[..., Any]:
        module, _, name = self.operation.partition(":")
        return getattr(importlib.import_module(module), name)


def passphrase(var: str | None) -> str:
    """A passphrase is read from an environment variable, never from the command line. The
    argument itself is never repeated: given by mistake, it may be the passphrase."""
    if not var:
        raise LedgerError("签发需要口令：请用 --passphrase-env 指定存放口令的环境变量名。")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", var):
        raise LedgerError("--passphrase-env 应写环境变量的名称（如 LEDGER_PASS），不是口令本身；"
                          "请先 export LEDGER_PASS='口令'，再写 --passphrase-env LEDGER_PASS。")
    if var not in os.environ:
        raise LedgerError("--passphrase-env 所指的环境变量未设置（应存放签名私钥的口令）；"
                          "请先 export 该变量，或核对变量名的拼写。")
    return os.environ[var]


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


JSON = arg("--json", action="store_true", help="以 JSON 输出")
PERIOD = arg("--period", required=True, metavar="ID", help="期次编号，如 2023-B22")
REPLACE = arg("--replace", action="store_true", help="替换已有的证书（旧证书备份保存；新证书须交市级重新登记）")
PASSPHRASE_ENV = arg("--passphrase-env", metavar="VAR", help="存放签名私钥口令的环境变量名（--sign 时必填）")


def show_init(result, args) -> None:
    print(f"数据文件：{result.db_path}")
    if result.backup:
        print(f"已升级数据结构，升级前的副本：{result.backup}")
    print(f"方案：{result.plan_name}（{result.year}年，{'已载入' if result.plan_added else '已存在，未改动'}）")
    if result.as_of_set:
        print(f"台账日期：已设为 {result.as_of_set.isoformat()}（内置方案是 {result.year} 年度的示例，"
              "按该年度内的日期查看；可在“设置”中修改或清除）")
    if args.demo:
        print("演示数据：" + ("已载入" if result.demo_added else "已有台账数据，未载入"))


def show_summary(data, args) -> None:
    if args.json:
        return print_json(data)
    plan = data["plan"]
    mark = "，示例" if data["sample"] else ""
    print(f"方案：{plan['name']}（{plan['year']}年{mark}）" if plan else "方案：尚未载入（运行 init）")
    if len(data["years"]) > 1:
        print("台账年度：" + "、".join(str(y) for y in data["years"]))
    print(f"台账日期：{data['as_of']}    当前期次：{data['current_period']['label']}")
    for key, label in (("areas", "领域"), ("tasks", "任务"), ("milestones", "节点举措"), ("indicators", "指标"),
                       ("indicator_values", "指标数据"), ("periods", "期次"), ("progress_reports", "进展")):
        print(f"{label}：{data[key]}")
    for row in data["tasks_per_area"]:
        print(f"  {row['area']}（牵头：{row['lead_unit']}）：{row['tasks']} 项任务")


def show_periods(spans, args) -> None:
    if args.json:
        return print_json([{"id": s.id, "label": s.label, "start": s.start, "end": s.end, "due": s.due} for s in spans])
    for s in spans:
        print(f"{s.id}\t{s.label}\t报送截止 {s.due.isoformat()}")


def show_tasks(table, args) -> None:
    year, rows = table
    if args.json:
        return print_json([row.as_dict() for row in rows])
    for row in rows:
        following = row.next_milestone
        step = f"{following.due.isoformat()} {following.title}" if following else "全部节点已完成"
        print(f"{row.number}\t{row.status.label}\t{row.area}\t{row.title}\t下一节点：{step}")
    print(f"{year} 年度共 {len(rows)} 项任务")


def show_indicators(table, args) -> None:
    from models.quantities import format_value

    data = []
    for row in table.rows:
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
        return print_json({"year": table.year, "as_of": table.as_of, "indicators": data})
    print(f"{table.year} 年度指标，台账日期：{table.as_of}")
    for d in data:
        completion = f"{d['completion']:.1%}" if d["completion"] is not None else "—"
        print(f"{d['code']}\t{d['name']}\t目标 {d['target_text']}\t最新 {d['latest_text'] or '—'}"
              f"（{d['latest_period'] or '未填报'}）\t完成率 {completion}\t{d['status']}")


def show_value(check, args) -> None:
    if not check.changed:
        print(f"{check.label}：数值未变（{check.shown(check.value)}）。")
    else:
        print(f"已写入 {check.label}：{check.shown(check.old.value)} → {check.shown(check.value)}")


def show_import_values(preview, args) -> None:
    print(f"已从 {args.file.name} 导入：{len(preview.changes)} 个数值有变化，"
          f"{len(preview.checks) - len(preview.changes)} 个与台账相同。")


def show_identity(identity, args=None) -> None:
    print(f"证书主题：{identity.signer}（{identity.county}　{identity.office}）")
    print(f"有效期至：{identity.valid_until:%Y-%m-%d}")
    print(f"指纹（SHA-256）：{identity.fingerprint}")
    if identity.expiry_warning():
        print(f"注意：{identity.expiry_warning()}", file=sys.stderr)


def show_new_identity(identity, args) -> None:
    show_identity(identity)
    if identity.backup is not None:
        print(f"已替换原有证书，旧私钥和证书备份在 {identity.backup}。")
        print("请用 identity export-cert 导出新证书交市级登记：登记之前，市级无法核验用新证书签发的报表。")


def show_exported_certificate(result, args) -> None:
    path, identity = result
    print(path)
    show_identity(identity)


def show_return_status(status, args) -> None:
    if args.json:
        return print_json({"period": status.period_id, "state": status.state_text,
                           "unrecorded_files": status.unrecorded_files, "gaps": [{"kind": g.kind, "subject": g.subject, "reason": g.reason} for g in status.gaps]})
    print(f"{status.period_label}：{status.state_text}；缺报 {len(status.gaps)} 项，其中未说明原因 {status.unexplained} 项")
    for g in status.gaps:
        print(f"  [{g.kind}] {g.subject}：{g.reason or '（未说明）'}")
    for stray in status.unrecorded_files:
        print(f"  ✗ {stray}")


def show_return_history(returns, args) -> None:
    rows = [{"period": r.period_id, "version": r.version, "state": r.state.label, "reviewed_by": r.reviewed_by,
             "signed_by": r.signed_by, "signed_at": r.signed_at, "withdraw_reason": r.withdraw_reason,
             "xlsx": r.xlsx_path, "pdf": r.pdf_path, "digest": r.digest} for r in returns]
    if args.json:
        return print_json(rows)
    for r in rows:
        print(f"{r['period']}\t第 {r['version']} 版\t{r['state']}\t{r['xlsx']}\t{r['pdf']}")


def show_export(result, args) -> None:
    print(result.xlsx)
    print(result.pdf)
    print(f"第 {result.version} 版，{'已签发' if result.signed else '未签名（草稿）'}，报表摘要 {result.digest[:16]}",
          file=sys.stderr)


def show_verify(results, args) -> int:
    from exchange.signing.verify import verification_json
    from models.beijing_time import format_moment
    from models.periods import period_name

    if args.json:
        print(verification_json(results))
    for r in [] if args.json else results:
        print(f"{r.path}：{'有效' if r.valid else '无效'}")
        if r.signed:
            print(f"  签名人：{r.signer}（{r.county}　{r.office}）  签名时间：{format_moment(r.signed_at) or '未知'}")
            print(f"  证书指纹：{r.fingerprint}")
        version = f"  版本：{r.version or '未知'}" if r.versioned else ""  # a consolidation has none
        print(f"  文件：{r.document_label}  期次：{period_name(r.period_id) or '未知'}{version}")
        for problem in r.problems:
            print(f"  ✗ {problem}")
        for note in r.notes:
            print(f"  注：{note}")
        for problem in r.copy_problems:
            print(f"  ✗ {problem}")
    return EXIT_OK if all(r.valid and not r.copy_problems for r in results) else EXIT_FAILED


def show_import_plan(outcome, args) -> None:
    data, diff = outcome
    if args.json:
        return print_json(diff.as_dict() | {"dry_run": args.dry_run, "tasks": len(data["tasks"]),
                                            "indicators": len(data["indicators"]),
                                            "warnings": [str(w) for w in data["warnings"]],
                                            "carried": data["carried"]})
    print(f"方案：{data['name']}（{data['year']}年，{data['code']}），"
          f"{len(data['tasks'])} 项任务、{len(data['indicators'])} 个指标")
    for warning in data["warnings"]:
        print(f"警告：{warning}")
    for line in [*data["carried"], *diff.lines()]:
        print(line)
    print("（试运行，未写入）" if args.dry_run else "已导入。")


def show_rollover(result, args) -> None:
    if args.json:
        return print_json(result.as_dict() | {"dry_run": args.dry_run})
    for line in result.lines():
        print(line)
    print("（试运行，未写入）" if args.dry_run else f"已结转。结转前的副本：{result.backup}")


def show_registered(row, args) -> None:
    print(f"已登记：{row['county']}  指纹 {row['fingerprint']}  有效期 {row['not_before']} 至 {row['not_after']}")
    for warning in row["warnings"]:
        print(f"注意：{warning}", file=sys.stderr)


def show_trusted(rows, args) -> None:
    if args.json:
        return print_json(rows)
    if not rows:
        print("尚未登记任何证书。")
    for row in rows:
        print(f"{row['county']}\t{row['fingerprint']}\t有效期 {row['not_before']} 至 {row['not_after']}\t{row['subject']}")


def show_consolidation(output, args) -> None:
    result = output.result
    if args.json:
        return print_json(result.summary() | {"files": [str(f) for f in output.files]})
    print(f"{result.period_label}：计入 {len(result.counties)} 个县（市、区）")
    for receipt in result.receipts:
        note = "；".join(receipt.problems)
        print(f"{receipt.county or '（不明）'}\t{receipt.state.label}\t{receipt.path.name if receipt.path else ''}"
              + (f"\t{note}" if note else ""))
    for path in output.files:
        print(f"已生成：{path}")


def show_office(profile, args) -> None:
    if getattr(args, "json", False):
        return print_json({"county": profile.county, "office_name": profile.office_name,
                           "preparer": profile.preparer, "reviewer": profile.reviewer, "approver": profile.approver,
                           "phone": profile.phone, "level": profile.role.value})
    if not profile.is_set_up:
        print("本单位信息尚未填写（用 office set 填写）。")
    for label, value in (("县（市、区）", profile.county), ("单位名称", profile.office_name),
                         ("填报人", profile.preparer), ("审核人", profile.reviewer), ("签发人", profile.approver),
                         ("联系电话", profile.phone), ("单位级别", profile.role.label)):
        print(f"{label}：{value or '—'}")


def office_fields(a: argparse.Namespace) -> dict[str, Any]:
    given = {"county": a.county, "office_name": a.office, "preparer": a.preparer, "reviewer": a.reviewer,
             "approver": a.approver, "phone": a.phone, "role": a.level}
    return {key: value for key, value in given.items() if value is not None}


def show_sent(sent, args) -> None:
    print(f"{sent.period_label}：已生成 {len(sent.files)} 份填报表，报送截止 {sent.due.isoformat()}")
    for path in sent.files:
        print(path)


def show_received(outcome, args) -> None:
    if args.json:
        print_json({"dry_run": outcome.dry_run, "written": outcome.written,
                    "files": [r.as_dict() for r in outcome.reviews]})
        return
    for review in outcome.reviews:
        print(f"{review.name}\t{review.unit or '（不明）'}\t{review.state}" + (f"\t{review.message}" if review.message else ""))
        for answer in review.answers:
            print(f"  {answer.state}\t{answer.where}\t{answer.subject}：{answer.ledger or '（空）'} → {answer.answer}"
                  + (f"\t{answer.error}" if answer.error else ""))
    if outcome.dry_run:
        print("（试运行，未写入）")
    else:
        kept = "" if not outcome.conflicts_kept else \
            f"；{outcome.conflicts_kept} 项冲突保留台账内容（加 --take-conflicts 则采用填报内容）"
        print(f"已写入 {outcome.written} 项{kept}。")


def show_collection_status(outcome, args) -> None:
    statuses, notices = outcome
    if args.json:
        print_json({"units": [s.as_dict() for s in statuses], "notices": [str(f) for f in notices]})
        return
    for s in statuses:
        due = f"截止 {s.due.isoformat()}" if s.due else ""
        got = f"{s.received_file}（{len(s.changes)} 项改动）" if s.received_file else ""
        print(f"{s.unit}\t{s.state}\t{due}\t{got}" + (f"\t滞后任务 {len(s.lagging)} 项" if s.lagging else ""))
        for name in s.earlier_files:
            print(f"  较早的文件：{name}")
    for path in notices:
        print(f"已生成提示单：{path}")


GROUPS = {
    "collect": "报送收集：向责任单位分发填报表、回收、催报",
    "identity": "本单位签名证书：创建、导入、导出、查看",
    "returns": "报表流程：完整性、缺报说明、审核、报送、撤回、历史",
    "trust": "市级：登记与查看各县（市、区）的签名证书",
    "office": "本单位信息：县（市、区）、单位名称、填报人、审核人、签发人、单位级别",
    "problems": "营商台账：涉企问题的登记、交办、答复、回访、督办与统计",
}

COMMANDS: tuple[Command, ...] = (
    Command("init", "创建或升级数据文件并载入内置方案", "models.plan_loader:initialise",
            lambda a: {"demo": a.demo}, show_init,
            (arg("--demo", action="store_true", help="同时载入演示数据（标注为演示）"),)),
    Command("summary", "数据文件中各类数据的数量", "models.summary:ledger_summary",
            lambda a: {"as_of": a.as_of, "year": a.year}, show_summary, (JSON,), shows_year=True),
    Command("periods", "列出一年的期次", "models.periods:list_periods",
            lambda a: {"year": a.year, "ptype": a.type}, show_periods,
            (arg("--year", type=int, default=argparse.SUPPRESS, help="年份（也可用全局 --year）"),
             arg("--type", choices=["biweekly", "monthly", "quarterly", "yearly"], default="biweekly"), JSON),
            store=False),
    Command("tasks", "列出任务及其状态（由节点与进展推算）", "models.task_list:list_tasks",
            lambda a: {"as_of": a.as_of, "status": a.status, "year": a.year}, show_tasks,
            (arg("--status", choices=["not_started", "on_track", "lagging", "done"], help="只列出此状态的任务"), JSON),
            shows_year=True),
    Command("report", "记录一项任务某期次的进展", "models.task_actions:record_report",
            lambda a: {"number": a.task, "period_id": a.period, "progress": a.progress, "problems": a.problems,
                       "next_steps": a.next_steps},
            lambda step, a: print(f"已记录第 {step.number} 号任务 {step.what} 的进展。"),
            (arg("--task", type=int, required=True, metavar="N", help="任务序号"), PERIOD,
             arg("--progress", required=True, metavar="TEXT", help="进展情况"),
             arg("--problems", default="", metavar="TEXT", help="存在问题"),
             arg("--next", default="", dest="next_steps", metavar="TEXT", help="下步计划"))),
    Command("milestone-done", "把一个节点举措标为已完成", "models.task_actions:complete_milestone",
            lambda a: {"number": a.task, "seq": a.milestone, "done": a.date},
            lambda step, a: print(f"第 {step.number} 号任务的节点“{step.what}”已于 {step.day.isoformat()} 完成。"),
            (arg("--task", type=int, required=True, metavar="N", help="任务序号"),
             arg("--milestone", type=int, required=True, metavar="K", help="节点序号（第几个节点）"),
             arg("--date", type=_date_arg, required=True, metavar="YYYY-MM-DD", help="完成日期"))),
    Command("indicators", "指标定义、最新数值、完成率与状态", "models.indicator_values:indicator_table",
            lambda a: {"as_of": a.as_of, "year": a.year}, show_indicators, (JSON,), shows_year=True),
    Command("value", "填报一个指标在一个期次的数值", "models.indicator_values:set_value",
            lambda a: {"ref": a.indicator, "period_id": a.period, "text": a.value, "note": a.note, "source": a.source,
                       "confirm_outlier": a.confirm_outlier}, show_value,
            (arg("--indicator", required=True, metavar="编号", help="指标编号或名称"),
             arg("--period", required=True, metavar="期次", help="期次编号，如 2023-M10"),
             arg("--value", required=True, metavar="数值", help="如 85、92.5%%、590万；空字符串表示未填报"),
             arg("--note", metavar="备注", help="备注（未填报或累计值下降时必填）"),
             arg("--source", metavar="来源", help="数据来源"),
             arg("--confirm-outlier", action="store_true", help="确认远离历史数据的数值无误")),
            confirm="--confirm-outlier"),
    Command("import-values", "从 Excel 导入指标数值（全部成功或全部不写入）", "exchange.values.values_import:import_values",
            lambda a: {"path": a.file, "confirm_outliers": a.confirm_outliers}, show_import_values,
            (arg("file", type=Path, metavar="FILE.xlsx"),
             arg("--confirm-outliers", action="store_true", help="确认远离历史数据的数值无误")),
            confirm="--confirm-outliers"),
    Command("identity new", "创建签名私钥和证书（主题含县（市、区）和单位名称）", "exchange.signing.identity:new_identity",
            lambda a: {"county": a.county, "office": a.office, "passphrase": passphrase(a.passphrase_env),
                       "replace": a.replace},
            show_new_identity,
            (arg("--county", required=True, help="县（市、区），如 婺城区"), arg("--office", required=True, help="单位名称"),
             arg("--passphrase-env", required=True, metavar="VAR", help="存放口令的环境变量名（口令不写在命令行上）"), REPLACE)),
    Command("identity import", "导入 PKCS#12 证书文件（.p12/.pfx），以同一口令加密保存私钥",
            "exchange.signing.identity:import_identity",
            lambda a: {"p12_path": a.file, "passphrase": passphrase(a.passphrase_env), "replace": a.replace},
            show_new_identity,
            (arg("file", type=Path, metavar="FILE.p12"),
             arg("--passphrase-env", required=True, metavar="VAR", help="存放口令的环境变量名"), REPLACE)),
    Command("identity export-cert", "导出证书（.cer/.der 为 DER，其他为 PEM），交市级登记",
            "exchange.signing.identity:export_store_certificate",
            lambda a: {"target": a.file}, show_exported_certificate, (arg("file", type=Path, metavar="FILE"),)),
    Command("identity show", "显示证书主题、有效期和指纹", "exchange.signing.identity:store_identity",
            lambda a: {}, show_identity),
    Command("returns status", "期次的缺报事项和报表状态", "exchange.returns.review:return_status",
            lambda a: {"period_id": a.period, "as_of": a.as_of, "check_files": True}, show_return_status,
            (PERIOD, JSON), shows_year=True),
    Command("returns explain", "为尚未说明的缺报事项填写原因", "models.returns:explain_gaps",
            lambda a: {"period_id": a.period, "reason": a.reason},
            lambda n, a: print(f"已为 {n} 项缺报事项填写原因。"), (PERIOD, arg("--reason", required=True))),
    Command("returns review", "审核本期报表", "exchange.returns.review:review_return",
            lambda a: {"period_id": a.period, "reviewer": a.reviewer, "as_of": a.as_of},
            lambda ret, a: print(f"{ret.period_id} 第 {ret.version} 版：已审核（审核人 {ret.reviewed_by}）"),
            (PERIOD, arg("--reviewer", required=True, help="审核人姓名"))),
    Command("returns submit", "标记已签发的报表为已报送", "models.returns:submit_return",
            lambda a: {"period_id": a.period}, lambda ret, a: print(f"{ret.period_id} 第 {ret.version} 版：已报送"),
            (PERIOD,)),
    Command("returns withdraw", "撤回已签发的报表（须说明原因），期次重新开放", "models.returns:withdraw_return",
            lambda a: {"period_id": a.period, "reason": a.reason},
            lambda ret, a: print(f"{ret.period_id} 第 {ret.version} 版：已撤回，期次重新开放；"
                                 f"下次签发为第 {ret.version + 1} 版"),
            (PERIOD, arg("--reason", required=True))),
    Command("returns history", "各期报表的所有版本及文件", "models.returns:return_history",
            lambda a: {"period_id": a.period, "year": a.year}, show_return_history, (arg("--period", metavar="ID"), JSON),
            shows_year=True),
    Command("export", "导出期次报表 <县>_<期次>_v<版本>.xlsx 和 .pdf（可签发）", "exchange.returns.returns_export:export_return",
            lambda a: {"period_id": a.period, "out_dir": a.out, "as_of": a.as_of,
                       "passphrase": passphrase(a.passphrase_env) if a.sign else None}, show_export,
            (PERIOD, arg("--out", required=True, type=Path, metavar="DIR", help="输出文件夹"),
             arg("--sign", action="store_true", help="签发：以本单位私钥签名并锁定期次（须已审核）"), PASSPHRASE_ENV)),
    Command("verify", "验证报表文件的签名，列出改动之处；全部有效时退出码为 0", "exchange.signing.verify:verify_files",
            lambda a: {"paths": a.files, "trust": a.trust or []}, show_verify,
            (arg("files", nargs="+", type=Path, metavar="FILE"),
             arg("--trust", action="append", type=Path, metavar="CERT",
                 help="受信任的证书文件（每个 --trust 一个，可重复）"), JSON),
            store=False),
    Command("import-plan", "从 Excel 工作簿导入或更新方案（全部成功或全不导入）", "exchange.plans.plan_import:import_plan_workbook",
            lambda a: {"path": a.file, "code": a.code, "dry_run": a.dry_run, "strict": a.strict}, show_import_plan,
            (arg("file", type=Path, metavar="FILE.xlsx"),
             arg("--dry-run", action="store_true", help="只显示将作的改动，不写入"),
             arg("--code", help="方案编号（更新库中某一方案时指定）"),
             arg("--strict", action="store_true", help="有存疑之处（警告）时也不导入"), JSON)),
    Command("rollover", "年度结转：由上一年度未完成的任务生成新年度台账（先预览，全部成功或全不写入）",
            "models.rollover:rollover_or_preview",
            lambda a: {"to_year": a.to_year, "dry_run": a.dry_run, "undated": a.undated}, show_rollover,
            (arg("--to", type=int, required=True, metavar="YYYY", dest="to_year", help="新年度，如 2024"),
             arg("--dry-run", action="store_true", help="只显示将结转的内容，不写入"),
             arg("--undated", action="store_true", help="未完成的节点不按同月同日顺延，放到年底待逐项确定时限"), JSON)),
    Command("export-plan", "把库中的方案导出为 Excel 工作簿（可再用 import-plan 读回）",
            "exchange.plans.plan_export:export_store_plan",
            lambda a: {"path": a.file}, lambda path, a: print(f"已导出：{path}"),
            (arg("file", type=Path, metavar="FILE.xlsx"),)),
    Command("trust add", "登记一个县（市、区）的证书（.cer/.pem/.der）", "exchange.signing.trust_list:register_certificate",
            lambda a: {"path": a.cert, "county": a.county},
            show_registered,
            (arg("cert", type=Path, metavar="CERT"), arg("--county", required=True, help="县（市、区）名称"))),
    Command("trust list", "列出已登记的证书", "exchange.signing.trust_list:list_trusted",
            lambda a: {}, show_trusted, (JSON,)),
    Command("consolidate", "市级：核验各县报表并汇总、排名，生成汇总工作簿与 PDF",
            "exchange.consolidation.consolidate:consolidate_and_write",
            lambda a: {"period_id": a.period, "paths": a.paths, "folder": a.out, "as_of": a.as_of,
                       "passphrase": passphrase(a.passphrase_env) if a.sign else None}, show_consolidation,
            (arg("paths", type=Path, nargs="+", metavar="FILE_OR_FOLDER"), PERIOD,
             arg("--out", type=Path, required=True, metavar="DIR", help="汇总文件的输出文件夹"),
             arg("--json", action="store_true", help="以 JSON 输出各县状态"),
             arg("--sign", action="store_true", help="用本单位（市级）签名证书签发汇总工作簿和 PDF"),
             PASSPHRASE_ENV)),
    Command("office show", "显示本单位信息和单位级别", "models.office_profile:office_profile",
            lambda a: {}, show_office, (JSON,)),
    Command("office set", "填写本单位信息（未给出的项保持不变）；--level city 为市级单位",
            "models.office_profile:save_office_profile", office_fields, show_office,
            (arg("--county", required=True, help="县（市、区），如 婺城区；市级单位填市名"),
             arg("--office", required=True, help="单位名称"),
             arg("--preparer", help="填报人"), arg("--reviewer", help="审核人"), arg("--approver", help="签发人"),
             arg("--phone", help="联系电话"),
             arg("--level", choices=["county", "city"], help="单位级别：county 县级（默认），city 市级（核验并汇总各县报表）"))),
    Command("collect send", "为每个责任单位生成本期填报表 <单位>_<期次>.xlsx", "exchange.collection.form_writer:send_forms",
            lambda a: {"period_id": a.period, "out_dir": a.out, "as_of": a.as_of, "due": a.due}, show_sent,
            (PERIOD, arg("--out", required=True, type=Path, metavar="DIR", help="输出文件夹"),
             arg("--due", type=_date_arg, metavar="YYYY-MM-DD", help="报送截止日期（默认为期次最后一天）"))),
    Command("collect receive", "读取发回的填报表，与台账比对后写入（冲突处保留台账内容）",
            "exchange.collection.form_reader:collect_answers",
            lambda a: {"paths": a.paths, "as_of": a.as_of, "dry_run": a.dry_run, "take_conflicts": a.take_conflicts,
                       "confirm_outliers": a.confirm_outliers}, show_received,
            (arg("paths", nargs="+", type=Path, metavar="FILE_OR_FOLDER"),
             arg("--dry-run", action="store_true", help="只显示差异，不写入"),
             arg("--take-conflicts", action="store_true", help="冲突处也采用单位填报的内容"),
             arg("--confirm-outliers", action="store_true", help="确认远离历史数据的数值无误"), JSON),
            confirm="--confirm-outliers"),
    Command("collect status", "各单位是否已报送、是否逾期、改动了什么；--out 生成提示单 PDF",
            "exchange.collection.reminder_pdf:status_and_notices",
            lambda a: {"period_id": a.period, "as_of": a.as_of, "out_dir": a.out}, show_collection_status,
            (PERIOD, arg("--out", type=Path, metavar="DIR", help="为逾期未报或有滞后任务的单位生成提示单 PDF"), JSON)),
)


# ---- 营商台账: enterprises' problems (models.problems, exchange.problems) --------------------------

def _split_list(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").replace("、", ",").split(",") if part.strip()]


def problem_draft(a: argparse.Namespace) -> dict[str, Any]:
    from models.problems.loop import IssueDraft

    return {"draft": IssueDraft(a.enterprise, a.source, a.category, a.text, a.received, a.credit_code, a.contact,
                                a.phone, _split_list(a.tags), a.task)}


def show_issue(issue, args) -> None:
    if args.json:
        return print_json(issue.as_dict())
    print(f"id {issue.id}\t{issue.number}\t{issue.state_label}\t{issue.enterprise}\t{issue.channel}\t{issue.kind}")
    if issue.lead_handler:
        co = f"（协办：{'、'.join(issue.co_handlers)}）" if issue.co_handlers else ""
        print(f"主办单位：{issue.lead_handler}{co}\t时限 {issue.limit_days} 个工作日\t办结期限 {issue.due or '—'}")
    if issue.satisfaction:
        print(f"回访：{issue.satisfaction}\t重办 {issue.reopen_count} 次")
    if issue.linked:
        print(f"举一反三：关联 {'、'.join(issue.linked)}；制度性举措：{issue.systemic_measure}")


def show_issue_detail(issue, args) -> None:
    show_issue(issue, args)
    if not args.json:
        print(f"联系人：{issue.contact or '—'} {issue.phone}\t信用代码：{issue.credit_code or '—'}\t"
              f"标签：{'、'.join(issue.tags) or '—'}")
        print(f"问题：{issue.description}")
        for step in issue.steps:
            print(f"  {step.day}\t{step.kind}\t{step.unit}\t{step.text}\t（{step.who} 记录于 {step.at:%Y-%m-%d %H:%M}）")


def show_assigned(issue, args) -> None:
    if args.json:
        return print_json(issue.as_dict())
    print(f"{issue.number} 已交办 {issue.lead_handler}，时限 {issue.limit_days} 个工作日，办结期限 {issue.due}")


def show_issue_list(rows, args) -> None:
    if args.json:
        return print_json([row.as_dict() for row in rows])
    for r in rows:
        mark = f"【{r.colour_label}】" if r.colour else ""  # 【红（已逾期）】
        print(f"{r.id}\t{r.number}\t{r.state_label}{mark}\t{r.enterprise}\t{r.lead_handler or '—'}\t期限 {r.due or '—'}")
    print(f"共 {len(rows)} 件")


def show_problem_figures(report, args) -> None:
    from models.problems.figures import format_rate

    if args.json:
        return print_json(report.as_dict())
    print(f"统计区间：{report.start} 至 {report.end}（按 {report.judged} 的办理情况）")
    print("主办单位\t受理\t办结\t办结率\t按期办结率\t满意率\t重办率\t平均办结用时（工作日）")
    for f in [report.total] + report.units:
        print(f"{f.unit}\t{f.received}\t{f.closed}\t{format_rate(f.close_rate)}\t{format_rate(f.on_time_rate)}\t"
              f"{format_rate(f.satisfaction_rate)}\t{format_rate(f.reopen_rate)}\t"
              f"{'—' if f.mean_close_days is None else f.mean_close_days}")


def show_problem_import(preview, args) -> None:
    if args.json:
        return print_json({"file": str(args.file), "sheet": preview.sheet, "dry_run": args.dry_run,
                           "new": len(preview.new_rows), "duplicates": preview.duplicate_lines()})
    for line in preview.duplicate_lines():
        print(f"重复：{line}")
    verb = "可导入" if args.dry_run else "已导入"
    print(f"{args.file.name}（工作表“{preview.sheet}”）：{verb} {len(preview.new_rows)} 件，重复 {len(preview.duplicates)} 件"
          + ("（试运行，未写入）" if args.dry_run else "（重复的已跳过）" if preview.duplicates else ""))


def show_paths(paths, args) -> None:
    if args.json:
        return print_json([str(p) for p in paths])
    if not paths:
        print("没有在办的涉企问题，无需督办。")
    for path in paths:
        print(path)


PROBLEM_ID = arg("id", metavar="ID", help="问题 id 或编号（如 12 或 2023-0012）")
PROBLEM_DATE = arg("--date", type=_date_arg, metavar="YYYY-MM-DD", help="办理日期（默认台账日期）")
LOOP = "models.problems.loop"

COMMANDS += (
    Command("problems add", "登记一个涉企问题（打印其 id 和编号）", f"{LOOP}:register_issue", problem_draft, show_issue,
            (arg("--enterprise", required=True, help="企业名称"),
             arg("--credit-code", default="", help="统一社会信用代码（18 位，可不填）"),
             arg("--source", required=True, help="来源渠道：12345热线、企业走访、政企恳谈/茶咖沙龙、营商环境体验官、线上平台、来信来访、其他"),
             arg("--category", required=True, help="问题类型：咨询、求助、投诉、建议、举报"),
             arg("--text", required=True, help="问题描述"),
             arg("--received", required=True, type=_date_arg, metavar="YYYY-MM-DD", help="受理日期"),
             arg("--contact", default="", help="联系人"), arg("--phone", default="", help="联系电话"),
             arg("--tags", default="", help="问题标签，以逗号分隔，如 要素保障,用地"),
             arg("--task", type=int, metavar="N", help="关联的改革任务序号"), JSON)),
    Command("problems assign", "交办（打印办结期限）；已交办的为改派，须说明理由", f"{LOOP}:assign_issue",
            lambda a: {"ref": a.id, "unit": a.unit, "days": a.days, "day": a.date, "co_units": _split_list(a.co_units),
                       "reason": a.reason}, show_assigned,
            (PROBLEM_ID, arg("--unit", required=True, help="主办单位"),
             arg("--co-units", default="", help="协办单位，以逗号分隔"),
             arg("--days", required=True, type=int, help="办理时限（工作日，自交办次日起算）"),
             arg("--reason", default="", help="改派理由（改派时必填）"), PROBLEM_DATE, JSON)),
    Command("problems accept", "承办单位签收", f"{LOOP}:accept_issue", lambda a: {"ref": a.id, "day": a.date},
            show_issue, (PROBLEM_ID, PROBLEM_DATE, JSON)),
    Command("problems reply", "办结答复（--interim 为阶段答复）", f"{LOOP}:reply_issue",
            lambda a: {"ref": a.id, "text": a.text, "day": a.date, "interim": a.interim}, show_issue,
            (PROBLEM_ID, arg("--text", required=True, help="答复内容"),
             arg("--interim", action="store_true", help="阶段答复，问题仍在办理中"), PROBLEM_DATE, JSON)),
    Command("problems visit", "回访企业：满意、基本满意、不满意（不满意则重办）", f"{LOOP}:visit_issue",
            lambda a: {"ref": a.id, "satisfaction": a.satisfaction, "day": a.date, "note": a.note}, show_issue,
            (PROBLEM_ID, arg("--satisfaction", required=True, help="满意、基本满意 或 不满意"),
             arg("--note", default="", help="回访记录"), PROBLEM_DATE, JSON)),
    Command("problems extend", "延期：新的办结期限和理由", f"{LOOP}:extend_issue",
            lambda a: {"ref": a.id, "new_due": a.due, "reason": a.reason, "day": a.date}, show_issue,
            (PROBLEM_ID, arg("--due", required=True, type=_date_arg, metavar="YYYY-MM-DD", help="新的办结期限"),
             arg("--reason", required=True, help="延期理由"), PROBLEM_DATE, JSON)),
    Command("problems return", "退回（如非本单位职责），待改派", f"{LOOP}:return_issue",
            lambda a: {"ref": a.id, "reason": a.reason, "day": a.date}, show_issue,
            (PROBLEM_ID, arg("--reason", required=True, help="退回理由"), PROBLEM_DATE, JSON)),
    Command("problems link", "举一反三：关联类似问题并记录制度性举措", f"{LOOP}:link_issues",
            lambda a: {"ref": a.id, "others": a.others, "measure": a.measure, "day": a.date}, show_issue,
            (PROBLEM_ID, arg("--with", dest="others", required=True, nargs="+", metavar="ID", help="类似问题的 id 或编号"),
             arg("--measure", required=True, help="制度性举措"), PROBLEM_DATE, JSON)),
    Command("problems archive", "归档（回访之后）", f"{LOOP}:archive_issue", lambda a: {"ref": a.id, "day": a.date},
            show_issue, (PROBLEM_ID, PROBLEM_DATE, JSON)),
    Command("problems show", "一个问题的全部信息和办理过程", f"{LOOP}:issue_detail", lambda a: {"ref": a.id},
            show_issue_detail, (PROBLEM_ID, JSON)),
    Command("problems list", "列出涉企问题及其督办颜色（红逾期、蓝2个工作日内到期、黄时限过半）",
            "models.problems.supervision:list_issues",
            lambda a: {"as_of": a.as_of, "state": a.state, "overdue": a.overdue, "unit": a.unit}, show_issue_list,
            (arg("--state", help="只列此状态：registered/assigned/handling/returned/replied/visited/archived 或中文"),
             arg("--overdue", action="store_true", help="只列已逾期（红）的"), arg("--unit", help="只列此主办单位的"),
             JSON)),
    Command("problems stats", "统计：受理、办结、办结率、按期办结率、满意率、重办率、平均办结用时",
            "models.problems.figures:problem_figures",
            lambda a: {"start": a.start, "end": a.end, "as_of": a.as_of, "period_id": a.period}, show_problem_figures,
            (arg("--from", dest="start", type=_date_arg, metavar="YYYY-MM-DD", help="起始日期"),
             arg("--to", dest="end", type=_date_arg, metavar="YYYY-MM-DD", help="截止日期"),
             arg("--period", metavar="ID", help="期次编号（代替 --from/--to），如 2023-Q3"), JSON)),
    Command("problems import", "从工作簿（如 12345 导出表）导入问题（全部成功或全不导入）",
            "exchange.problems.problem_import:import_problems",
            lambda a: {"path": a.file, "dry_run": a.dry_run, "skip_duplicates": a.skip_duplicates}, show_problem_import,
            (arg("file", type=Path, metavar="FILE.xlsx"), arg("--dry-run", action="store_true", help="只检查并列出，不写入"),
             arg("--skip-duplicates", action="store_true", help="跳过重复的问题（同一企业、同一内容、同一天）"), JSON)),
    Command("problems notice", "为各主办单位生成督办单 PDF（联系人、电话脱敏）",
            "exchange.problems.supervision_notice:write_notices",
            lambda a: {"folder": a.out, "as_of": a.as_of, "units": a.unit}, show_paths,
            (arg("--out", required=True, type=Path, metavar="DIR", help="输出文件夹"),
             arg("--unit", nargs="+", help="只为这些单位生成（默认：所有有在办问题的单位）"), JSON)),
    Command("problems export", "导出一年的涉企问题及办理过程（联系人、电话脱敏）",
            "exchange.problems.problem_export:export_problems", lambda a: {"path": a.file, "year": a.year},
            lambda path, a: print_json({"file": str(path)}) if a.json else print(f"已导出（联系人、电话已脱敏）：{path}"),
            (arg("file", type=Path, metavar="FILE.xlsx"), arg("--year", type=int, help="年度（默认台账日期所在年）"), JSON)),
)


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="main.py", description="改革台账：县（市、区）改革任务与指标台账。不带子命令时打开窗口。")
    parser.add_argument("--db", type=Path, help="数据文件路径（默认在用户数据目录，或环境变量 LEDGER_DB）")
    parser.add_argument("--as-of", type=_date_arg, dest="as_of", metavar="YYYY-MM-DD",
                        help="按此日期计算当前期次、到期与滞后（默认取设置中的台账日期，否则今天；"
                             "已结束的年度按其最后一天）")
    parser.add_argument("--year", type=int, metavar="YYYY",
                        help="查看哪一年度的方案与台账（默认最新年度）：summary、tasks、indicators、returns status/history")
    sub = parser.add_subparsers(dest="command", metavar="子命令", parser_class=ChineseArgumentParser)
    groups: dict[str, argparse._SubParsersAction] = {}
    for command in COMMANDS:
        group, _, name = command.name.rpartition(" ")
        if group and group not in groups:
            p = sub.add_parser(group, help=GROUPS[group])
            groups[group] = p.add_subparsers(dest=f"{group}_command", metavar="操作", required=True,
                                             parser_class=ChineseArgumentParser)
        p = (groups[group] if group else sub).add_parser(name, help=command.help)
        for flags, options in command.arguments:
            p.add_argument(*flags, **options)
        p.set_defaults(subcommand=command)
    return parser


def say_year(store, args: argparse.Namespace) -> None:
    """One line on stderr (stdout stays clean for --json) when the year shown has ended or not begun."""
    from models.periods import parse_period_id
    from models.settings import year_notice

    year = args.year or (parse_period_id(args.period).year if getattr(args, "period", None) else None)
    with store.session() as session:
        if notice := year_notice(session, args.as_of, year):
            print(f"注意：{notice}", file=sys.stderr)


def run_command(args: argparse.Namespace) -> int:
    """Run the parsed subcommand: its operation on the store (opened here, closed after), then its printer."""
    command: Command = args.subcommand
    try:
        inputs = command.inputs(args)
        operation = command.function()
        start_up_done()
        if command.store:
            from models.store import Store
            from models.store_path import default_db_path

            # Only init makes a new store: a mistyped --db must not silently become an empty ledger.
            with Store(args.db or default_db_path(), create=command.name == "init") as store:
                result = operation(store, **inputs)
                if command.shows_year:
                    say_year(store, args)
        else:
            result = operation(**inputs)
        code = command.show(result, args)
        return EXIT_OK if code is None else code
    except LedgerError as error:
        message = str(error)
        if command.confirm and getattr(error, "confirmable", False):
            message += f"\n如确认无误，请加 {command.confirm} 重新运行。"
        print(f"错误：{message}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # the reader went away (`main.py tasks | head`): not an error of ours
        sys.stdout = None  # nothing more can be written; keep the interpreter from complaining at exit
        return EXIT_OK
    except Exception:  # an unforeseen failure: the details go to the log, not to the user's screen
        from models.logs import log_exception

        log_path = log_exception("命令 " + command.name)
        print(f"错误：程序内部错误，命令未完成。详细信息已写入 {log_path}", file=sys.stderr)
        return EXIT_ERROR


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        from ui.app import run_gui

        return run_gui(args.db, args.as_of)
    return run_command(args)


if __name__ == "__main__":
    gc.disable()  # until start-up is done: see models.collector
    sys.exit(main())
