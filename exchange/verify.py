"""Verification of a received return, as the city runs it (and the county, before sending).

``verify_file`` checks a workbook's signature sheet against every cell, or a PDF's PAdES
signature, and reports who signed, when, for which period and version, and what differs.
With ``trusted`` certificates it also requires the signer to be one of them.
"""
from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from exchange.identity import certificate_names, fingerprint, signature_matches
from models.errors import LedgerError


@dataclass
class Verification:
    path: Path
    kind: str  # "xlsx" | "pdf"
    valid: bool = False
    signed: bool = False
    signer: str = ""
    county: str = ""
    office: str = ""
    fingerprint: str = ""  # SHA-256 hex of the certificate's DER
    signed_at: datetime | None = None
    period_id: str = ""
    version: int = 0
    certificate_der: bytes | None = None
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["path"] = str(self.path)
        data["signed_at"] = self.signed_at.isoformat() if self.signed_at else None
        data.pop("certificate_der")
        return data

    def set_certificate(self, cert: x509.Certificate) -> None:
        self.certificate_der = cert.public_bytes(serialization.Encoding.DER)
        self.fingerprint = fingerprint(cert)
        self.signer, self.county, self.office = certificate_names(cert)


def verify_file(path: Path, trusted: Sequence[x509.Certificate] = ()) -> Verification:
    """Check one file; never raises for a bad file — its problems are listed instead."""
    path = Path(path)
    kind = path.suffix.lower().lstrip(".")
    result = Verification(path, kind)
    if kind not in ("xlsx", "pdf"):
        result.problems.append(f"{path.name}：只能验证 .xlsx 或 .pdf 文件。")
        return result
    if not path.is_file():
        result.problems.append(f"找不到文件 {path}。")
        return result
    try:
        (_verify_xlsx if kind == "xlsx" else _verify_pdf)(result)
    except LedgerError as error:
        result.problems.append(str(error))
    if result.signed and trusted and result.fingerprint not in {fingerprint(c) for c in trusted}:
        result.problems.append(f"签名证书（指纹 {result.fingerprint[:16]}…）不在已登记的受信任证书中。")
    result.valid = result.signed and not result.problems
    return result


def _verify_xlsx(result: Verification) -> None:
    from exchange.xlsx_return import (MANIFEST_ROW, SIGNATURE_FIELDS, SIGNATURE_FORMAT, SIGNATURE_SHEET,
                                      cell_manifest, open_workbook, read_return, signed_payload)

    wb = open_workbook(result.path)
    try:
        data = read_return(result.path, wb)
        result.period_id, result.version = data.cover.period_id, data.cover.version
    except LedgerError as error:
        result.problems.append(str(error))
    if SIGNATURE_SHEET not in wb.sheetnames:
        result.problems.append("工作簿未签名（没有签名页）。")
        return
    ws = wb[SIGNATURE_SHEET]
    fields = {k: str(ws.cell(r, 2).value or "") for r, (_label, k) in enumerate(SIGNATURE_FIELDS, 1)}
    if fields["format"] != SIGNATURE_FORMAT:
        result.problems.append("签名页格式无法识别。")
        return
    result.signed = True
    result.period_id, result.version = fields["period_id"], int(fields["version"] or 0)
    try:
        result.signed_at = datetime.fromisoformat(fields["signed_at"])
        cert = x509.load_der_x509_certificate(base64.b64decode(fields["certificate"]))
        signature = base64.b64decode(fields["signature"])
    except ValueError:
        result.problems.append("签名页已损坏：签名时间、证书或签名无法读取。")
        return
    result.set_certificate(cert)
    signed = [tuple(str(v or "") for v in row[:3])
              for row in ws.iter_rows(min_row=MANIFEST_ROW, values_only=True) if row and row[0]]
    if not signature_matches(cert, signature, signed_payload(fields, signed)):
        result.problems.append("签名无效：签名页的内容与签名不符（签名页被改动或签名证书不符）。")
        return
    check_validity(result, cert)
    then = {(s, c): h for s, c, h in signed}
    now = cell_manifest(wb)
    for sheet, cell in sorted(then.keys() | now.keys(), key=_cell_order):
        if (sheet, cell) not in now:
            result.problems.append(f"工作表“{sheet}”单元格 {cell} 在签名后被清空或删除")
        elif (sheet, cell) not in then:
            result.problems.append(f"工作表“{sheet}”单元格 {cell} 在签名后新增了内容")
        elif then[(sheet, cell)] != now[(sheet, cell)]:
            result.problems.append(f"工作表“{sheet}”单元格 {cell} 与签名时的值不同")


def _cell_order(key: tuple[str, str]) -> tuple[str, int, str]:
    sheet, cell = key
    letters = cell.rstrip("0123456789")
    return sheet, int(cell[len(letters):] or 0), letters.rjust(3)


def check_validity(result: Verification, cert: x509.Certificate) -> None:
    """The certificate must have been valid when the file was signed."""
    at = result.signed_at
    if at is not None and not cert.not_valid_before_utc <= at <= cert.not_valid_after_utc:
        result.problems.append(f"签名时（{at:%Y-%m-%d}）签名证书不在有效期内"
                               f"（{cert.not_valid_before_utc:%Y-%m-%d} 至 {cert.not_valid_after_utc:%Y-%m-%d}）。")


def _verify_pdf(result: Verification) -> None:
    from exchange.pdf_sign import verify_pdf

    verify_pdf(result)


def verification_json(results: Sequence[Verification]) -> str:
    return json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2)
