"""Every table of the ledger, gathered in one place: Alembic compares the schema with all of them
(models/migrations/env.py), and ``from models.tables import Task`` names any of them."""
from models.ledger import Evidence, IndicatorValue, Period, ProgressReport
from models.office import AuditEntry, Office, Return, Setting
from models.plan import Area, Indicator, ListKind, Milestone, Plan, Task
from models.problems.records import EnterpriseIssue, IssueLink, IssueStep
from models.trust import TrustedCertificate
from models.unit_forms import LedgerIdentity, UnitForm, UnitFormReceipt

__all__ = [
    "Area", "AuditEntry", "EnterpriseIssue", "Evidence", "Indicator", "IndicatorValue", "IssueLink", "IssueStep",
    "LedgerIdentity", "ListKind", "Milestone", "Office", "Period", "Plan", "ProgressReport", "Return", "Setting",
    "Task", "TrustedCertificate", "UnitForm", "UnitFormReceipt",
]
