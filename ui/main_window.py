"""The main window: a navigation bar on the left, one workspace at a time on the right, the
store's path, the year shown (a chooser; 示例 for the built-in plan; a notice when the working
date lies outside that year) and the current period in the status bar. Geometry is kept in QSettings.

The window is built in two steps. Its frame (title, navigation, menus, status bar, and
正在打开台账… where the pages go) needs neither the store nor SQLAlchemy, so ``python main.py``
shows it at once (ui.app); ``open_ledger(store)`` then fills it: what needs the store is enabled
and the page last shown is built. ``MainWindow(store)`` does both at once.
"""
from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QSize
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QLabel, QListWidget, QListWidgetItem, QMainWindow, QMessageBox, QStackedWidget, QWidget,
    QHBoxLayout,
)

from models.errors import LedgerError
from models.resources import resources_dir

if TYPE_CHECKING:
    from models.store import Store
    from ui.context import AppContext


class MainWindow(QMainWindow):
    # (object name, title, icon file, "module:class" of the page), in the order of the navigation
    # bar. A page's module is imported when the page is first shown, so start-up pays for 首页 only.
    PAGES = [
        ("home", "首页", "home.svg", "ui.home_page:HomePage"),
        ("tasks", "任务清单", "tasks.svg", "ui.tasks.tasks_page:TasksPage"),
        ("indicators", "指标填报", "indicators.svg", "ui.indicators.indicators_page:IndicatorsPage"),
        ("returns", "报表报送", "returns.svg", "ui.returns.returns_page:ReturnsPage"),
        ("collection", "报送收集", "collection.svg", "ui.collection.collection_page:CollectionPage"),
        ("problems", "涉企问题", "problems.svg", "ui.problems.problems_page:ProblemsPage"),
        ("consolidation", "汇总", "consolidation.svg", "ui.consolidation.consolidation_page:ConsolidationPage"),
        ("settings", "设置", "settings.svg", "ui.settings_page:SettingsPage"),
    ]

    def __init__(self, store: Store | None = None, as_of_override: date | None = None) -> None:
        super().__init__()
        self.as_of_override = as_of_override
        self.ctx: AppContext | None = None  # set by open_ledger
        self.setWindowTitle(self.tr("改革台账"))
        self.setMinimumSize(QSize(1024, 640))

        self.nav = QListWidget(objectName="navigation")
        self.nav.setIconSize(QSize(22, 22))
        self.nav.setFixedWidth(168)
        self.stack = QStackedWidget(objectName="workspace")
        # Workspaces are built the first time they are shown, so start-up pays only for 首页.
        self.pages: dict[str, QWidget] = {}
        for key, title, icon, _spec in self.PAGES:
            self.stack.addWidget(QWidget())
            item = QListWidgetItem(QIcon(str(resources_dir() / "icons" / icon)), self.tr(title))
            item.setSizeHint(QSize(160, 44))
            self.nav.addItem(item)
        self.opening = QLabel(self.tr("正在打开台账…"), objectName="opening")
        # Centred by its style sheet: Qt's enum namespace (Qt.AlignmentFlag) costs ≈ 12 ms to load in
        # Python, and the frame goes without it; the pages load it once the store is open.
        self.opening.setStyleSheet("qproperty-alignment: AlignCenter; color: #666; font-size: 15px;")
        self.stack.addWidget(self.opening)  # after the pages: a page's index stays its row
        self.stack.setCurrentWidget(self.opening)

        body = QWidget()
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)

        self.period_label = QLabel()
        self.path_label = QLabel()
        self.year_notice = QLabel(objectName="statusYearNotice")
        self.year_notice.setStyleSheet("color: #b35900;")
        self.year_combo = QComboBox(objectName="yearChooser")
        self.year_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.year_combo.setToolTip(self.tr("查看哪一年度的台账；往年可查阅、可验证其报表"))
        self.year_combo.setVisible(False)
        self.statusBar().addWidget(self.path_label, 1)
        self.statusBar().addPermanentWidget(self.year_notice)
        self.statusBar().addPermanentWidget(self.year_combo)
        self.statusBar().addPermanentWidget(self.period_label)
        self._build_menus()
        self._show_consolidation(False)  # as a county office sees it, until the store tells the level
        self._restore_state()
        if store is not None:
            self.open_ledger(store)

    def open_ledger(self, store: Store) -> None:
        """Fill the frame with the open store: what needs it enabled, the status bar, and the
        page chosen in the navigation (the one last shown, or one clicked meanwhile) built and filled."""
        # Here, not on top: SQLAlchemy and Qt's enum namespace, which the frame goes without.
        from PySide6.QtCore import Qt

        from ui.context import AppContext

        self.ctx = AppContext(store, self.as_of_override)
        self.path_label.setText(self.tr("数据文件：%s") % store.path)
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        undo = self.ctx.undo_stack.action(self, self.tr("撤销"), undo=True)
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.ctx.undo_stack.action(self, self.tr("重做"), undo=False)
        redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence.StandardKey.Redo])
        self.edit_menu.addActions([undo, redo])
        for action in self.ledger_actions:
            action.setEnabled(True)
        self.year_combo.activated.connect(lambda index: self.ctx.set_year(self.year_combo.itemData(index)))
        self.ctx.ledgerChanged.connect(self._update_status)
        self.ctx.undo_stack.refused.connect(lambda reason: QMessageBox.warning(self, self.tr("无法撤销或重做"), reason))
        self.ctx.openTask.connect(lambda task_id: self.show_page("tasks").select_task(task_id))
        self._update_status()
        self.stack.removeWidget(self.opening)
        self.opening.deleteLater()
        self.nav.currentRowChanged.connect(self._show_page)
        self._show_page(self.nav.currentRow())

    def _build_menus(self) -> None:
        # What needs the store stays disabled until open_ledger; 转到 only moves the navigation's choice.
        file_menu = self.menuBar().addMenu(self.tr("文件(&F)"))
        import_plan = QAction(self.tr("导入方案工作簿…"), self, objectName="importPlanAction")
        import_plan.triggered.connect(self.import_plan)
        file_menu.addAction(import_plan)
        rollover = QAction(self.tr("新年度结转…"), self, objectName="rolloverAction")
        rollover.triggered.connect(self.rollover)
        file_menu.addAction(rollover)
        # Shortcuts set by setShortcuts: PySide's setShortcut would load Qt's enum namespace (see above).
        quit_action = QAction(self.tr("退出(&X)"), self)
        quit_action.setShortcuts(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self.edit_menu = self.menuBar().addMenu(self.tr("编辑(&E)"))  # 撤销 / 重做 of the store's undo stack
        go_menu = self.menuBar().addMenu(self.tr("转到(&G)"))
        self.go_actions: dict[str, QAction] = {}
        for row, (key, title, _icon, _cls) in enumerate(self.PAGES):
            action = QAction(self.tr(title), self)  # shortcuts: _show_consolidation, by what is shown
            action.triggered.connect(lambda _=False, r=row: self.nav.setCurrentRow(r))
            go_menu.addAction(action)
            self.go_actions[key] = action
        help_menu = self.menuBar().addMenu(self.tr("帮助(&H)"))
        about = QAction(self.tr("关于改革台账"), self)  # it names the store's file
        about.triggered.connect(self._about)
        help_menu.addAction(about)
        self.ledger_actions = [import_plan, rollover, self.edit_menu.menuAction(), about]
        for action in self.ledger_actions:
            action.setEnabled(False)

    def import_plan(self) -> None:
        """文件 → 导入方案工作簿: pick the workbook, then check and import it in its dialog."""
        from ui.plan_import_dialog import PlanImportDialog  # the plan reader loads when first used, not at start-up

        path, _filter = QFileDialog.getOpenFileName(self, self.tr("选择方案工作簿"), "", self.tr("Excel 工作簿 (*.xlsx)"))
        if not path:
            return
        try:
            dialog = PlanImportDialog(self.ctx, Path(path), self)
        except LedgerError as error:
            QMessageBox.warning(self, self.tr("无法导入"), str(error))
            return
        dialog.exec()

    def _about(self) -> None:
        QMessageBox.about(self, self.tr("关于改革台账"), self.tr(
            "<b>改革台账 · Reform Ledger</b><p>县（市、区）营商环境改革任务与指标台账：记录进展、"
            "填报指标、生成并签发报表。</p><p>数据文件：%s</p>") % self.ctx.store.path)

    def show_page(self, key: str) -> QWidget:
        self.nav.setCurrentRow(self._row(key))
        return self.pages[key]

    def _page_at(self, row: int) -> QWidget:
        key, _title, _icon, spec = self.PAGES[row]
        if key not in self.pages:
            module, name = spec.split(":")
            page = getattr(importlib.import_module(module), name)(self.ctx)
            page.setObjectName(f"page_{key}")
            placeholder = self.stack.widget(row)
            self.stack.insertWidget(row, page)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self.pages[key] = page
        return self.pages[key]

    def _show_page(self, row: int) -> None:
        page = self._page_at(row)
        page.refresh()  # before it is shown: a page refreshing itself when shown stale then reads the store once
        self.stack.setCurrentWidget(page)

    def rollover(self) -> None:
        """文件 → 新年度结转: preview, then make the new year from the last one."""
        from ui.rollover_dialog import RolloverDialog

        RolloverDialog(self.ctx, self).exec()

    def _update_status(self) -> None:
        # Here, not on top: they load SQLAlchemy, which the frame goes without (the store is open by now).
        from models.enums import OfficeRole
        from models.office_profile import office_profile
        from models.plan_loader import current_period, year_state

        state = year_state(self.ctx.store, None, self.ctx.as_of_override)
        as_of = state.as_of
        current = current_period(self.ctx.store, as_of)
        self.period_label.setText(self.tr("台账日期 %s　当前期次：%s") % (as_of.isoformat(), current.label))
        sample = self.tr("（示例）") if state.sample else ""
        year = self.tr("%d 年度%s") % (state.year, sample) if state.year else ""
        self.setWindowTitle(self.tr("改革台账") + (f" — {year}" if year else ""))
        self.year_notice.setText(state.notice.split("；")[0])  # the advice that follows is on 首页
        self.year_notice.setToolTip(state.notice)
        self.year_combo.clear()
        for held in state.years:
            self.year_combo.addItem(self.tr("%d 年度") % held + (sample if held == state.year else ""),
                                    None if held == state.years[0] else held)
        self.year_combo.setCurrentIndex(max(state.years.index(state.year), 0) if state.year in state.years else 0)
        self.year_combo.setVisible(bool(state.years))
        self._show_consolidation(office_profile(self.ctx.store).role is OfficeRole.CITY)

    def _show_consolidation(self, city: bool) -> None:
        # 汇总 is the city office's work (设置 → 单位级别); a county office sees only its own ledger.
        self.nav.item(self._row("consolidation")).setHidden(not city)
        self.go_actions["consolidation"].setVisible(city)
        shown = [action for action in self.go_actions.values() if action.isVisible()]
        for number, action in enumerate(shown, 1):  # Ctrl+N is the N-th entry the menu shows
            action.setShortcuts([QKeySequence(f"Ctrl+{number}")])

    def _row(self, key: str) -> int:
        return [k for k, *_ in self.PAGES].index(key)

    def _restore_state(self) -> None:
        settings = QSettings()
        geometry = settings.value("main_window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 760)
        row = int(settings.value("main_window/page", 0))
        self.nav.setCurrentRow(row if 0 <= row < self.nav.count() else 0)

    def closeEvent(self, event) -> None:
        settings = QSettings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        settings.setValue("main_window/page", self.nav.currentRow())
        super().closeEvent(event)
