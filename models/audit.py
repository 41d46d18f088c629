"""The audit log: every insert, changed field and delete of ledger rows, written in the same
transaction as the change itself, so a change without its record cannot exist."""
from __future__ import annotations

import getpass
import json
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from models.base import Base
from models.office import AuditEntry

_SKIPPED_FIELDS = {"created_at", "updated_at"}
_ACTOR = "actor"
_ENABLED = "audit"
_REASON = "reason"


def set_actor(session: Session, who: str | None) -> None:
    session.info[_ACTOR] = who or default_actor()


def actor_of(session: Session) -> str:
    """Who the session's changes are recorded for (set_actor, else the login name)."""
    return session.info.get(_ACTOR) or default_actor()


def default_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name on some service accounts
        return "未知用户"


def set_reason(session: Session, reason: str) -> None:
    """Why the next changes are made (a received file, say); kept in each audit entry until changed."""
    session.info[_REASON] = reason


def suspend(session: Session) -> None:
    """For bulk loads of a plan or generated data: these are not edits by a person."""
    session.info[_ENABLED] = False


def to_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def row_text(fields: dict[str, Any]) -> str:
    """A row's fields as its insert or delete entry holds them."""
    return json.dumps({name: to_text(value) for name, value in fields.items() if name not in _SKIPPED_FIELDS},
                      ensure_ascii=False)


def _row_text(obj: Base) -> str:
    state = inspect(obj)
    return row_text({attr.key: state.attrs[attr.key].value for attr in state.mapper.column_attrs})


def _identity(obj: Base) -> str:
    return "/".join(str(part) for part in inspect(obj).identity or ())


# One change as an audit entry records it: action, table, row id, field, old text, new text.
Change = tuple[str, str, str, str, str | None, str | None]


def record(session: Session, changes: list[Change]) -> None:
    """Write the entries of changes made with Core statements, which the flush listener does not
    see (a block of values written with one statement)."""
    if session.info.get(_ENABLED) is False or not changes:
        return
    who, now, reason = session.info.get(_ACTOR) or default_actor(), datetime.now(), session.info.get(_REASON, "")
    session.connection().execute(AuditEntry.__table__.insert(), [
        dict(at=now, who=who, action=action, entity=entity, entity_id=entity_id, field=field, old=old, new=new,
             reason=reason) for action, entity, entity_id, field, old, new in changes])


@event.listens_for(Session, "after_flush")
def _record_changes(session: Session, _context: object) -> None:
    if session.info.get(_ENABLED) is False:
        return
    rows: list[Change] = []

    def add(action: str, obj: Base, field: str = "", old: str | None = None, new: str | None = None) -> None:
        rows.append((action, obj.__tablename__, _identity(obj), field, old, new))

    for obj in session.new:
        if isinstance(obj, Base) and not isinstance(obj, AuditEntry):
            add("insert", obj, new=_row_text(obj))
    for obj in session.dirty:
        if not isinstance(obj, Base) or isinstance(obj, AuditEntry):
            continue
        state = inspect(obj)
        for attr in state.mapper.column_attrs:
            if attr.key in _SKIPPED_FIELDS:
                continue
            history = state.attrs[attr.key].history
            if not history.has_changes():
                continue
            old = to_text(history.deleted[0]) if history.deleted else None
            new = to_text(history.added[0]) if history.added else None
            if old != new:
                add("update", obj, attr.key, old, new)
    for obj in session.deleted:
        if isinstance(obj, Base) and not isinstance(obj, AuditEntry):
            add("delete", obj, old=_row_text(obj))
    record(session, rows)
