"""The tables of collection from responsible units: the store's ledger identity, each fill-in
form sent (填报表) and each received file whose answers were accepted. The rules are in
models.collection; the tables stand apart so that models/__init__ registers them without
importing the rules."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.ledger import Period


class LedgerIdentity(Base):
    """The store's own identifier (one row, made by the migration): a form names its ledger."""

    __tablename__ = "ledger_identity"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=datetime.now)


class UnitForm(Base):
    """填报表: one workbook sent to one unit for one period, as it was sent."""

    __tablename__ = "unit_form"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    unit: Mapped[str] = mapped_column(String(100))
    period_id: Mapped[str] = mapped_column(ForeignKey("period.id"), index=True)
    plan_version: Mapped[str] = mapped_column(String(16))
    due: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime]
    file_name: Mapped[str] = mapped_column(String(255))
    locked_digest: Mapped[str] = mapped_column(String(64))
    locked_cells: Mapped[dict[str, str]] = mapped_column(JSON)  # "sheet!A1" → text of every locked cell
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)  # answer key → its cells and the ledger's base
    items: Mapped[dict[str, str]] = mapped_column(JSON)  # the unit's plan items, to say what changed since

    period: Mapped[Period] = relationship()


class UnitFormReceipt(Base):
    """One received file whose answers were accepted, and what they changed."""

    __tablename__ = "unit_form_receipt"

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("unit_form.id", ondelete="CASCADE"))
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    saved_at: Mapped[datetime | None]  # when the unit saved the workbook (its own properties)
    received_at: Mapped[datetime] = mapped_column(default=datetime.now)
    received_on: Mapped[date] = mapped_column(Date)  # the ledger's working date then: judged against the due date
    changes: Mapped[list[str]] = mapped_column(JSON)

    form: Mapped[UnitForm] = relationship()
