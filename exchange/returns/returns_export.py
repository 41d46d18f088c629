"""Writing a period's return files, unsigned (a draft to look at) or signed (the 签发 step).

Both front ends call ``export_return``: the 报表报送 workspace through a background worker, the
``export`` subcommand directly. Signing unlocks the office key, builds both files in memory,
stages both in full under temporary names, records their hashes in the Return
(models.returns.mark_signed, which locks the period) and only then moves them into place as
``<county>_<period>_v<version>.xlsx/.pdf``: a signed file is never visible without its record.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from exchange.common.files import clear_stale, safe_file_name, sha256_of, write_together
from exchange.signing.identity import check_can_sign_with, identity_folder, unlock
from exchange.returns.pdf_return import build_pdf
from exchange.returns.return_data import ReturnData, build_return, return_digest
from exchange.returns.xlsx_return import xlsx_bytes
from models.periods import period_name
from models.progress import Progress, no_progress
from models.returns import (
    SignedFiles, check_can_sign, get_period, history, mark_signed, next_version, recorded_hashes,
)
from models.settings import as_of_date
from models.store import Store

RETURN_FILES = ("*_v*.xlsx", "*_v*.pdf")  # <county>_<period>_v<version>


@dataclass
class ExportResult:
    xlsx: Path
    pdf: Path
    version: int
    digest: str
    signed: bool


def returns_folder(store: Store) -> Path:
    """Where the workspace puts the return files: beside the store, per store."""
    return store.folder / f"{store.path.stem}.files" / "returns"


def file_stem(data: ReturnData) -> str:
    return safe_file_name(data.file_stem)


def export_return(store: Store, period_id: str, out_dir: Path, as_of: date | None = None,
                  passphrase: str | None = None, progress: Progress = no_progress) -> ExportResult:
    """Write the return of ``period_id`` into ``out_dir``; sign it when a passphrase is given.
    ``as_of`` None: the stored working date."""
    progress(0, 5, "正在汇总报表数据…")
    out_dir = Path(out_dir).resolve()
    clear_stale(out_dir, RETURN_FILES, _recorded_in(store))  # first: a signed version may wait there
    key = unlock(identity_folder(store), passphrase) if passphrase is not None else None
    with store.session() as session:
        as_of = as_of_date(session, as_of, get_period(session, period_id).year)
        data = build_return(session, period_id, as_of, next_version(session, period_id.strip().upper()))
        if key is not None:  # refused here, before the slow PDF and signature, as mark_signed would
            check_can_sign_with(key, data.cover.county)
            check_can_sign(session, period_id, return_digest(data))
            session.rollback()  # check_can_sign may have added an unsaved draft row
    stem = file_stem(data)
    xlsx_path, pdf_path = out_dir / f"{stem}.xlsx", out_dir / f"{stem}.pdf"
    progress(1, 5, "正在排版 PDF 报表…")
    pdf, stamp = build_pdf(data, draft=key is None)
    if key is not None:
        from exchange.signing.pdf_sign import sign_pdf  # pyHanko is slow to import; only when signing

        progress(2, 5, "正在为 PDF 报表签名…")
        reason = f"签发 {period_name(data.cover.period_id)} 第 {data.cover.version} 版"
        pdf = sign_pdf(pdf, key, stamp, reason, data.cover.county)
    progress(3, 5, "正在写入报表文件…")
    # From here on no progress call, so a cancel cannot fall between the files and their record.
    digest = return_digest(data)
    xlsx = xlsx_bytes(data, key)

    def record() -> None:  # the signed files become visible only once the store holds their record
        if key is not None:
            with store.transaction() as session:
                mark_signed(session, data.cover.period_id, data.cover.approver or key.signer,
                            SignedFiles(digest, str(xlsx_path), sha256_of(xlsx), str(pdf_path), sha256_of(pdf)))

    write_together({xlsx_path: xlsx, pdf_path: pdf}, record)
    return ExportResult(xlsx_path, pdf_path, data.cover.version, digest, key is not None)


def _recorded_in(store: Store) -> Callable[[Path, Path], bool]:
    """Whether a file a killed export left staged is the one a signed version records (its record
    was committed, the kill came before the rename): then it is put in place, not removed."""
    def recorded(temp: Path, target: Path) -> bool:
        with store.session() as session:
            hashes = recorded_hashes(session, str(target))
        return bool(hashes) and sha256_of(temp.read_bytes()) in hashes

    return recorded


def unrecorded_files(store: Store, period_id: str, folders: list[Path]) -> list[str]:
    """The signed files of the period's return in ``folders`` (the returns folder, where recorded
    versions were written) that the store has no record of: what a version not in the store claims."""
    from exchange.signing.verify import verify_file  # pyHanko is slow to import; only for such files

    with store.session() as session:
        period = get_period(session, period_id)
        known = {sha for r in history(session, period.id) for sha in (r.xlsx_sha256, r.pdf_sha256) if sha}
        searched = {Path(folder).resolve() for folder in folders}
        searched |= {Path(p).parent for r in history(session, period.id) for p in (r.xlsx_path, r.pdf_path) if p}
    found = []
    for folder in sorted(searched):
        for path in sorted(folder.glob(f"*_{period.id}_v*")):
            if path.suffix.lower() not in (".xlsx", ".pdf") or sha256_of(path.read_bytes()) in known:
                continue
            check = verify_file(path)
            if check.signed:
                found.append(f"{path}：自称{period.label}第 {check.version or '?'} 版并已签名，"
                             "但台账中没有这份文件的签发记录（不是本台账签发的版本，请勿报送）。")
    return found
