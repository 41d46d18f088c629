"""The city's trust list: each county's registered signing certificate (受信任证书).

A return counts as the county's only when it is signed by the certificate registered for that
county here. The certificate itself is kept, so verification needs nothing outside the store.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base
from models.errors import LedgerError


class TrustedCertificate(Base):
    __tablename__ = "trusted_certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    county: Mapped[str] = mapped_column(String(50), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex of the DER
    subject: Mapped[str] = mapped_column(String(300), default="")
    not_after: Mapped[datetime | None]
    der: Mapped[bytes] = mapped_column(LargeBinary)
    added_at: Mapped[datetime] = mapped_column(default=datetime.now)


def add_trusted(session: Session, county: str, fingerprint: str, subject: str, not_after: datetime | None,
                der: bytes) -> TrustedCertificate:
    """Register a county's certificate; the same certificate twice, or for two counties, is refused."""
    county = county.strip()
    if not county:
        raise LedgerError("登记证书需要填写县（市、区）名称（--county）。")
    existing = session.scalar(select(TrustedCertificate).where(TrustedCertificate.fingerprint == fingerprint))
    if existing is not None:
        raise LedgerError(f"该证书（指纹 {fingerprint[:16]}…）已登记给“{existing.county}”。")
    row = TrustedCertificate(county=county, fingerprint=fingerprint, subject=subject, not_after=not_after, der=der)
    session.add(row)
    session.flush()
    return row


def trusted_certificates(session: Session) -> list[TrustedCertificate]:
    return list(session.scalars(select(TrustedCertificate).order_by(TrustedCertificate.county,
                                                                      TrustedCertificate.id)))
