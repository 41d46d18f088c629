"""本单位: the office's names, signers and level (县级 / 市级), read and saved as one action each.

The window's 本单位信息 dialog and 设置 page and the ``office show`` / ``office set`` commands call
these; every field is checked before anything is written, and a refusal names the field.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.enums import OfficeRole
from models.errors import LedgerError
from models.office import Office
from models.store import Store

OFFICE_FIELDS = {  # field → (label, required, longest)
    "county": ("县（市、区）", True, 50),
    "office_name": ("单位名称", True, 100),
    "preparer": ("填报人", False, 50),
    "reviewer": ("审核人", False, 50),
    "approver": ("签发人", False, 50),
    "phone": ("联系电话", False, 30),
}


@dataclass(frozen=True)
class OfficeProfile:
    county: str
    office_name: str
    preparer: str
    reviewer: str
    approver: str
    phone: str
    role: OfficeRole

    @property
    def is_set_up(self) -> bool:
        return bool(self.county and self.office_name)


def _office_row(session: Session) -> Office:
    office = session.scalar(select(Office).limit(1))
    if office is None:
        office = Office(role=OfficeRole.COUNTY)
        session.add(office)
    return office


def office_profile(store: Store) -> OfficeProfile:
    """The office as stored; empty names (and 县级) before it was set up."""
    with store.session() as session:
        office = session.scalar(select(Office).limit(1))
        if office is None:
            return OfficeProfile("", "", "", "", "", "", OfficeRole.COUNTY)
        return OfficeProfile(office.county or "", office.office_name or "", office.preparer or "",
                             office.reviewer or "", office.approver or "", office.phone or "",
                             office.role or OfficeRole.COUNTY)


def _checked(fields: dict[str, str]) -> dict[str, str]:
    clean = {key: value.strip() for key, value in fields.items()}
    for key, value in clean.items():
        label, required, longest = OFFICE_FIELDS[key]
        if required and not value:
            raise LedgerError(f"“{label}”不能为空。")
        if len(value) > longest:
            raise LedgerError(f"“{label}”过长：{len(value)} 个字，最多 {longest} 个字。")
    return clean


def save_office_profile(store: Store, role: OfficeRole | str | None = None, **fields: str) -> OfficeProfile:
    """Save the given fields (and the level, when given) together; fields not named stay as they are."""
    clean = _checked(fields)
    if role is not None:
        try:
            role = OfficeRole(role)
        except ValueError:
            raise LedgerError(f"单位级别“{role}”无效，应为 county（县级）或 city（市级）。") from None
    with store.transaction() as session:
        office = _office_row(session)
        for key, value in clean.items():
            setattr(office, key, value)
        if role is not None:
            office.role = role
    return office_profile(store)


def save_office_role(store: Store, role: OfficeRole | str) -> OfficeProfile:
    """本单位 县级 / 市级: a city office verifies and consolidates the counties' returns."""
    return save_office_profile(store, role=role)
