"""Undoable edits of the task ledger: one QUndoCommand per kind of edit, each calling a function
of models.tasks in its own transaction.

Every edit touches one task, so a command keeps the task's rows before and after
(models.tasks.task_snapshot) and undo / redo put them back exactly. ``execute()`` runs the edit
the first time and raises LedgerError when it is refused — then nothing is pushed and the form
keeps what the user typed. ``push()`` does both.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from models import tasks
from models.enums import TaskStatus
from models.plan_loader import current_plan
from models.store import Store

Changed = Callable[[int], None]  # told the id of the task that changed


class TaskEditCommand(QUndoCommand):
    """Base: subclasses give the text and ``apply(session)``; this class keeps the snapshots."""

    def __init__(self, store: Store, task_id: int | None, text: str, on_change: Changed | None = None) -> None:
        super().__init__(text)
        self.store = store
        self.task_id = task_id
        self.on_change = on_change or (lambda _task_id: None)
        self.before: tasks.Snapshot = {}
        self.after: tasks.Snapshot | None = None
        self._skip_redo = False  # set by push(): the edit already ran in execute()

    def apply(self, session) -> None:
        raise NotImplementedError

    def execute(self) -> None:
        with self.store.transaction() as session:
            if self.task_id is not None:
                self.before = tasks.task_snapshot(session, self.task_id)
            self.apply(session)
            self.after = tasks.task_snapshot(session, self.task_id) if self.task_id is not None else {}
        self.on_change(self.task_id)

    def _put(self, snapshot: tasks.Snapshot) -> None:
        with self.store.transaction() as session:
            tasks.restore_task(session, self.task_id, snapshot)
        self.on_change(self.task_id)

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
        elif self.after is None:
            self.execute()  # pushed without execute(): run now
        else:
            self._put(self.after)

    def undo(self) -> None:
        self._put(self.before)


def push(stack: QUndoStack, command: TaskEditCommand) -> None:
    """Run the edit (LedgerError propagates, nothing pushed), then put it on the stack."""
    command.execute()
    command._skip_redo = True
    stack.push(command)


class EditTaskFieldCommand(TaskEditCommand):
    def __init__(self, store: Store, task_id: int, field: str, value: str, on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, f"修改{tasks.TASK_FIELDS[field][0]}", on_change)
        self.field, self.value = field, value

    def apply(self, session) -> None:
        tasks.update_task(session, self.task_id, self.field, self.value)


class AddCountyTaskCommand(TaskEditCommand):
    def __init__(self, store: Store, area_id: int, title: str, list_kind_id: int | None = None,
                 on_change: Changed | None = None) -> None:
        super().__init__(store, None, "新增自选动作", on_change)
        self.area_id, self.title, self.list_kind_id = area_id, title, list_kind_id

    def execute(self) -> None:
        with self.store.transaction() as session:
            task = tasks.add_county_task(session, current_plan(session), self.area_id, self.title, self.list_kind_id)
            self.task_id = task.id
            self.after = tasks.task_snapshot(session, task.id)
        self.on_change(self.task_id)


class DeleteCountyTaskCommand(TaskEditCommand):
    def __init__(self, store: Store, task_id: int, on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, "删除自选动作", on_change)

    def apply(self, session) -> None:
        tasks.delete_county_task(session, self.task_id)


class AddMilestoneCommand(TaskEditCommand):
    def __init__(self, store: Store, task_id: int, title: str, due: date, on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, "新增节点举措", on_change)
        self.title, self.due = title, due

    def apply(self, session) -> None:
        tasks.add_milestone(session, self.task_id, self.title, self.due)


class EditMilestoneCommand(TaskEditCommand):
    def __init__(self, store: Store, task_id: int, milestone_id: int, title: str, note: str,
                 on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, "修改节点举措", on_change)
        self.milestone_id, self.title, self.note = milestone_id, title, note

    def apply(self, session) -> None:
        tasks.update_milestone(session, self.milestone_id, self.title, self.note)


class DeleteMilestoneCommand(TaskEditCommand):
    def __init__(self, store: Store, task_id: int, milestone_id: int, on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, "删除节点举措", on_change)
        self.milestone_id = milestone_id

    def apply(self, session) -> None:
        tasks.delete_milestone(session, self.milestone_id)


class MilestoneDoneCommand(TaskEditCommand):
    def __init__(self, store: Store, task_id: int, milestone_id: int, done: date | None,
                 on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, "标记节点完成" if done else "取消节点完成", on_change)
        self.milestone_id, self.done = milestone_id, done

    def apply(self, session) -> None:
        tasks.set_milestone_done(session, self.milestone_id, self.done)


class PostponeMilestoneCommand(TaskEditCommand):
    def __init__(self, store: Store, task_id: int, milestone_id: int, new_due: date, reason: str,
                 on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, "节点延期", on_change)
        self.milestone_id, self.new_due, self.reason = milestone_id, new_due, reason

    def apply(self, session) -> None:
        tasks.postpone_milestone(session, self.milestone_id, self.new_due, self.reason)


class FollowUpCommand(TaskEditCommand):
    def __init__(self, store: Store, task_id: int, on: bool, note: str, on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, "设置需持续跟进" if on else "取消需持续跟进", on_change)
        self.on, self.note = on, note

    def apply(self, session) -> None:
        tasks.set_follow_up(session, self.task_id, self.on, self.note)


class OverrideStatusCommand(TaskEditCommand):
    def __init__(self, store: Store, task_id: int, status: TaskStatus | None, reason: str,
                 on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, "调整任务状态" if status else "恢复自动状态", on_change)
        self.status, self.reason = status, reason

    def apply(self, session) -> None:
        tasks.set_status_override(session, self.task_id, self.status, self.reason)


class SaveReportCommand(TaskEditCommand):
    """Typing saves as it goes: consecutive saves of one report merge into one undo step."""

    MERGE_ID = 3001

    def __init__(self, store: Store, task_id: int, period_id: str, progress: str, problems: str, next_steps: str,
                 on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, "填写进展", on_change)
        self.period_id = period_id
        self.texts = (progress, problems, next_steps)

    def apply(self, session) -> None:
        tasks.save_report(session, self.task_id, self.period_id, *self.texts)

    def id(self) -> int:
        return self.MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SaveReportCommand) or (other.task_id, other.period_id) != (self.task_id, self.period_id):
            return False
        self.after, self.texts = other.after, other.texts
        return True


class AttachEvidenceCommand(TaskEditCommand):
    def __init__(self, store: Store, task_id: int, source: Path, *, milestone_id: int | None = None,
                 report_id: int | None = None, on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, "添加佐证材料", on_change)
        self.source, self.milestone_id, self.report_id = source, milestone_id, report_id

    def apply(self, session) -> None:
        tasks.attach_evidence(session, self.store.evidence_folder, self.source,
                              milestone_id=self.milestone_id, report_id=self.report_id)


class RemoveEvidenceCommand(TaskEditCommand):
    def __init__(self, store: Store, task_id: int, evidence_id: int, on_change: Changed | None = None) -> None:
        super().__init__(store, task_id, "移除佐证材料", on_change)
        self.evidence_id = evidence_id

    def apply(self, session) -> None:
        tasks.remove_evidence(session, self.evidence_id)
