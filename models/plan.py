"""The plan as the city issues it: Plan, Area, ListKind, Task, Milestone, Indicator."""
from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamped
from models.enums import Direction, Origin, PeriodType, TaskStatus, ValueKind, column_type


class Plan(Timestamped, Base):
    __tablename__ = "plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int]
    issuer: Mapped[str] = mapped_column(String(100), default="")
    issued_on: Mapped[date | None]
    progress_cycle: Mapped[PeriodType] = mapped_column(column_type(PeriodType), default=PeriodType.BIWEEKLY)
    source: Mapped[str] = mapped_column(Text, default="")

    areas: Mapped[list[Area]] = relationship(back_populates="plan", order_by="Area.seq", cascade="all, delete-orphan")
    tasks: Mapped[list[Task]] = relationship(back_populates="plan", order_by="Task.number", cascade="all, delete-orphan")
    indicators: Mapped[list[Indicator]] = relationship(back_populates="plan", order_by="Indicator.code", cascade="all, delete-orphan")


class Area(Base):
    """环境 / 领域: one of the plan's five areas, with its lead unit."""

    __tablename__ = "area"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    seq: Mapped[int]
    name: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(100), default="")
    lead_unit: Mapped[str] = mapped_column(String(100), default="")

    plan: Mapped[Plan] = relationship(back_populates="areas")
    tasks: Mapped[list[Task]] = relationship(back_populates="area", order_by="Task.number")


class ListKind(Base):
    """清单类别: the 四张清单 (and 重点任务) a task belongs to."""

    __tablename__ = "list_kind"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(40))


class Task(Timestamped, Base):
    __tablename__ = "task"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    list_kind_id: Mapped[int | None] = mapped_column(ForeignKey("list_kind.id"))
    number: Mapped[int]
    origin: Mapped[Origin] = mapped_column(column_type(Origin), default=Origin.CITY)
    title: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text, default="")
    lead_unit: Mapped[str] = mapped_column(String(100), default="")
    responsible_units: Mapped[list[str]] = mapped_column(JSON, default=list)
    supporting_units: Mapped[list[str]] = mapped_column(JSON, default=list)
    # What the county office fills in: its own unit, leader and contact for the task.
    county_unit: Mapped[str] = mapped_column(String(100), default="")
    leader: Mapped[str] = mapped_column(String(50), default="")
    contact: Mapped[str] = mapped_column(String(50), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    status_override: Mapped[TaskStatus | None] = mapped_column(column_type(TaskStatus))
    override_reason: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[bool] = mapped_column(default=False)  # 需持续跟进
    follow_up_note: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(default=False)  # removed by a later plan version
    # 上年度结转: the task of the previous year this one was carried from (models.rollover)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="SET NULL"))

    plan: Mapped[Plan] = relationship(back_populates="tasks")
    previous: Mapped[Task | None] = relationship(remote_side=[id])
    area: Mapped[Area] = relationship(back_populates="tasks")
    list_kind: Mapped[ListKind | None] = relationship()
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="task", order_by="Milestone.seq", cascade="all, delete-orphan"
    )
    indicators: Mapped[list[Indicator]] = relationship(back_populates="task")


class Milestone(Timestamped, Base):
    """节点举措: a dated step of a task. Its status is derived from the dates (models.status)."""

    __tablename__ = "milestone"
    __table_args__ = (UniqueConstraint("task_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    seq: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date]
    original_due: Mapped[date]  # the date first set; a move keeps it and counts (延期次数)
    postpone_count: Mapped[int] = mapped_column(default=0)
    postpone_reason: Mapped[str] = mapped_column(Text, default="")
    done_date: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")
    continuing: Mapped[bool] = mapped_column(default=False)  # 长期坚持 / 常态化: due at the year's end, never over

    task: Mapped[Task] = relationship(back_populates="milestones")


class Indicator(Timestamped, Base):
    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="SET NULL"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    origin: Mapped[Origin] = mapped_column(column_type(Origin), default=Origin.CITY)
    unit: Mapped[str] = mapped_column(String(20), default="")
    direction: Mapped[Direction] = mapped_column(column_type(Direction), default=Direction.HIGHER)
    comparison: Mapped[str] = mapped_column(String(2), default=">=")
    kind: Mapped[ValueKind] = mapped_column(column_type(ValueKind), default=ValueKind.POINT)
    target: Mapped[float | None]  # the city's year target (for a band: its lower bound)
    target_high: Mapped[float | None]  # upper bound of a band
    target_text: Mapped[str] = mapped_column(String(100), default="")
    county_target: Mapped[float | None]
    range_min: Mapped[float | None]
    range_max: Mapped[float | None]
    decimals: Mapped[int] = mapped_column(default=0)
    period_type: Mapped[PeriodType] = mapped_column(column_type(PeriodType), default=PeriodType.MONTHLY)
    source_unit: Mapped[str] = mapped_column(String(100), default="")
    source_text: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(default=False)
    target_pending: Mapped[bool] = mapped_column(default=False)  # carried from last year: 目标待确认

    plan: Mapped[Plan] = relationship(back_populates="indicators")
    task: Mapped[Task | None] = relationship(back_populates="indicators")
