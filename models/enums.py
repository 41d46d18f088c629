"""The closed vocabularies of the ledger, stored by value, each with its Chinese label."""
from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa


class LabelledEnum(StrEnum):
    """A string enum whose members carry the Chinese word shown to users."""

    label: str

    def __new__(cls, value: str, label: str) -> "LabelledEnum":
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def from_label(cls, text: str) -> "LabelledEnum":
        for member in cls:
            if text in (member.value, member.label):
                return member
        raise ValueError(text)


class PeriodType(LabelledEnum):
    BIWEEKLY = "biweekly", "双周"
    MONTHLY = "monthly", "月度"
    QUARTERLY = "quarterly", "季度"
    YEARLY = "yearly", "年度"


class Origin(LabelledEnum):
    CITY = "city", "规定动作"
    COUNTY = "county", "自选动作"


class TaskStatus(LabelledEnum):
    NOT_STARTED = "not_started", "未启动"
    ON_TRACK = "on_track", "推进中"
    LAGGING = "lagging", "滞后"
    DONE = "done", "已完成"


class Direction(LabelledEnum):
    HIGHER = "higher", "越高越好"
    LOWER = "lower", "越低越好"
    BAND = "band", "区间"


class ValueKind(LabelledEnum):
    CUMULATIVE = "cumulative", "累计值"
    POINT = "point", "时点值"


class ReturnState(LabelledEnum):
    DRAFT = "draft", "草稿"
    REVIEWED = "reviewed", "已审核"
    SIGNED = "signed", "已签发"
    SUBMITTED = "submitted", "已报送"
    WITHDRAWN = "withdrawn", "已撤回"


class OfficeRole(LabelledEnum):
    COUNTY = "county", "县级"
    CITY = "city", "市级"


def column_type(enum: type[LabelledEnum]) -> sa.Enum:
    """Stored as its value in a VARCHAR with a CHECK constraint, so the file stays readable."""
    return sa.Enum(
        enum,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda e: [m.value for m in e],
        name=enum.__name__.lower(),
    )


class IndicatorStatus(LabelledEnum):
    ACHIEVED = "achieved", "已达标"
    NORMAL = "normal", "正常"
    LAGGING = "lagging", "滞后"
    NO_DATA = "no_data", "未填报"
