"""Writing a period's return files, unsigned (a draft to look at) or signed (the 签发 step).

Both front ends call ``export_return``: the 报表报送 workspace through a background worker, the
``export`` subcommand directly. Signing unlocks the office key, builds both files in memory,
writes each atomically as ``<county>_<period>_v<version>.xlsx/.pdf`` and records their hashes
in the Return (models.returns.mark_signed), which locks the period.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from exchange.common.files import safe_file_name, sha256_of, write_atomically
from exchange.signing.identity import identity_folder, unlock
from exchange.returns.pdf_return import build_pdf
from exchange.returns.return_data import ReturnData, build_return, return_digest
from exchange.returns.xlsx_return import write_xlsx
from models.progress import Progress, no_progress
from models.returns import SignedFiles, check_can_sign, get_period, mark_signed, next_version
from models.settings import as_of_date
from models.store import Store

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
    key = unlock(identity_folder(store), passphrase) if passphrase is not None else None
    with store.session() as session:
        as_of = as_of_date(session, as_of, get_period(session, period_id).year)
        data = build_return(session, period_id, as_of, next_version(session, period_id.strip().upper()))
        if key is not None:  # refused here, before the slow PDF and signature, as mark_signed would
            check_can_sign(session, period_id, return_digest(data))
            session.rollback()  # check_can_sign may have added an unsaved draft row
    stem = file_stem(data)
    out_dir = Path(out_dir).resolve()
    xlsx_path, pdf_path = out_dir / f"{stem}.xlsx", out_dir / f"{stem}.pdf"
    progress(1, 5, "正在排版 PDF 报表…")
    pdf, stamp = build_pdf(data, draft=key is None)
    if key is not None:
        from exchange.signing.pdf_sign import sign_pdf  # pyHanko is slow to import; only when signing

        progress(2, 5, "正在为 PDF 报表签名…")
        pdf = sign_pdf(pdf, key, stamp, f"签发 {data.cover.period_id} 第 {data.cover.version} 版", data.cover.county)
    progress(3, 5, "正在写入报表文件…")
    # From here on no progress call, so a cancel cannot fall between the files and their record.
    digest = return_digest(data)
    try:
        xlsx_sha = write_xlsx(data, xlsx_path, key)
        write_atomically(pdf_path, pdf)
        if key is not None:
            with store.transaction() as session:
                mark_signed(session, data.cover.period_id, data.cover.approver or key.signer,
                            SignedFiles(digest, str(xlsx_path), xlsx_sha, str(pdf_path), sha256_of(pdf)))
    except BaseException:
        if key is not None:  # signed files that were not recorded must not be left behind
            xlsx_path.unlink(missing_ok=True)
            pdf_path.unlink(missing_ok=True)
        raise
    return ExportResult(xlsx_path, pdf_path, data.cover.version, digest, key is not None)
