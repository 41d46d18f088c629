"""The vocabulary the writers and the verifier share: the kinds of signed document, how a PDF's
Subject names one, and ``Verification``, what checking a file found.

The return and consolidation writers record a kind and a Subject; exchange.signing.verify,
pdf_sign and xlsx_signature read them back. Kept apart so that writers and verifier do not
import each other.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from exchange.signing.identity import certificate_names, fingerprint

# The kinds of document, as the workbook's signature sheet and the PDF's Subject record them.
RETURN, CONSOLIDATION = "报表", "汇总"
DOCUMENT_LABELS = {RETURN: "县级报表", CONSOLIDATION: "市级汇总"}

RETURN_SUBJECT_PREFIX = "reform-ledger-return"
CONSOLIDATION_SUBJECT_PREFIX = "reform-ledger-consolidation"  # the city's PDF: period only, no version


def return_subject(period_id: str, version: int, digest: str) -> str:
    """A return PDF's Subject: what verify reads back (period, version, digest)."""
    return f"{RETURN_SUBJECT_PREFIX} period={period_id} version={version} digest={digest}"


def consolidation_subject(period_id: str) -> str:
    return f"{CONSOLIDATION_SUBJECT_PREFIX} period={period_id}"


def parse_subject(text: str) -> dict[str, str]:
    """The fields of a Subject we wrote, with ``document`` (报表 / 汇总); {} for any other."""
    head, *parts = text.split() or [""]
    document = {RETURN_SUBJECT_PREFIX: RETURN, CONSOLIDATION_SUBJECT_PREFIX: CONSOLIDATION}.get(head)
    if document is None:
        return {}
    return {"document": document} | dict(part.split("=", 1) for part in parts if "=" in part)


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
    digest: str = ""  # the signed content digest of the return (PDF footer, workbook cover)
    document: str = ""  # 报表 (a county's return) or 汇总 (a city's consolidation); "" when unknown
    certificate_der: bytes | None = None
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["path"] = str(self.path)
        data["signed_at"] = self.signed_at.isoformat() if self.signed_at else None
        data.pop("certificate_der")
        data["document_label"] = self.document_label
        return data

    @property
    def document_label(self) -> str:
        """The kind of document as shown to users."""
        return DOCUMENT_LABELS.get(self.document, "未知文件")

    @property
    def versioned(self) -> bool:
        """Whether the document has versions (a return); a consolidation is issued once per period."""
        return self.document != CONSOLIDATION

    def set_certificate(self, cert: x509.Certificate) -> None:
        self.certificate_der = cert.public_bytes(serialization.Encoding.DER)
        self.fingerprint = fingerprint(cert)
        self.signer, self.county, self.office = certificate_names(cert)


def check_validity(result: Verification, cert: x509.Certificate) -> None:
    """The certificate must have been valid when the file was signed."""
    at = result.signed_at
    if at is not None and not cert.not_valid_before_utc <= at <= cert.not_valid_after_utc:
        result.problems.append(f"签名时（{at:%Y-%m-%d}）签名证书不在有效期内"
                               f"（{cert.not_valid_before_utc:%Y-%m-%d} 至 {cert.not_valid_after_utc:%Y-%m-%d}）。")
