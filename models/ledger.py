"""What the county records each period: Period, ProgressReport, IndicatorValue, Evidence."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamped
from models.enums import PeriodType, column_type
from models.plan import Indicator, Milestone, Task


class Period(Base):
    """期次: a reporting period. Its id reads like ``2023-B10``; see models.periods for the rules."""

    __tablename__ = "period"
    __table_args__ = (UniqueConstraint("type", "year", "number"),)

    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    type: Mapped[PeriodType] = mapped_column(column_type(PeriodType))
    year: Mapped[int]
    number: Mapped[int]
    start: Mapped[date]
    end: Mapped[date]
    due: Mapped[date]
    label: Mapped[str] = mapped_column(String(60))


class ProgressReport(Timestamped, Base):
    """进展: one task's report for one period."""

    __tablename__ = "progress_report"
    __table_args__ = (UniqueConstraint("task_id", "period_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    period_id: Mapped[str] = mapped_column(ForeignKey("period.id"))
    progress: Mapped[str] = mapped_column(Text, default="")
    problems: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    # True while the text still is the previous period's 下步计划, carried forward unedited.
    carried_forward: Mapped[bool] = mapped_column(default=False)
    gap_reason: Mapped[str] = mapped_column(Text, default="")  # why no report, if none is due

    task: Mapped[Task] = relationship()
    period: Mapped[Period] = relationship()


class IndicatorValue(Timestamped, Base):
    """指标数据: one value of one indicator for one period. An empty value must carry a note."""

    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("indicator_id", "period_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    period_id: Mapped[str] = mapped_column(ForeignKey("period.id"))
    value: Mapped[float | None]
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    outlier_confirmed: Mapped[bool] = mapped_column(default=False)

    indicator: Mapped[Indicator] = relationship()
    period: Mapped[Period] = relationship()


class Evidence(Base):
    """佐证材料: a file attached to a milestone or a report, copied into the store's folder."""

    __tablename__ = "evidence"
    __table_args__ = (
        CheckConstraint("(milestone_id IS NULL) <> (report_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestone.id", ondelete="CASCADE"))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("progress_report.id", ondelete="CASCADE"))
    file_name: Mapped[str] = mapped_column(String(255))
    stored_path: Mapped[str] = mapped_column(String(500))  # relative to the store's evidence folder
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    added_at: Mapped[datetime] = mapped_column(default=datetime.now)

    milestone: Mapped[Milestone | None] = relationship()
    report: Mapped[ProgressReport | None] = relationship()
