"""Every table of the ledger, gathered in one place: Alembic compares the schema with all of them
(models/migrations/env.py), and ``from models.tables import Task`` names any of them."""
from models.base import Base
from models.enums import (
    Direction, IndicatorStatus, OfficeRole, Origin, PeriodType, ReturnState, TaskStatus, ValueKind,
)
from models.ledger import Evidence, IndicatorValue, Period, ProgressReport
from models.office import AuditEntry, Office, Return, Setting
from models.plan import Area, Indicator, ListKind, Milestone, Plan, Task
from models.problems.records import EnterpriseIssue, IssueLink, IssueStep
from models.trust import TrustedCertificate
from models.unit_forms import LedgerIdentity, UnitForm, UnitFormReceipt

__all__ = [
    "Area", "AuditEntry", "Base", "LedgerIdentity", "UnitForm", "UnitFormReceipt", "Direction", "EnterpriseIssue",
    "Evidence", "Indicator", "IndicatorStatus", "IndicatorValue", "IssueLink", "IssueStep",
    "ListKind", "Milestone", "Office", "OfficeRole", "Origin", "Period", "PeriodType", "Plan",
    "ProgressReport", "Return", "ReturnState", "Setting", "Task", "TaskStatus", "TrustedCertificate", "ValueKind",
]
