"""The tables of the 营商台账: EnterpriseIssue (one enterprise's problem), IssueStep (each step of
its loop, with who recorded it and when) and IssueLink (举一反三: similar problems linked).

An issue's number reads ``2023-0012``: the year it was received and its sequence in that year.
Its state, time limit, due date and handling units are kept on the issue for lists and filters;
the steps are the history they come from (models.problems.loop replays them as of a date).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamped
from models.enums import LabelledEnum, column_type
from models.plan import Task


class Channel(LabelledEnum):
    HOTLINE = "hotline", "12345热线"
    VISIT = "visit", "企业走访"
    SALON = "salon", "政企恳谈/茶咖沙龙"
    OBSERVER = "observer", "营商环境体验官"
    ONLINE = "online", "线上平台"
    LETTER = "letter", "来信来访"
    OTHER = "other", "其他"


class IssueKind(LabelledEnum):
    CONSULT = "consult", "咨询"
    HELP = "help", "求助"
    COMPLAINT = "complaint", "投诉"
    SUGGESTION = "suggestion", "建议"
    REPORT = "report", "举报"


class Satisfaction(LabelledEnum):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class IssueState(LabelledEnum):
    REGISTERED = "registered", "待交办"
    ASSIGNED = "assigned", "待签收"
    HANDLING = "handling", "办理中"
    RETURNED = "returned", "已退回"
    REPLIED = "replied", "已办结"
    VISITED = "visited", "已回访"
    ARCHIVED = "archived", "已归档"


OPEN_STATES = (IssueState.ASSIGNED, IssueState.HANDLING)  # a unit holds it, against a time limit
CLOSED_STATES = (IssueState.REPLIED, IssueState.VISITED, IssueState.ARCHIVED)


class StepKind(LabelledEnum):
    REGISTER = "register", "登记"
    ASSIGN = "assign", "交办"
    ACCEPT = "accept", "签收"
    INTERIM = "interim", "阶段答复"
    REPLY = "reply", "办结答复"
    VISIT = "visit", "回访"
    REOPEN = "reopen", "重办"
    EXTEND = "extend", "延期"
    RETURN = "return", "退回"
    REASSIGN = "reassign", "改派"
    ARCHIVE = "archive", "归档"
    LINK = "link", "举一反三"


TOPIC_TAGS = ("审批服务", "要素保障", "融资", "用工", "用地", "涉企执法", "政策兑现", "水电气网", "市场准入",
              "知识产权", "物流", "其他")


class EnterpriseIssue(Timestamped, Base):
    """涉企问题: one enterprise's problem."""

    __tablename__ = "enterprise_issue"
    __table_args__ = (UniqueConstraint("year", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    seq: Mapped[int]
    channel: Mapped[Channel] = mapped_column(column_type(Channel))
    enterprise: Mapped[str] = mapped_column(String(100))
    credit_code: Mapped[str] = mapped_column(String(18), default="")
    contact: Mapped[str] = mapped_column(String(50), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    kind: Mapped[IssueKind] = mapped_column(column_type(IssueKind))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text)
    received: Mapped[date] = mapped_column(index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="SET NULL"))
    lead_handler: Mapped[str] = mapped_column(String(100), default="")  # 主办单位
    co_handlers: Mapped[list[str]] = mapped_column(JSON, default=list)  # 协办单位
    state: Mapped[IssueState] = mapped_column(column_type(IssueState), default=IssueState.REGISTERED, index=True)
    limit_days: Mapped[int | None]  # 办理时限, working days
    assigned_on: Mapped[date | None]  # the 交办 the time limit runs from
    due: Mapped[date | None]
    closed_on: Mapped[date | None]  # the last 办结答复, while it stands
    satisfaction: Mapped[Satisfaction | None] = mapped_column(column_type(Satisfaction))
    reopen_count: Mapped[int] = mapped_column(default=0)  # 重办 after 不满意
    systemic_measure: Mapped[str] = mapped_column(Text, default="")  # 举一反三: 制度性举措

    task: Mapped[Task | None] = relationship()
    steps: Mapped[list["IssueStep"]] = relationship(back_populates="issue", order_by="IssueStep.id",
                                                    cascade="all, delete-orphan")

    @property
    def number(self) -> str:
        return f"{self.year}-{self.seq:04d}"


class IssueStep(Base):
    """One step of an issue's loop: what was done, on which day, recorded by whom and when."""

    __tablename__ = "issue_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("enterprise_issue.id", ondelete="CASCADE"), index=True)
    kind: Mapped[StepKind] = mapped_column(column_type(StepKind))
    day: Mapped[date]  # the day it happened (may be typed in afterwards)
    at: Mapped[datetime] = mapped_column(default=datetime.now)  # when it was recorded
    who: Mapped[str] = mapped_column(String(50))
    unit: Mapped[str] = mapped_column(String(100), default="")
    co_units: Mapped[list[str]] = mapped_column(JSON, default=list)
    limit_days: Mapped[int | None]
    due: Mapped[date | None]  # the due date this step set (交办, 改派, 延期, 重办)
    text: Mapped[str] = mapped_column(Text, default="")  # reply, reason, measure
    satisfaction: Mapped[Satisfaction | None] = mapped_column(column_type(Satisfaction))

    issue: Mapped[EnterpriseIssue] = relationship(back_populates="steps")


class IssueLink(Base):
    """举一反三: two similar problems linked (stored once, the smaller id first)."""

    __tablename__ = "issue_link"
    __table_args__ = (UniqueConstraint("first_id", "second_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    first_id: Mapped[int] = mapped_column(ForeignKey("enterprise_issue.id", ondelete="CASCADE"), index=True)
    second_id: Mapped[int] = mapped_column(ForeignKey("enterprise_issue.id", ondelete="CASCADE"), index=True)
