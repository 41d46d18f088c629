"""What a consolidation is made of: each county's receipt (its state and what the check found),
the indicators and tasks side by side, the area boards. Built by exchange.consolidation.consolidate,
written by consolidated_xlsx and consolidated_pdf, shown by the 汇总 workspace.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from exchange.returns.return_data import ProblemFigureRow
from models.enums import IndicatorStatus, LabelledEnum, TaskStatus
from models.ranking import AreaScore, ProblemScore


class ReceiptState(LabelledEnum):
    VALID = "valid", "已收到，有效"
    LATE = "late", "逾期报送"
    MISSING = "missing", "未报送"
    UNSIGNED = "unsigned", "未签名"
    ALTERED = "altered", "签名无效或签名后被改动"
    UNREGISTERED = "unregistered", "签名证书未登记"
    OTHER_PERIOD = "other_period", "非本期报表"
    SUPERSEDED = "superseded", "已被新版本取代"
    COVER_MISMATCH = "cover_mismatch", "封面与数据不符"
    UNREADABLE = "unreadable", "无法读取"


COUNTED = (ReceiptState.VALID, ReceiptState.LATE)
LAGGING = (IndicatorStatus.LAGGING.label, IndicatorStatus.NO_DATA.label)  # what a 提示单 lists (a task's 滞后 too)


class IndicatorFigure(NamedTuple):
    """One indicator of a counted return, as far as the consolidation compares it."""

    code: str
    name: str
    unit: str
    target_text: str
    value: float | None
    completion: float | None
    status: str


class TaskFigure(NamedTuple):
    """One 规定动作 of a counted return (a county's own tasks are not compared)."""

    number: int
    title: str
    area: str
    status: str


@dataclass
class CountyFigures:
    """What a counted return brings to the consolidation: its other rows (progress texts,
    milestones, gaps) are not kept, so ninety returns take little memory."""

    indicators: list[IndicatorFigure]
    tasks: list[TaskFigure]
    year_problems: ProblemFigureRow | None = None  # its 营商台账 for the year so far, all units


@dataclass
class Receipt:
    """One file received (or one county with none): its state and what the check found."""

    county: str
    state: ReceiptState
    path: Path | None = None
    signer: str = ""
    fingerprint: str = ""
    signed_at: datetime | None = None
    period_id: str = ""
    version: int = 0
    problems: list[str] = field(default_factory=list)
    data: CountyFigures | None = None  # the figures of a return that counts

    def as_dict(self) -> dict[str, Any]:
        return {"county": self.county, "state": self.state.value, "state_label": self.state.label,
                "file": str(self.path) if self.path else "", "signer": self.signer,
                "fingerprint": self.fingerprint, "signed_at": self.signed_at.isoformat() if self.signed_at else None,
                "period_id": self.period_id, "version": self.version, "problems": self.problems}


@dataclass
class IndicatorLine:
    code: str
    name: str
    unit: str
    area: str
    target_text: str
    additive: bool
    values: dict[str, float | None] = field(default_factory=dict)  # county → value
    completions: dict[str, float | None] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)
    ranks: dict[str, int | None] = field(default_factory=dict)

    @property
    def total(self) -> float | None:
        known = [v for v in self.values.values() if v is not None]
        return sum(known) if self.additive and known else None


@dataclass
class TaskLine:
    number: int
    title: str
    area: str
    statuses: dict[str, str] = field(default_factory=dict)  # county → status label


@dataclass
class Consolidation:
    period_id: str
    period_label: str
    due: Any
    plan_name: str
    receipts: list[Receipt]
    counties: list[str]  # counties whose return counts, in trust-list order
    indicators: list[IndicatorLine]
    tasks: list[TaskLine]
    areas: dict[str, list[AreaScore]]  # area name → ranked scores
    problems: list[ProblemScore] = field(default_factory=list)  # 营商台账, ranked; counties whose return has it
    office: str = "市改革办"  # the city office as named in 设置, who signs the 提示单

    def notice_receipts(self) -> list[Receipt]:
        """One receipt per county for its 提示单: the one that counts, else the first received."""
        chosen: dict[str, Receipt] = {}
        for receipt in self.receipts:
            if receipt.county and (receipt.county not in chosen or receipt.state in COUNTED):
                chosen[receipt.county] = receipt
        return list(chosen.values())

    def lagging(self, county: str) -> tuple[list[TaskLine], list[IndicatorLine]]:
        """What a county's 提示单 lists: its lagging tasks, its lagging or unreported indicators."""
        tasks = [t for t in self.tasks if t.statuses.get(county) == TaskStatus.LAGGING.label]
        return tasks, [i for i in self.indicators if i.statuses.get(county) in LAGGING]

    def summary(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for receipt in self.receipts:
            counts[receipt.state.value] = counts.get(receipt.state.value, 0) + 1
        return {"period": self.period_id, "period_label": self.period_label, "counted": self.counties,
                "states": counts, "receipts": [r.as_dict() for r in self.receipts]}
