"""Registering county certificates on the city's trust list, from certificate files.

A certificate is registered only when it can sign a return today: one that has expired, or that
is a certification authority's (it signs certificates, not returns), is refused; one not valid
yet is registered with a warning. What is registered shows its validity.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from exchange.signing.identity import fingerprint, load_certificate
from models.errors import LedgerError
from models.trust import TrustedCertificate, add_trusted, trusted_certificates


def certificate_warnings(cert: x509.Certificate, path: Path, now: datetime | None = None) -> list[str]:
    """Why ``cert`` may not be registered (LedgerError), else the warnings to show ([] if none)."""
    now = now or datetime.now(timezone.utc)
    name = Path(path).name
    validity = f"有效期 {cert.not_valid_before_utc:%Y-%m-%d} 至 {cert.not_valid_after_utc:%Y-%m-%d}"
    if cert.not_valid_after_utc < now:
        raise LedgerError(f"{name}：证书已过期（{validity}），不能登记；请该县（市、区）更新证书后重新导出。")
    if _is_authority(cert):
        raise LedgerError(f"{name}：这是证书颁发机构（CA）的证书，不是县（市、区）签发报表用的证书，不能登记。")
    if cert.not_valid_before_utc > now:
        return [f"证书尚未生效（{validity}）：生效之前签发的报表将核验不通过。"]
    return []


def _is_authority(cert: x509.Certificate) -> bool:
    try:
        if cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return True
    except x509.ExtensionNotFound:
        pass
    try:
        return cert.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
    except x509.ExtensionNotFound:
        return False


def register_certificate(store, path: Path, county: str) -> dict[str, Any]:
    """Read a county's exported certificate (PEM or DER) and put it on the trust list; the row
    registered, with ``warnings`` for a certificate not valid yet."""
    cert = load_certificate(Path(path))
    warnings = certificate_warnings(cert, Path(path))
    with store.transaction() as session:
        row = add_trusted(session, county, fingerprint(cert), cert.subject.rfc4514_string()[:300],
                          cert.not_valid_after_utc.replace(tzinfo=None),
                          cert.public_bytes(serialization.Encoding.DER))
        return _row(row) | {"warnings": warnings}


def _row(row: TrustedCertificate) -> dict[str, Any]:
    cert = x509.load_der_x509_certificate(row.der)
    return {"county": row.county, "fingerprint": row.fingerprint, "subject": row.subject,
            "not_before": cert.not_valid_before_utc.date().isoformat(),
            "not_after": row.not_after.date().isoformat() if row.not_after else "",
            "added_at": row.added_at.isoformat(timespec="seconds")}


def list_trusted(store) -> list[dict[str, Any]]:
    with store.session() as session:
        return [_row(row) for row in trusted_certificates(session)]


def trusted_by_fingerprint(store) -> dict[str, tuple[str, x509.Certificate]]:
    """fingerprint → (county, certificate), for verification."""
    with store.session() as session:
        return {row.fingerprint: (row.county, x509.load_der_x509_certificate(row.der))
                for row in trusted_certificates(session)}
