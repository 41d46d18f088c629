"""The office itself and its paper trail: Office, Return, AuditEntry, Setting."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamped
from models.enums import OfficeRole, ReturnState, column_type
from models.ledger import Period


class Office(Timestamped, Base):
    """本单位: the one office this store belongs to (a single row)."""

    __tablename__ = "office"

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[OfficeRole] = mapped_column(column_type(OfficeRole), default=OfficeRole.COUNTY)
    county: Mapped[str] = mapped_column(String(50), default="")
    office_name: Mapped[str] = mapped_column(String(100), default="")
    preparer: Mapped[str] = mapped_column(String(50), default="")
    reviewer: Mapped[str] = mapped_column(String(50), default="")
    approver: Mapped[str] = mapped_column(String(50), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")


class Return(Timestamped, Base):
    """报表: one signed submission for one period; a correction is a new version."""

    __tablename__ = "return"
    __table_args__ = (UniqueConstraint("period_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[str] = mapped_column(ForeignKey("period.id"))
    version: Mapped[int] = mapped_column(default=1)
    state: Mapped[ReturnState] = mapped_column(column_type(ReturnState), default=ReturnState.DRAFT)
    reviewed_by: Mapped[str] = mapped_column(String(50), default="")
    reviewed_at: Mapped[datetime | None]
    signed_by: Mapped[str] = mapped_column(String(50), default="")
    signed_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    withdraw_reason: Mapped[str] = mapped_column(Text, default="")
    digest: Mapped[str] = mapped_column(String(64), default="")
    xlsx_path: Mapped[str] = mapped_column(String(500), default="")
    xlsx_sha256: Mapped[str] = mapped_column(String(64), default="")
    pdf_path: Mapped[str] = mapped_column(String(500), default="")
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")

    period: Mapped[Period] = relationship()


class AuditEntry(Base):
    """One changed field of one row: who, when, old and new (written by models.audit)."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=datetime.now, index=True)
    who: Mapped[str] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(10))  # insert / update / delete
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(40))
    field: Mapped[str] = mapped_column(String(40), default="")
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")


class Setting(Base):
    """A typed setting kept in the store (declared in models.settings)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
