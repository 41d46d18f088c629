"""Registering county certificates on the city's trust list, from certificate files."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from exchange.signing.identity import fingerprint, load_certificate
from models.trust import TrustedCertificate, add_trusted, trusted_certificates


def register_certificate(store, path: Path, county: str) -> dict[str, Any]:
    """Read a county's exported certificate (PEM or DER) and put it on the trust list."""
    cert = load_certificate(Path(path))
    with store.transaction() as session:
        row = add_trusted(session, county, fingerprint(cert), cert.subject.rfc4514_string()[:300],
                          cert.not_valid_after_utc.replace(tzinfo=None),
                          cert.public_bytes(serialization.Encoding.DER))
        return _row(row)


def _row(row: TrustedCertificate) -> dict[str, Any]:
    return {"county": row.county, "fingerprint": row.fingerprint, "subject": row.subject,
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
