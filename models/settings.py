"""Settings kept in the store, declared once with their type and default.

Office-wide settings live here (they travel with the ledger file); window state lives in
QSettings on the UI side.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Callable, Generic, TypeVar

from sqlalchemy.orm import Session

from models.errors import LedgerError
from models.office import Setting
from models.store import Store

T = TypeVar("T")


@dataclass(frozen=True)
class SettingVar(Generic[T]):
    key: str
    label: str
    default: T
    parse: Callable[[str], T]
    dump: Callable[[T], str] = str

    def get(self, session: Session) -> T:
        row = session.get(Setting, self.key)
        if row is None:
            return self.default
        try:
            return self.parse(row.value)
        except ValueError:
            raise LedgerError(f"设置“{self.label}”的值“{row.value}”无法识别，请在设置中重新填写。") from None

    def set(self, session: Session, value: T) -> None:
        text = self.dump(value)
        self.parse(text)  # refuse what could not be read back
        row = session.get(Setting, self.key)
        if row is None:
            session.add(Setting(key=self.key, value=text))
        elif row.value != text:
            row.value = text


def _optional_date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise ValueError(text)
    return value


# The date the ledger is "as of": empty means today. Decides the current period, due and late.
AS_OF = SettingVar[date | None]("as_of", "台账日期", None, _optional_date, lambda d: d.isoformat() if d else "")
# A task lags when its share of milestones done trails time progress by more than this. A quarter:
# with quarterly milestones the share done moves in steps of 25 points, so a smaller tolerance
# would flag every on-time task in the weeks before each due date.
LAG_TOLERANCE = SettingVar[float]("lag_tolerance", "滞后容差", 0.25, _fraction)


def as_of_date(session: Session, override: date | None = None) -> date:
    """The working date: a command-line --as-of, else the stored setting, else today."""
    return override or AS_OF.get(session) or date.today()


def working_date(store: Store, override: date | None = None) -> date:
    """``as_of_date`` in a session of its own."""
    with store.session() as session:
        return as_of_date(session, override)

# Column roles a user assigned on plan import, per header shape: {shape: {column letter: role}}.
PLAN_COLUMN_ROLES = SettingVar[dict[str, dict[str, str]]](
    "plan_column_roles", "方案导入的列对应", {}, lambda text: dict(json.loads(text)) if text else {},
    lambda value: json.dumps(value, ensure_ascii=False, sort_keys=True))


def read_setting(store: Store, var: SettingVar[T]) -> T:
    with store.session() as session:
        return var.get(session)


def save_setting(store: Store, var: SettingVar[T], value: T) -> None:
    """Write one declared setting in its own transaction."""
    with store.transaction() as session:
        var.set(session, value)
