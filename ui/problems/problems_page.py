"""涉企问题 (营商台账): the problems in one list — filter by state, overdue only, search — with each
one's 督办 colour (红 overdue, 蓝 due within 2 working days, 黄 more than half the time used), its
details and steps beside it, and the loop's actions: 登记, 交办/改派, 签收, 答复, 回访, 延期, 退回,
归档, 举一反三; then 导入 (a 12345 export), 督办单 (a PDF per unit) and 导出 (masked).

Every action is one call of models.problems.loop (or exchange.problems for files); the page only
shows what they return. Contact names and phones are shown in full here, and only here.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QGridLayout, QHBoxLayout, QLabel, QLineEdit,
                               QMessageBox, QPushButton, QSplitter, QVBoxLayout, QWidget)

from models.errors import LedgerError
from models.problems.loop import (ALLOWED, IssueView, accept_issue, archive_issue, assign_issue, extend_issue, issue_detail,
                                  known_units, link_issues, register_issue, reply_issue, return_issue, visit_issue)
from models.problems.records import IssueState, StepKind
from models.problems.supervision import attention, list_issues
from ui.context import AppContext
from ui.problems.problem_dialogs import (AssignDialog, ExtendDialog, LinkDialog, ReasonDialog, RegisterDialog,
                                         ReplyDialog, VisitDialog)
from ui.problems.problem_models import IssueTableModel, StepTableModel
from ui.widgets import compact_combo, page_layout, table_view
from ui.workers import run_in_background

# The steps each button records; it is enabled in the states the domain allows them (loop.ALLOWED).
BUTTON_STEPS = {
    "assign": (StepKind.ASSIGN, StepKind.REASSIGN), "accept": (StepKind.ACCEPT,), "reply": (StepKind.REPLY,),
    "visit": (StepKind.VISIT,), "extend": (StepKind.EXTEND,), "return": (StepKind.RETURN,),
    "archive": (StepKind.ARCHIVE,), "link": (StepKind.LINK,),
}


def allowed(key: str, state: IssueState) -> bool:
    return any(step not in ALLOWED or state in ALLOWED[step] for step in BUTTON_STEPS[key])


class ProblemsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.current: IssueView | None = None
        layout, self.header = page_layout(self, self.tr("涉企问题（营商台账）"))

        bar = QHBoxLayout()
        self.state_combo = compact_combo(QComboBox(objectName="stateFilter"), 6)
        self.state_combo.addItem(self.tr("全部状态"), None)
        for state in IssueState:
            self.state_combo.addItem(self.tr(state.label), state.value)
        self.overdue_check = QCheckBox(self.tr("只看逾期"), objectName="overdueCheck")
        self.search = QLineEdit(objectName="problemSearch", placeholderText=self.tr("搜索企业、单位、编号…"))
        self.search.setClearButtonEnabled(True)
        bar.addWidget(self.state_combo)
        bar.addWidget(self.overdue_check)
        bar.addWidget(self.search, 1)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (("register", "登记…", self.register), ("import", "导入…", self.import_file),
                                ("notice", "督办单…", self.print_notices), ("export", "导出…", self.export_file)):
            self.buttons[key] = QPushButton(self.tr(text), objectName=f"{key}Button")
            self.buttons[key].clicked.connect(slot)
            bar.addWidget(self.buttons[key])
        layout.addLayout(bar)
        self.summary = QLabel(objectName="problemSummary")
        layout.addWidget(self.summary)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.model = IssueTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(IssueTableModel.RawRole)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        # The enterprise's whole name (the column fits it); the state, last, takes what width is left.
        self.view = table_view(self.proxy, IssueTableModel.STATE, "problemTable")
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(IssueTableModel.NUMBER, Qt.SortOrder.DescendingOrder)
        splitter.addWidget(self.view)
        splitter.addWidget(self._build_detail())
        splitter.setSizes([640, 520])
        layout.addWidget(splitter, 1)

        self.state_combo.currentIndexChanged.connect(self.refresh)
        self.overdue_check.toggled.connect(self.refresh)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
        ctx.ledgerChanged.connect(self.refresh)
        self.refresh()

    def _build_detail(self) -> QWidget:
        panel = QWidget()
        column = QVBoxLayout(panel)
        column.setContentsMargins(8, 0, 0, 0)
        self.detail = QLabel(objectName="problemDetail", wordWrap=True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop)
        column.addWidget(self.detail)
        actions = QGridLayout()
        for n, (key, text, slot) in enumerate((
                ("assign", "交办/改派…", self.assign), ("accept", "签收", self.accept), ("reply", "答复…", self.reply),
                ("visit", "回访…", self.visit), ("extend", "延期…", self.extend), ("return", "退回…", self.return_),
                ("archive", "归档", self.archive), ("link", "举一反三…", self.link))):
            button = QPushButton(self.tr(text), objectName=f"{key}Button")
            button.clicked.connect(slot)
            self.buttons[key] = button
            actions.addWidget(button, n // 4, n % 4)
        column.addLayout(actions)
        column.addWidget(QLabel(self.tr("办理过程"), objectName="sectionTitle"))
        self.steps = StepTableModel(self)
        column.addWidget(table_view(self.steps, StepTableModel.TEXT, "stepTable", word_wrap=True), 1)
        return panel

    # ---- loading ---------------------------------------------------------------------------

    def refresh(self) -> None:
        as_of = self.ctx.as_of()
        selected = self.current.id if self.current else None
        try:
            rows = list_issues(self.ctx.store, as_of, self.state_combo.currentData(), self.overdue_check.isChecked())
            counts = attention(self.ctx.store, as_of)
        except LedgerError as error:  # e.g. a working date the holiday calendar does not cover yet
            self.model.set_rows([])
            self.summary.setText(str(error))
            self._show_current()
            return
        self.model.set_rows(rows)
        self.header.subtitle.setText(self.tr("台账日期 %s · 本年受理 %d 件") % (as_of.isoformat(), counts.received_this_year))
        self.summary.setText(self.tr("在办 %d 件：红（逾期）%d　蓝（2个工作日内到期）%d　黄（时限过半）%d；待交办 %d，待回访 %d")
                             % (counts.open, counts.colours["red"], counts.colours["blue"], counts.colours["yellow"],
                                counts.awaiting_assignment, counts.awaiting_visit))
        if selected is not None:
            self.select_issue(selected)
        self._show_current()

    def select_issue(self, issue_id: int) -> None:
        for row, item in enumerate(self.model.rows):
            if item.id == issue_id:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                if index.isValid():
                    self.view.setCurrentIndex(index)
                return

    def _selected_id(self) -> int | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return self.model.rows[self.proxy.mapToSource(index).row()].id

    def _show_current(self) -> None:
        issue_id = self._selected_id()
        self.current = issue_detail(self.ctx.store, issue_id) if issue_id is not None else None
        issue = self.current
        for key in BUTTON_STEPS:
            self.buttons[key].setEnabled(issue is not None and allowed(key, IssueState(issue.state)))
        if issue is None:
            self.detail.setText(self.tr("选择左侧的一个问题查看详情。"))
            self.steps.set_rows([])
            return
        lines = [f"<b>{issue.number}　{issue.enterprise}</b>（{issue.state_label}）",
                 self.tr("统一社会信用代码：%s") % (issue.credit_code or "—"),
                 self.tr("联系人：%s　%s") % (issue.contact or "—", issue.phone or ""),
                 self.tr("来源：%s　类型：%s　标签：%s") % (issue.channel, issue.kind, "、".join(issue.tags) or "—"),
                 self.tr("问题：%s") % issue.description]
        if issue.task_number:
            lines.append(self.tr("关联任务：%d. %s") % (issue.task_number, issue.task_title))
        if issue.lead_handler:
            co = "、".join(issue.co_handlers)
            lines.append(self.tr("主办：%s%s　时限 %s 个工作日　办结期限 %s") % (
                issue.lead_handler, self.tr("　协办：%s") % co if co else "", issue.limit_days, issue.due or "—"))
        if issue.linked:
            lines.append(self.tr("举一反三：关联 %s；制度性举措：%s") % ("、".join(issue.linked), issue.systemic_measure))
        self.detail.setText("<br>".join(lines))
        self.steps.set_rows(issue.steps)

    # ---- the loop --------------------------------------------------------------------------

    def _done(self, issue: IssueView) -> None:
        self.current = issue
        self.ctx.ledgerChanged.emit()  # refreshes this page too, keeping the selection
        self.select_issue(issue.id)

    def register(self) -> None:
        dialog = RegisterDialog(self.ctx.as_of(), self)
        dialog.submit = lambda: self._done(register_issue(self.ctx.store, dialog.draft()))
        if self.state_combo.currentData() not in (None, IssueState.REGISTERED.value):
            self.state_combo.setCurrentIndex(0)  # so the new problem is in the list
        dialog.exec()

    def assign(self) -> None:
        issue = self.current
        dialog = AssignDialog(issue.number, known_units(self.ctx.store), self.ctx.as_of(),
                              issue.state != IssueState.REGISTERED.value, self)

        def submit() -> None:
            unit, days, day, co, reason = dialog.values()
            self._done(assign_issue(self.ctx.store, issue.id, unit, days, day, co, reason))

        dialog.submit = submit
        dialog.exec()

    def accept(self) -> None:
        self._simple(lambda: accept_issue(self.ctx.store, self.current.id, self.ctx.as_of()))

    def archive(self) -> None:
        self._simple(lambda: archive_issue(self.ctx.store, self.current.id, self.ctx.as_of()))

    def _simple(self, action) -> None:
        try:
            self._done(action())
        except LedgerError as error:
            QMessageBox.warning(self, self.tr("未完成"), str(error))

    def reply(self) -> None:
        dialog = ReplyDialog(self.current.number, self.ctx.as_of(), self)
        issue_id = self.current.id
        dialog.submit = lambda: self._done(reply_issue(self.ctx.store, issue_id, *dialog.values()))
        dialog.exec()

    def visit(self) -> None:
        dialog = VisitDialog(self.current.number, self.ctx.as_of(), self)
        issue_id = self.current.id
        dialog.submit = lambda: self._done(visit_issue(self.ctx.store, issue_id, *dialog.values()))
        dialog.exec()

    def extend(self) -> None:
        issue = self.current
        dialog = ExtendDialog(issue.number, issue.due, self.ctx.as_of(), self)
        dialog.submit = lambda: self._done(extend_issue(self.ctx.store, issue.id, *dialog.values()))
        dialog.exec()

    def return_(self) -> None:
        issue = self.current
        dialog = ReasonDialog(self.tr("退回 %s") % issue.number, self.ctx.as_of(), self)
        dialog.submit = lambda: self._done(return_issue(self.ctx.store, issue.id, *dialog.values()))
        dialog.exec()

    def link(self) -> None:
        issue = self.current
        dialog = LinkDialog(issue.number, self.ctx.as_of(), self)
        dialog.submit = lambda: self._done(link_issues(self.ctx.store, issue.id, *dialog.values()))
        dialog.exec()

    # ---- files -----------------------------------------------------------------------------

    def import_file(self) -> None:
        """Check the workbook first (off the UI thread); duplicates are shown and skipped only if the
        user agrees; then import it, all or nothing."""
        from exchange.problems.problem_import import import_problems  # openpyxl: only when importing

        name, _ = QFileDialog.getOpenFileName(self, self.tr("导入涉企问题"), "", self.tr("Excel 工作簿 (*.xlsx)"))
        if not name:
            return
        path, store = Path(name), self.ctx.store

        def checked(preview) -> None:
            if preview.duplicates:
                answer = QMessageBox.question(
                    self, self.tr("有重复的问题"),
                    self.tr("以下 %d 条与已有问题重复（同一企业、同一内容、同一天）：\n%s\n\n跳过它们，导入其余 %d 条？")
                    % (len(preview.duplicates), "\n".join(preview.duplicate_lines()[:15]), len(preview.new_rows)))
                if answer != QMessageBox.StandardButton.Yes:
                    return
            run_in_background(self, self.tr("正在导入…"),
                              lambda _progress: import_problems(store, path, skip_duplicates=True), imported,
                              cancellable=False)

        def imported(done) -> None:
            self.ctx.ledgerChanged.emit()
            QMessageBox.information(self, self.tr("导入完成"), self.tr("已导入 %d 件，跳过重复 %d 件。")
                                    % (len(done.new_rows), len(done.duplicates)))

        run_in_background(self, self.tr("正在检查 %s…") % path.name,
                          lambda _progress: import_problems(store, path, dry_run=True), checked,
                          lambda message: QMessageBox.warning(self, self.tr("无法导入"), message))

    def print_notices(self) -> None:
        from exchange.problems.supervision_notice import write_notices  # reportlab: only when printing

        folder = QFileDialog.getExistingDirectory(self, self.tr("督办单保存到"), str(self.ctx.store.folder))
        if not folder:
            return
        store, as_of = self.ctx.store, self.ctx.as_of()

        def written(paths) -> None:
            QMessageBox.information(self, self.tr("督办单"), self.tr("已为 %d 个单位生成督办单：\n%s")
                                    % (len(paths), "\n".join(p.name for p in paths)) if paths
                                    else self.tr("没有在办的涉企问题，无需督办。"))

        run_in_background(self, self.tr("正在生成督办单…"), lambda _progress: write_notices(store, Path(folder), as_of),
                          written)

    def export_file(self) -> None:
        from exchange.problems.problem_export import export_problems  # openpyxl: only when exporting

        year = self.ctx.as_of().year
        name, _ = QFileDialog.getSaveFileName(self, self.tr("导出涉企问题"),
                                              str(self.ctx.store.folder / f"涉企问题_{year}.xlsx"),
                                              self.tr("Excel 工作簿 (*.xlsx)"))
        if not name:
            return
        store, path = self.ctx.store, Path(name).with_suffix(".xlsx")
        run_in_background(self, self.tr("正在导出…"), lambda _progress: export_problems(store, path, year),
                          lambda done: QMessageBox.information(self, self.tr("导出完成"),
                                                               self.tr("已导出（联系人、电话已脱敏）：%s") % done))
