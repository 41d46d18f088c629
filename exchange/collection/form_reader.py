"""回收: reading a returned fill-in workbook, and receiving a batch of them.

A file is recognised by its hidden sheet 台账标识, whatever its name. It is checked by the
workbook guard before openpyxl parses it and read in read-only mode; every sheet's dimension is
reset first (WPS may declare A1 only). Cells become text the same way whichever program saved
the workbook: shared or inline strings alike, 85.0 as “85”, a cell formatted as percent as
“92.5%”, a date as 2023-11-05 — so numbers typed as text read like numbers. What the answers mean
is decided by models.collection.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from exchange.collection.form_writer import META_SHEET
from exchange.common.workbook_guard import MAX_COLUMNS, open_workbook
from models.collection import (CONFLICT, FORM_MARK, AcceptResult, FormReview, ReceivedForm, apply_answers, cell_text,
                               refused_file, review_forms)
from models.errors import LedgerError
from models.progress import Progress, no_progress
from models.settings import as_of_date
from models.store import Store

FORM_MAX_ROWS = 5000


def _text(value: Any, number_format: str) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        if "%" in (number_format or ""):
            return f"{value * 100:.12g}%"
        return f"{value:.15g}"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return cell_text(value)


def read_form(path: Path) -> ReceivedForm:
    """The hidden sheet's entries and the text of every cell; LedgerError naming the file if it
    is no form of this program."""
    path = Path(path)
    wb = open_workbook(path, FORM_MAX_ROWS)
    try:
        if META_SHEET not in wb.sheetnames:
            raise LedgerError(f"{path.name}：不是改革台账发出的填报表（没有“{META_SHEET}”工作表），未读取。")
        meta: dict[str, str] = {}
        cells: dict[str, str] = {}
        for ws in wb.worksheets:
            ws.reset_dimensions()  # a declared dimension may be wrong (WPS): read what is there
            try:
                for row in ws.iter_rows(max_col=MAX_COLUMNS):
                    for cell in row:
                        if cell.value is None:
                            continue
                        text = _text(cell.value, getattr(cell, "number_format", ""))
                        if ws.title == META_SHEET:
                            if cell.column == 2:
                                meta[_text(ws.cell(cell.row, 1).value, "")] = text
                        elif text:
                            cells[f"{ws.title}!{cell.coordinate}"] = text
            except LedgerError:
                raise
            except Exception as error:  # a damaged sheet: named, never a traceback
                raise LedgerError(f"{path.name}：工作表“{ws.title}”无法读取（{type(error).__name__}）。") from None
        saved_at = wb.properties.modified if wb.properties else None
    finally:
        wb.close()
    if meta.get("格式") != FORM_MARK:
        raise LedgerError(f"{path.name}：“{META_SHEET}”工作表不是改革台账填报表的格式，未读取。")
    return ReceivedForm(str(path.resolve()), path.name, hashlib.sha256(path.read_bytes()).hexdigest(),
                        saved_at, meta, cells)


def form_files(paths: list[Path]) -> list[Path]:
    """The .xlsx files given, folders searched (not their sub-folders), Office's lock files left out."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.glob("*.xlsx") if not p.name.startswith(("~$", ".~lock")))
        else:
            found.append(path)
    return found


def read_forms(paths: list[Path], progress: Progress = no_progress) -> tuple[list[ReceivedForm], list[FormReview]]:
    """Every file read; those that cannot be read come back as refused reviews, with the reason."""
    files = form_files(paths)
    if not files:
        raise LedgerError("没有找到 .xlsx 文件。")
    received, unreadable = [], []
    for n, path in enumerate(files):
        progress(n, len(files), f"正在读取 {path.name}…")
        if not path.is_file():
            unreadable.append(refused_file(str(path), path.name, f"{path}：文件不存在。"))
            continue
        try:
            received.append(read_form(path))
        except LedgerError as error:
            unreadable.append(refused_file(str(path.resolve()), path.name, str(error)))
    progress(len(files), len(files), "")
    return received, unreadable


def review_files(store: Store, paths: list[Path], as_of: date,
                 progress: Progress = no_progress) -> tuple[list[ReceivedForm], list[FormReview]]:
    """Read and check the files and compare their answers with the ledger; nothing is written."""
    received, unreadable = read_forms(paths, progress)
    with store.session() as session:
        return received, review_forms(session, received, as_of, unreadable)


def receive_files(store: Store, paths: list[Path], as_of: date, take_conflicts: bool = False,
                  confirm_outliers: bool = False, progress: Progress = no_progress) -> tuple[AcceptResult, list[FormReview]]:
    """Read the files and accept every acceptable answer (conflicts only with ``take_conflicts``)."""
    received, unreadable = read_forms(paths, progress)
    result = apply_answers(store, received, as_of, take_conflicts=take_conflicts, confirm_outliers=confirm_outliers)
    return result, unreadable + result.reviews


@dataclass
class CollectOutcome:
    reviews: list[FormReview]
    written: int
    dry_run: bool

    @property
    def conflicts_kept(self) -> int:
        return 0 if self.dry_run else sum(a.state == CONFLICT for r in self.reviews for a in r.acceptable)


def collect_answers(store: Store, paths: list[Path], as_of: date | None = None, dry_run: bool = False,
                    take_conflicts: bool = False, confirm_outliers: bool = False) -> CollectOutcome:
    """``collect receive``: the review of every file, and unless ``dry_run`` the answers written."""
    with store.session() as session:
        as_of = as_of_date(session, as_of)
    if dry_run:
        return CollectOutcome(review_files(store, paths, as_of)[1], 0, True)
    result, reviews = receive_files(store, paths, as_of, take_conflicts, confirm_outliers)
    return CollectOutcome(reviews, result.written, False)
