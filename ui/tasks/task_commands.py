"""Undoable edits of the task ledger: one LedgerCommand (ui.undo) per kind of edit, each calling
one action of models.task_actions.

Every edit touches one task: its action returns the task's rows before and after
(models.task_actions.TaskChange), and undo / redo put them back exactly through
``task_actions.put_task``, which obeys the same locks as an edit.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtGui import QUndoCommand

from models import task_actions as actions
from models.enums import TaskStatus
from models.store import Store
from models.tasks import TASK_FIELDS
from ui.undo import LedgerCommand

Changed = Callable[[int], None]  # told the id of the task that changed


class TaskEditCommand(LedgerCommand):
    """Base: subclasses give the text and ``change()``, the action; this class keeps its rows."""

    def __init__(self, store: Store, task_id: int | None, text: str, on_change: Changed | None = None) -> None:
        super().__init__(text, lambda: (on_change or (lambda _task_id: None))(self.task_id))
        self.store = store
        self.task_id = task_id
        self.result: actions.TaskChange | None = None

    def change(self) -> actions.TaskChange:
        raise NotImplementedError

    def first(self) -> None:
        self.result = self.change()
        self.task_id = self.result.task_id

    def forward(self) -> None:
        actions.put_task(self.store, self.task_id, self.result.after)

    def back(self) -> None:
        actions.put_task(self.store, self.task_id, self.result.before)


class EditTaskFieldCommand(TaskEditCommand):
    def __init__(self, store: Store, task_id: int, field: str, value: str, on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, f"修改{TASK_FIELDS[field][0]}", on_change)
        self.field, self.value = field, value

    def change(self) -> actions.TaskChange:
        return actions.update_task(self.store, self.task_id, self.field, self.value)


class AddCountyTaskCommand(TaskEditCommand):
    def __init__(self, store: Store, area_id: int, title: str, list_kind_id: int | None = None,
                 on_change: Changed | None = None) -> None:
        super().__init__(store, None, "新增自选动作", on_change)
        self.area_id, self.title, self.list_kind_id = area_id, title, list_kind_id

    def change(self) -> actions.TaskChange:
        return actions.add_county_task(self.store, self.area_id, self.title, self.list_kind_id)


class DeleteCountyTaskCommand(TaskEditCommand):
    def __init__(self, store: Store, task_id: int, on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, "删除自选动作", on_change)

    def change(self) -> actions.TaskChange:
        return actions.delete_county_task(self.store, self.task_id)


class AddMilestoneCommand(TaskEditCommand):
    def __init__(self, store: Store, task_id: int, title: str, due: date, on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, "新增节点举措", on_change)
        self.title, self.due = title, due

    def change(self) -> actions.TaskChange:
        return actions.add_milestone(self.store, self.task_id, self.title, self.due)


class EditMilestoneCommand(TaskEditCommand):
    def __init__(self, store: Store, task_id: int, milestone_id: int, title: str, note: str,
                 on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, "修改节点举措", on_change)
        self.milestone_id, self.title, self.note = milestone_id, title, note

    def change(self) -> actions.TaskChange:
        return actions.update_milestone(self.store, self.task_id, self.milestone_id, self.title, self.note)


class DeleteMilestoneCommand(TaskEditCommand):
    def __init__(self, store: Store, task_id: int, milestone_id: int, on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, "删除节点举措", on_change)
        self.milestone_id = milestone_id

    def change(self) -> actions.TaskChange:
        return actions.delete_milestone(self.store, self.task_id, self.milestone_id)


class MilestoneDoneCommand(TaskEditCommand):
    def __init__(self, store: Store, task_id: int, milestone_id: int, done: date | None,
                 on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, "标记节点完成" if done else "取消节点完成", on_change)
        self.milestone_id, self.done = milestone_id, done

    def change(self) -> actions.TaskChange:
        return actions.set_milestone_done(self.store, self.task_id, self.milestone_id, self.done)


class PostponeMilestoneCommand(TaskEditCommand):
    def __init__(self, store: Store, task_id: int, milestone_id: int, new_due: date, reason: str,
                 on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, "节点延期", on_change)
        self.milestone_id, self.new_due, self.reason = milestone_id, new_due, reason

    def change(self) -> actions.TaskChange:
        return actions.postpone_milestone(self.store, self.task_id, self.milestone_id, self.new_due, self.reason)


class FollowUpCommand(TaskEditCommand):
    def __init__(self, store: Store, task_id: int, on: bool, note: str, on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, "设置需持续跟进" if on else "取消需持续跟进", on_change)
        self.on, self.note = on, note

    def change(self) -> actions.TaskChange:
        return actions.set_follow_up(self.store, self.task_id, self.on, self.note)


class OverrideStatusCommand(TaskEditCommand):
    def __init__(self, store: Store, task_id: int, status: TaskStatus | None, reason: str,
                 on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, "调整任务状态" if status else "恢复自动状态", on_change)
        self.status, self.reason = status, reason

    def change(self) -> actions.TaskChange:
        return actions.set_status_override(self.store, self.task_id, self.status, self.reason)


class SaveReportCommand(TaskEditCommand):
    """Typing saves as it goes: consecutive saves of one report merge into one undo step."""

    MERGE_ID = 3001

    def __init__(self, store: Store, task_id: int, period_id: str, progress: str, problems: str, next_steps: str,
                 on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, "填写进展", on_change)
        self.period_id = period_id
        self.texts = (progress, problems, next_steps)

    def change(self) -> actions.TaskChange:
        return actions.save_report(self.store, self.task_id, self.period_id, *self.texts)

    def id(self) -> int:
        return self.MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SaveReportCommand) or (other.task_id, other.period_id) != (self.task_id, self.period_id):
            return False
        self.result = actions.TaskChange(self.task_id, self.result.before, other.result.after)
        self.texts = other.texts
        return True


class AttachEvidenceCommand(TaskEditCommand):
    def __init__(self, store: Store, task_id: int, source: Path, *, milestone_id: int | None = None,
                 report_id: int | None = None, on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, "添加佐证材料", on_change)
        self.source, self.milestone_id, self.report_id = source, milestone_id, report_id

    def change(self) -> actions.TaskChange:
        return actions.attach_evidence(self.store, self.task_id, self.source, milestone_id=self.milestone_id,
                                       report_id=self.report_id)


class RemoveEvidenceCommand(TaskEditCommand):
    def __init__(self, store: Store, task_id: int, evidence_id: int, on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, "移除佐证材料", on_change)
        self.evidence_id = evidence_id

    def change(self) -> actions.TaskChange:
        return actions.remove_evidence(self.store, self.task_id, self.evidence_id)
