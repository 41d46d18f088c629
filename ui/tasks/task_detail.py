"""The detail pane of the 任务清单: the selected task's text, units and people, its milestones,
its progress report for a chosen period beside the earlier ones, and its evidence files.

Every change is saved at once through an undoable command (ui.tasks.task_commands). A refused edit
shows its message and leaves what was typed in the form; a report whose save is refused keeps the
pane on its task and period (switching is refused too) until it is corrected. The report of a
period a signed return covers is read-only from the start, with the reason and the way to open it.
"""
from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QFileDialog, QFormLayout, QFrame, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QMessageBox, QPlainTextEdit, QPushButton, QScrollArea, QSplitter, QTabWidget, QTextBrowser,
    QVBoxLayout, QWidget,
)

from models.enums import TaskStatus
from models.errors import LedgerError
from models.task_actions import read_task, report_text, reporting_periods
from models.task_list import TaskDetail
from models.tasks import REPORT_FIELDS, TASK_FIELDS, evidence_path
from ui.tasks import task_commands as tc
from ui.context import AppContext
from ui.palette import LATE
from ui.tasks.task_detail_models import EvidenceTableModel, MilestoneTableModel
from ui.tasks.task_dialogs import DoneDialog, MilestoneDialog, PostponeDialog
from ui.widgets import compact_combo, table_view

SAVE_DELAY_MS = 700  # a report is saved this long after the last keystroke (and on leaving it)
FOLLOW_UP_LINES = 3  # the 需持续跟进 note: why the task cannot be solved for now and how it is followed


def set_text(widget: QLineEdit | QPlainTextEdit, text: str) -> None:
    """Replace the text only if it differs, so the cursor of someone typing stays put."""
    current = widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText()
    if current != text:
        if isinstance(widget, QLineEdit):
            widget.setText(text)
        else:
            widget.setPlainText(text)


class ReportEdit(QPlainTextEdit):
    """A report field that saves when it loses focus."""

    def __init__(self, on_leave: Callable[[], None]) -> None:
        super().__init__()
        self._on_leave = on_leave
        self.setTabChangesFocus(True)

    def focusOutEvent(self, event) -> None:
        self._on_leave()
        super().focusOutEvent(event)


class TaskDetailPane(QWidget):
    def __init__(self, ctx: AppContext, on_change: Callable[[int], None]) -> None:
        super().__init__(objectName="taskDetail")
        self.ctx = ctx
        self.on_change = on_change
        self.detail: TaskDetail | None = None
        self._report_period: str | None = None  # the period whose report the editors hold
        self._loading = False
        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_report)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        self.heading = QLabel(objectName="sectionTitle")
        self.heading.setWordWrap(True)
        self.status_line = QLabel(objectName="hint")
        self.status_line.setWordWrap(True)
        self.error = QLabel(objectName="errorText")
        self.error.setWordWrap(True)
        self.error.hide()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_report_tab(), self.tr("本期进展"))
        self.tabs.addTab(self._build_milestone_tab(), self.tr("节点举措"))
        self.tabs.addTab(self._build_info_tab(), self.tr("基本信息"))
        self.tabs.addTab(self._build_evidence_tab(), self.tr("佐证材料"))
        for widget in (self.heading, self.status_line, self.error):
            layout.addWidget(widget)
        layout.addWidget(self.tabs, 1)
        self.show_task(None)

    # ---- building ----
    def _build_info_tab(self) -> QWidget:
        # In a scroll area: at the smallest window the form is taller than the tab, and its rows
        # must not be squeezed over each other.
        tab = QScrollArea(objectName="taskInfo", widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        inner = QWidget()
        tab.setWidget(inner)
        outer = QVBoxLayout(inner)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        self.field_edits: dict[str, QLineEdit | QPlainTextEdit] = {}
        for key, (label, limit) in TASK_FIELDS.items():
            if key == "text":
                edit = ReportEdit(lambda k=key: self._save_field(k))
                edit.setFixedHeight(90)
            else:
                edit = QLineEdit()
                edit.setMaxLength(limit + 50)  # a little over, so the message names the limit
                edit.editingFinished.connect(lambda k=key: self._save_field(k))
            edit.setObjectName(f"field_{key}")
            self.field_edits[key] = edit
            form.addRow(self.tr(label), edit)
        self.units_label = QLabel(wordWrap=True, objectName="hint")
        form.addRow(self.tr("责任 / 配合单位"), self.units_label)
        self.follow_check = QCheckBox(self.tr("需持续跟进"))
        self.follow_note = QPlainTextEdit(objectName="followUpNote", tabChangesFocus=True,
                                          placeholderText=self.tr("说明为何暂时无法解决、如何跟进"))
        self.follow_note.setFixedHeight(self._lines_high(self.follow_note, FOLLOW_UP_LINES))
        form.addRow(self.tr("持续跟进"), self._saved_row(self.follow_check, self.follow_note, self._save_follow_up))
        self.override_combo = QComboBox()
        self.override_combo.addItem(self.tr("按规则推算"), None)
        for status in TaskStatus:
            self.override_combo.addItem(self.tr(status.label), status)
        self.override_reason = QLineEdit(objectName="overrideReason", placeholderText=self.tr("调整状态必须说明理由"))
        form.addRow(self.tr("状态调整"), self._saved_row(self.override_combo, self.override_reason, self._save_override))
        return tab

    def _saved_row(self, choice: QWidget, reason: QWidget, save) -> QVBoxLayout:
        """A choice and a 保存 button that writes it with the reason it needs, the reason below
        them at the form's full width."""
        button = QPushButton(self.tr("保存"), objectName=f"{reason.objectName()}Save")
        button.clicked.connect(save)
        row = QHBoxLayout()
        row.addWidget(choice)
        row.addStretch(1)
        row.addWidget(button)
        rows = QVBoxLayout()
        rows.addLayout(row)
        rows.addWidget(reason)
        return rows

    @staticmethod
    def _lines_high(edit: QPlainTextEdit, lines: int) -> int:
        """The height of an editor showing ``lines`` lines of its font."""
        margins = edit.contentsMargins()
        return round(edit.fontMetrics().lineSpacing() * lines + 2 * edit.document().documentMargin()
                + margins.top() + margins.bottom())

    @staticmethod
    def _table_tab(view: QWidget, actions: tuple) -> QWidget:
        """A tab with a table and a row of buttons (text, slot) under it."""
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(view, 1)
        buttons = QHBoxLayout()
        for text, slot in actions:
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        return tab

    def _build_milestone_tab(self) -> QWidget:
        self.milestone_model = MilestoneTableModel(self)
        self.milestone_view = table_view(self.milestone_model, MilestoneTableModel.COL_TITLE, word_wrap=True)
        self.milestone_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.milestone_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.milestone_view.doubleClicked.connect(self._edit_milestone)
        return self._table_tab(self.milestone_view, (
            (self.tr("新增"), self._add_milestone), (self.tr("修改"), self._edit_milestone),
            (self.tr("标记完成"), self._mark_done), (self.tr("延期"), self._postpone),
            (self.tr("删除"), self._delete_milestone)))

    def _build_report_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("期次")))
        self.period_combo = compact_combo(QComboBox(objectName="periodCombo"), 12)
        self.period_combo.currentIndexChanged.connect(self._period_changed)
        top.addWidget(self.period_combo, 1)
        layout.addLayout(top)
        self.carried_label = QLabel(self.tr("已沿用上期“下步计划”作为本期进展的底稿，请按实际情况修改。"),
                                    objectName="carriedNote")
        self.carried_label.setWordWrap(True)
        self.carried_label.setStyleSheet(f"color: {LATE.name()};")
        self.carried_label.hide()
        layout.addWidget(self.carried_label)
        self.lock_label = QLabel(objectName="reportLocked")
        self.lock_label.setWordWrap(True)
        self.lock_label.setStyleSheet("background: #e6e8eb; color: #1d3557; padding: 4px;")
        self.lock_label.hide()
        layout.addWidget(self.lock_label)
        splitter = QSplitter(Qt.Orientation.Vertical)
        editors = QWidget()
        form = QFormLayout(editors)
        form.setContentsMargins(0, 0, 0, 0)
        self.report_edits: dict[str, ReportEdit] = {}
        for key, label in REPORT_FIELDS.items():
            edit = ReportEdit(self.save_report)
            edit.setObjectName(f"report_{key}")
            edit.textChanged.connect(self._report_typed)
            self.report_edits[key] = edit
            form.addRow(self.tr(label), edit)
        self.report_error = QLabel(objectName="reportError")
        self.report_error.setWordWrap(True)
        self.report_error.setStyleSheet("color: #c0392b;")
        self.report_error.hide()
        form.addRow(self.report_error)
        splitter.addWidget(editors)
        self.history = QTextBrowser(objectName="reportHistory")
        splitter.addWidget(self.history)
        splitter.setSizes([300, 160])
        layout.addWidget(splitter, 1)
        return tab

    def _build_evidence_tab(self) -> QWidget:
        self.evidence_model = EvidenceTableModel(self)
        self.evidence_view = table_view(self.evidence_model, EvidenceTableModel.COL_NAME, word_wrap=True,
                                        empty=self.tr("尚无佐证材料：用下方的按钮添加到所选节点或本期进展。"))
        self.evidence_view.doubleClicked.connect(self._open_evidence)
        return self._table_tab(self.evidence_view, (
            (self.tr("添加到所选节点…"), self._attach_to_milestone), (self.tr("添加到本期进展…"), self._attach_to_report),
            (self.tr("打开"), self._open_evidence), (self.tr("移除"), self._remove_evidence)))

    # ---- loading ----
    @property
    def task_id(self) -> int | None:
        return self.detail.id if self.detail else None

    def show_task(self, task_id: int | None) -> bool:
        """Show another task; refused (False) while the report typed here cannot be saved."""
        if not self.save_report():
            return False
        self.error.hide()
        self.detail = None
        if task_id is not None:
            self.detail = read_task(self.ctx.store, task_id)
        self.tabs.setEnabled(self.detail is not None)
        self._fill_periods()
        self.reload()
        return True

    def _fill_periods(self) -> None:
        self._loading = True
        chosen = self.period_combo.currentData()
        self.period_combo.clear()
        for period in reporting_periods(self.ctx.store, self.ctx.as_of()):
            self.period_combo.addItem(period.label, period.id)
        index = self.period_combo.findData(chosen)
        self.period_combo.setCurrentIndex(max(index, 0))
        self._loading = False

    def reload(self) -> None:
        """Re-read the task after a change (an undo, an edit elsewhere) without disturbing typing."""
        if self.task_id is not None:
            self.detail = read_task(self.ctx.store, self.task_id)
        d = self.detail
        if d is None:
            self.heading.setText(self.tr("请选择一项任务"))
            self.status_line.setText(self.tr("在左侧列表中选择任务，在此查看和填写进展、节点与佐证材料。"))
            self.milestone_model.set_milestones([], self.ctx.as_of())
            self.evidence_model.set_rows([])
            self.history.clear()
            return
        self._loading = True
        self.heading.setText(self.tr("%d. %s") % (d.number, d.fields["title"]))
        facts = [d.area, d.list_kind, self.tr(d.origin.label)]
        if d.status_override is not None:
            facts.append(self.tr("状态已调整为“%s”：%s") % (self.tr(d.status_override.label), d.override_reason))
        if d.follow_up:
            facts.append(self.tr("需持续跟进：%s") % d.follow_up_note)
        self.status_line.setText(" · ".join(f for f in facts if f))
        for key, edit in self.field_edits.items():
            set_text(edit, d.fields[key])
        self.units_label.setText(self.tr("责任：%s；配合：%s") % ("、".join(d.responsible_units) or "—",
                                                              "、".join(d.supporting_units) or "—"))
        self.follow_check.setChecked(d.follow_up)
        set_text(self.follow_note, d.follow_up_note)
        self.override_combo.setCurrentIndex(self.override_combo.findData(d.status_override))
        set_text(self.override_reason, d.override_reason)
        self.milestone_model.set_milestones(d.milestones, self.ctx.as_of())
        self.evidence_model.set_rows(d.evidence)
        self._loading = False
        self._load_report()

    def _load_report(self) -> None:
        period_id = self.period_combo.currentData()
        self._report_period = period_id
        if self.detail is None or period_id is None:
            return
        text = report_text(self.ctx.store, self.detail.id, period_id)
        self._loading = True
        for key, edit in self.report_edits.items():
            set_text(edit, getattr(text, key))
            edit.setReadOnly(bool(text.locked))
        self._loading = False
        self.carried_label.setVisible(text.carried_forward)
        self.lock_label.setText(self.tr("只读：%s") % text.locked)
        self.lock_label.setVisible(bool(text.locked))
        self.report_error.hide()
        earlier = [r for r in self.detail.reports if r.period_id < period_id][:6]
        html = "".join(
            f"<p><b>{escape(r.period_label)}</b>{' <i>（沿用上期计划）</i>' if r.carried_forward else ''}<br>"
            f"<span style='color:#1d3557'>进展：</span>{escape(r.progress) or '—'}<br>"
            f"<span style='color:#1d3557'>问题：</span>{escape(r.problems) or '—'}<br>"
            f"<span style='color:#1d3557'>下步：</span>{escape(r.next_steps) or '—'}</p>" for r in earlier)
        self.history.setHtml(f"<h4>{self.tr('往期进展')}</h4>" + (html or self.tr("<p>本期之前没有进展记录。</p>")))

    def _period_changed(self) -> None:
        if self._loading:
            return
        if not self.save_report():  # the typed report stays, in its own period
            self._loading = True
            self.period_combo.setCurrentIndex(self.period_combo.findData(self._report_period))
            self._loading = False
            return
        self._load_report()

    # ---- running edits ----
    def run(self, command: tc.TaskEditCommand, message: QLabel | None = None) -> bool:
        """Push the command; a refusal is shown in ``message`` (else above the tabs)."""
        message = message or self.error
        try:
            self.ctx.undo_stack.push(command)
        except LedgerError as error:
            message.setText(str(error))
            message.show()
            return False
        message.hide()
        return True

    def _save_field(self, key: str) -> None:
        if self._loading or self.detail is None:
            return
        edit = self.field_edits[key]
        value = edit.text() if isinstance(edit, QLineEdit) else edit.toPlainText()
        if value.strip() != self.detail.fields[key]:
            self.run(tc.EditTaskFieldCommand(self.ctx.store, self.detail.id, key, value, self.on_change))

    def _save_follow_up(self) -> None:
        if self.detail is not None:
            self.run(tc.FollowUpCommand(self.ctx.store, self.detail.id, self.follow_check.isChecked(),
                                        self.follow_note.toPlainText(), self.on_change))

    def _save_override(self) -> None:
        if self.detail is not None:
            self.run(tc.OverrideStatusCommand(self.ctx.store, self.detail.id, self.override_combo.currentData(),
                                              self.override_reason.text(), self.on_change))

    def _report_typed(self) -> None:
        if not self._loading:
            self.carried_label.hide()
            self._save_timer.start()

    def save_report(self) -> bool:
        """Save the report being typed, if it differs from the store (called often; cheap).
        False when the save was refused: the text stays, with the reason under it."""
        self._save_timer.stop()
        period_id = self._report_period
        if self._loading or self.detail is None or period_id is None:
            return True
        texts = [self.report_edits[key].toPlainText() for key in REPORT_FIELDS]
        stored = report_text(self.ctx.store, self.detail.id, period_id)
        if stored.saved and texts == [stored.progress, stored.problems, stored.next_steps]:
            return True
        if not stored.saved and not any(t.strip() for t in texts):
            return True
        if not stored.saved and stored.carried_forward and texts == [stored.progress, "", ""]:
            return True  # only looked at the carried draft
        return self.run(tc.SaveReportCommand(self.ctx.store, self.detail.id, period_id, *texts, self.on_change),
                        self.report_error)

    # ---- milestones ----
    def _selected_milestone(self):
        rows = self.milestone_view.selectionModel().selectedRows()
        if not rows:
            QMessageBox.information(self, self.tr("节点举措"), self.tr("请先在表中选择一个节点举措。"))
            return None
        return self.milestone_model.rows[rows[0].row()]

    def _add_milestone(self) -> None:
        if self.detail is None:
            return
        dialog = MilestoneDialog(self.tr("新增节点举措"), self.ctx.as_of(), self)
        dialog.submit = lambda: self.ctx.undo_stack.push(tc.AddMilestoneCommand(
            self.ctx.store, self.detail.id, dialog.title_edit.text(), dialog.due_edit.date().toPython(),
            self.on_change))
        dialog.exec()

    def _edit_milestone(self) -> None:
        m = self._selected_milestone()
        if m is None:
            return
        dialog = MilestoneDialog(self.tr("修改节点举措"), m.due_date, self, text=m.title, note=m.note,
                                 due_editable=False)
        dialog.submit = lambda: self.ctx.undo_stack.push(tc.EditMilestoneCommand(
            self.ctx.store, self.detail.id, m.id, dialog.title_edit.text(), dialog.note_edit.text(), self.on_change))
        dialog.exec()

    def _mark_done(self) -> None:
        m = self._selected_milestone()
        if m is None:
            return
        dialog = DoneDialog(m.title, m.done_date or self.ctx.as_of(), self)
        dialog.submit = lambda: self.ctx.undo_stack.push(tc.MilestoneDoneCommand(
            self.ctx.store, self.detail.id, m.id, dialog.date_edit.date().toPython(), self.on_change))
        dialog.exec()

    def _postpone(self) -> None:
        m = self._selected_milestone()
        if m is None:
            return
        dialog = PostponeDialog(m.title, m.due_date, self)
        dialog.submit = lambda: self.ctx.undo_stack.push(tc.PostponeMilestoneCommand(
            self.ctx.store, self.detail.id, m.id, dialog.due_edit.date().toPython(),
            dialog.reason_edit.toPlainText(), self.on_change))
        dialog.exec()

    def _delete_milestone(self) -> None:
        m = self._selected_milestone()
        if m is None:
            return
        answer = QMessageBox.question(self, self.tr("删除节点举措"), self.tr("删除节点“%s”及其佐证材料？可用 Ctrl+Z 撤销。") % m.title)
        if answer == QMessageBox.StandardButton.Yes:
            self.run(tc.DeleteMilestoneCommand(self.ctx.store, self.detail.id, m.id, self.on_change))

    # ---- evidence ----
    def _choose_file(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("选择佐证材料"))
        return Path(name) if name else None

    def _attach_to_milestone(self) -> None:
        m = self._selected_milestone_for_evidence()
        source = self._choose_file() if m is not None else None
        if source is not None:
            self.run(tc.AttachEvidenceCommand(self.ctx.store, self.detail.id, source, milestone_id=m.id,
                                              on_change=self.on_change))

    def _selected_milestone_for_evidence(self):
        if self.milestone_view.selectionModel().hasSelection():
            return self._selected_milestone()
        QMessageBox.information(self, self.tr("佐证材料"), self.tr("请先在“节点举措”页选择要附加材料的节点。"))
        return None

    def _attach_to_report(self) -> None:
        if self.detail is None:
            return
        self.save_report()
        report = report_text(self.ctx.store, self.detail.id, self._report_period)
        source = self._choose_file()
        if source is not None:
            self.run(tc.AttachEvidenceCommand(self.ctx.store, self.detail.id, source, report_id=report.report_id or 0,
                                              on_change=self.on_change))

    def _selected_evidence(self):
        rows = self.evidence_view.selectionModel().selectedRows()
        return self.evidence_model.rows[rows[0].row()] if rows else None

    def _open_evidence(self) -> None:
        entry = self._selected_evidence()
        if entry is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(evidence_path(self.ctx.store.evidence_folder, entry))))

    def _remove_evidence(self) -> None:
        entry = self._selected_evidence()
        if entry is not None and self.detail is not None:
            self.run(tc.RemoveEvidenceCommand(self.ctx.store, self.detail.id, entry.id, self.on_change))
