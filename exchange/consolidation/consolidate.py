"""The city's consolidation (汇总) of the counties' returns for one period.

Every file is checked before its figures count: its signature (exchange.signing.verify), that the
certificate is on the city's trust list, the period, the cover, and the version; a PDF copy
lying beside the workbook under the same name must verify and match it (else a note). An
altered file is named for the county whose certificate signed it. Each county gets one state (``Receipt``); the valid returns, late ones included, are combined into
per-indicator and per-task comparisons and per-area ranking boards (models.ranking). The files
that come out are written by exchange.consolidation.consolidated_xlsx and exchange.consolidation.consolidated_pdf;
the data types they share are in exchange.consolidation.consolidation_data.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from exchange.common.files import clear_stale, safe_file_name, write_together
from exchange.consolidation.consolidation_data import COUNTED, Consolidation, CountyFigures, IndicatorFigure, \
    IndicatorLine, Receipt, ReceiptState, TaskFigure, TaskLine
from exchange.returns.return_data import ReturnData
from exchange.signing.identity import check_can_sign_with, identity_folder, unlock
from exchange.signing.trust_list import trusted_by_fingerprint
from models.errors import LedgerError
from models.ledger import Period
from models.office import Office
from models.periods import period_name
from models.plan_loader import require_plan
from models.progress import Progress, no_progress
from models.ranking import (AreaScore, ProblemScore, area_score, competition_ranks, is_additive, rank_areas,
                            rank_problem_boards)
from models.settings import as_of_date


def collect_files(paths: list[Path]) -> list[Path]:
    """The workbooks named, and those inside the folders named (returns travel as .xlsx; a PDF
    beside one is its printed copy: checked against it, it carries no figures to combine)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.xlsx") if not p.name.startswith(("~$", ".")))
        elif path.is_file():
            files.append(path)
        else:
            raise LedgerError(f"找不到文件或文件夹：{path}")
    return files


def check_return(path: Path, period_id: str, trusted: dict[str, str], due) -> Receipt:
    """One file's state. ``trusted`` maps certificate fingerprints to registered counties. A signed
    file is named for the county its certificate is registered to (else the certificate's own)."""
    from exchange.signing.verify import verify_and_read  # loads openpyxl and the signature readers

    check, data = verify_and_read(path)  # one pass: the guard, the signature of every cell, the data
    signer_county = (trusted.get(check.fingerprint) or check.county) if check.signed else ""
    receipt = Receipt(signer_county, ReceiptState.VALID, path, check.signer, check.fingerprint, check.signed_at,
                      check.period_id, check.version, list(check.problems))
    receipt.problems += check.copy_problems + check.notes
    if data is None:  # an altered return may no longer read as one: its signature says whose it was
        receipt.state = ReceiptState.ALTERED if check.altered else ReceiptState.UNREADABLE
        return receipt
    cover = data.cover
    receipt.county = signer_county or cover.county
    if not check.signed:
        receipt.state = ReceiptState.UNSIGNED
    elif check.problems:
        receipt.state = ReceiptState.ALTERED
    elif check.fingerprint not in trusted:
        receipt.state = ReceiptState.UNREGISTERED
        receipt.problems.append(f"签名证书（指纹 {check.fingerprint[:16]}…，{check.signer}）不在本单位登记的证书中。")
    elif check.period_id != period_id:
        receipt.state = ReceiptState.OTHER_PERIOD
        receipt.problems.append(f"报表期次为 {period_name(check.period_id)}，不是 {period_name(period_id)}。")
    elif cover.period_id != check.period_id or cover.version != check.version:
        receipt.state = ReceiptState.COVER_MISMATCH
        receipt.problems.append(f"封面写的是 {period_name(cover.period_id)} 第 {cover.version} 版，"
                                f"签名针对 {period_name(check.period_id)} 第 {check.version} 版。")
    elif cover.county != receipt.county:
        receipt.state = ReceiptState.COVER_MISMATCH
        receipt.problems.append(f"封面单位为“{cover.county}”，签名证书登记给“{receipt.county}”。")
    elif check.signed_at is not None and check.signed_at.date() > due:
        receipt.state = ReceiptState.LATE
        receipt.problems.append(f"签发于 {check.signed_at:%Y-%m-%d}，晚于报送截止日 {due:%Y-%m-%d}。")
    if receipt.state in COUNTED:  # figures that do not count are not kept
        receipt.data = county_figures(data)
    return receipt


def county_figures(data: ReturnData) -> CountyFigures:
    """What the consolidation keeps of a return; texts repeated in every return
    (names, units, states) are held once."""
    text = sys.intern
    indicators = [IndicatorFigure(text(r.code), text(r.name), text(r.unit), text(r.target_text), r.value,
                                  r.completion, text(r.status)) for r in data.indicators]
    tasks = [TaskFigure(r.number, text(r.title), text(r.area), text(r.status)) for r in data.tasks
             if r.origin == "规定动作"]  # a county's own tasks are not compared
    year = next((f for f in data.problem_figures if f.scope == "本年累计" and f.unit == "全部"), None)
    return CountyFigures(indicators, tasks, year)


def consolidate(store, period_id: str, paths: list[Path], progress: Progress = no_progress) -> Consolidation:
    """Check every file and combine the returns that count."""
    period_id = period_id.strip().upper()
    with store.session() as session:
        period = session.get(Period, period_id)
        if period is None:
            raise LedgerError(f"期次“{period_id}”不存在（应如 2023-B22，且属于已载入方案的年度）。")
        plan = require_plan(session, "，无法汇总")
        indicator_area = {i.code: i.task.area.name if i.task else "" for i in plan.indicators}
        area_order = [a.name for a in plan.areas]
        period_label, due, plan_name = period.label, period.due, plan.name
        office = session.scalar(select(Office.office_name).limit(1)) or Consolidation.office
    trusted = {fp: county for fp, (county, _cert) in trusted_by_fingerprint(store).items()}
    if not trusted:
        raise LedgerError("尚未登记任何县（市、区）的签名证书，无法核验报表。请先点“登记证书…”登记（命令行：trust add）。")
    files = collect_files(paths)
    receipts = []
    for done, path in enumerate(files):
        progress(done, len(files), f"正在核验 {path.name}…")
        receipts.append(check_return(path, period_id, trusted, due))
    progress(len(files), len(files), "正在汇总…")
    _mark_superseded(receipts)
    county_order = list(dict.fromkeys(trusted.values()))
    counted = {r.county: r for r in receipts if r.state in COUNTED}
    heard_from = {r.county for r in receipts}
    receipts += [Receipt(county, ReceiptState.MISSING) for county in county_order if county not in heard_from]
    counties = [c for c in county_order if c in counted]
    indicators = _indicator_lines(counted, counties, indicator_area)
    tasks = _task_lines(counted, counties)
    areas = _area_boards(counties, tasks, indicators, area_order)
    receipts.sort(key=lambda r: (county_order.index(r.county) if r.county in county_order else len(county_order),
                                 r.county, -r.version))
    return Consolidation(period_id, period_label, due, plan_name, receipts, counties, indicators, tasks, areas,
                         _problem_board(counted, counties), office)


def _mark_superseded(receipts: list[Receipt]) -> None:
    """Of a county's counted returns for the period, only the latest version counts."""
    latest: dict[str, Receipt] = {}
    for receipt in receipts:
        if receipt.state in COUNTED:
            best = latest.get(receipt.county)
            if best is None or receipt.version > best.version:
                latest[receipt.county] = receipt
    for receipt in receipts:
        if receipt.state in COUNTED and latest[receipt.county] is not receipt:
            receipt.state = ReceiptState.SUPERSEDED
            receipt.problems.append(f"同一期次已收到第 {latest[receipt.county].version} 版，以新版本为准。")
            receipt.data = None


def _indicator_lines(counted: dict[str, Receipt], counties: list[str], area_of: dict[str, str]) -> list[IndicatorLine]:
    lines: dict[str, IndicatorLine] = {}
    for county in counties:
        for row in counted[county].data.indicators:
            line = lines.get(row.code)
            if line is None:
                line = lines[row.code] = IndicatorLine(row.code, row.name, row.unit, area_of.get(row.code, ""),
                                                       row.target_text, is_additive(row.unit))
            line.values[county], line.completions[county], line.statuses[county] = row.value, row.completion, row.status
    for line in lines.values():
        line.ranks = competition_ranks({c: line.completions.get(c) for c in counties})
    return sorted(lines.values(), key=lambda line: line.code)


def _task_lines(counted: dict[str, Receipt], counties: list[str]) -> list[TaskLine]:
    lines: dict[int, TaskLine] = {}
    for county in counties:
        for row in counted[county].data.tasks:
            line = lines.setdefault(row.number, TaskLine(row.number, row.title, row.area))
            line.statuses[county] = row.status
    return sorted(lines.values(), key=lambda line: line.number)


def _problem_board(counted: dict[str, Receipt], counties: list[str]) -> list[ProblemScore]:
    """Each county's 营商台账 for the year so far (its return's 本年累计 total), side by side."""
    scores = []
    for county in counties:
        year = counted[county].data.year_problems
        if year is not None:
            scores.append(ProblemScore(county, year.received, year.closed, year.close_rate, year.on_time_rate,
                                       year.satisfaction_rate, year.reopen_rate, year.mean_close_days))
    return rank_problem_boards(scores)


def _area_boards(counties: list[str], tasks: list[TaskLine], indicators: list[IndicatorLine],
                 area_order: list[str]) -> dict[str, list[AreaScore]]:
    names = area_order + sorted({t.area for t in tasks} - set(area_order))
    boards = {}
    for area in names:
        area_tasks = [t for t in tasks if t.area == area]
        area_indicators = [i for i in indicators if i.area == area]
        if not area_tasks and not area_indicators:
            continue
        boards[area] = rank_areas([
            area_score(c, [t.statuses[c] for t in area_tasks if c in t.statuses],
                       [i.completions.get(c) for i in area_indicators]) for c in counties])
    return boards


def write_outputs(result: Consolidation, folder: Path, issued, key=None,
                  progress: Progress = no_progress) -> list[Path]:
    """The consolidated workbook and PDF in ``folder``, named for the period, both signed with the
    city's key when one is given (exchange.signing.identity.unlock); both are made in full before
    either replaces the files of an earlier run."""
    # reportlab and openpyxl are slow to import: loaded when files are written, not with the workspace
    from exchange.consolidation.consolidated_pdf import consolidated_pdf_bytes
    from exchange.consolidation.consolidated_xlsx import consolidated_xlsx_bytes

    if key is not None:
        check_can_sign_with(key)
    stem = Path(folder).resolve() / safe_file_name(f"汇总_{result.period_id}")
    xlsx, pdf = stem.with_suffix(".xlsx"), stem.with_suffix(".pdf")
    clear_stale(stem.parent, ["汇总_*.xlsx", "汇总_*.pdf"])
    return write_together({xlsx: consolidated_xlsx_bytes(result, key),
                           pdf: consolidated_pdf_bytes(result, issued, key, progress)})


@dataclass
class ConsolidationOutput:
    result: Consolidation
    files: list[Path]  # the consolidated workbook and PDF


def consolidate_and_write(store, period_id: str, paths: list[Path], folder: Path, as_of: date | None = None,
                          passphrase: str | None = None, progress: Progress = no_progress) -> ConsolidationOutput:
    """汇总: check and combine the counties' returns, write the workbook and PDF into ``folder``
    (issued on the working date), signed with the city's key when a passphrase is given."""
    key = unlock(identity_folder(store), passphrase) if passphrase is not None else None
    result = consolidate(store, period_id, paths, progress)
    with store.session() as session:
        issued = as_of_date(session, as_of)
    return ConsolidationOutput(result, write_outputs(result, folder, issued, key, progress))
