"""Verification of a received return, as the city runs it (and the county, before sending).

``verify_file`` checks a workbook's signature sheet against every cell (exchange.signing.xlsx_signature)
or a PDF's PAdES signature, and reports who signed, when, for which period and version, and what
differs, and what kind of document it is (a county's return or a city's consolidation, which
has no version). With ``trusted`` certificates it also requires the signer to be one of them.
``verify_and_read`` also hands back the return a workbook holds, read in the same pass.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509

from exchange.returns.return_data import ReturnData
from exchange.returns.xlsx_return import DATA_SHEET, return_from_rows
from exchange.signing.documents import CONSOLIDATION, RETURN, Verification, check_validity
from exchange.signing.identity import fingerprint, load_certificate
from exchange.signing.xlsx_signature import check_signature, scan_file
from models.errors import LedgerError


def verify_file(path: Path, trusted: Sequence[x509.Certificate] = ()) -> Verification:
    """Check one file; never raises for a bad file — its problems are listed instead."""
    return verify_and_read(path, trusted)[0]


def verify_and_read(path: Path, trusted: Sequence[x509.Certificate] = ()) -> tuple[Verification, ReturnData | None]:
    """``verify_file``, and for a county's return workbook the return itself, read in the same
    pass over the file (None when it cannot be read; the reason is among the problems)."""
    path = Path(path)
    kind = path.suffix.lower().lstrip(".")
    result, data = Verification(path, kind), None
    if kind not in ("xlsx", "pdf"):
        result.problems.append(f"{path.name}：只能验证 .xlsx 或 .pdf 文件。")
        return result, None
    if not path.is_file():
        result.problems.append(f"找不到文件 {path}。")
        return result, None
    try:
        if kind == "xlsx":
            data = _verify_xlsx(result)
        else:
            _verify_pdf(result)
    except LedgerError as error:
        result.problems.append(str(error))
    if result.signed and trusted and result.fingerprint not in {fingerprint(c) for c in trusted}:
        result.problems.append(f"签名证书（指纹 {result.fingerprint[:16]}…）不在已登记的受信任证书中。")
    result.valid = result.signed and not result.problems
    return result, data


def _verify_xlsx(result: Verification) -> ReturnData | None:
    scan = scan_file(result.path, keep=(DATA_SHEET,))
    check = check_signature(scan)
    data = None
    if check.fields.get("kind") != CONSOLIDATION:  # a return, or an unsigned workbook
        try:
            data = return_from_rows(result.path, scan.kept.get(DATA_SHEET))
            result.period_id, result.version = data.cover.period_id, data.cover.version
            result.document = RETURN
        except LedgerError as error:
            result.problems.append(str(error))
    result.problems += check.problems
    if check.signed:
        result.signed = True
        version = check.fields["version"]
        result.period_id, result.version = check.fields["period_id"], int(version) if version.isdigit() else 0
        result.digest = check.fields["digest"]
        result.document = check.fields["kind"]
        result.signed_at = check.signed_at
    if check.certificate is not None:
        result.set_certificate(check.certificate)
        check_validity(result, check.certificate)
    return data


def _verify_pdf(result: Verification) -> None:
    from exchange.signing.pdf_sign import verify_pdf  # pyHanko is slow to import; only for a PDF

    verify_pdf(result)


def verification_json(results: Sequence[Verification]) -> str:
    return json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2)


def verify_files(paths: Sequence[Path], trust: Sequence[Path] = ()) -> list[Verification]:
    """The ``verify`` command: each file checked, trusting the certificates in ``trust``."""
    trusted = [load_certificate(path) for path in trust]
    return [verify_file(path, trusted) for path in paths]
