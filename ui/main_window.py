"""The main window: a navigation bar on the left, one workspace at a time on the right, the
store's path and the current period in the status bar. Geometry is kept in QSettings."""
from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path

from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog, QLabel, QListWidget, QListWidgetItem, QMainWindow, QMessageBox, QStackedWidget, QWidget,
    QHBoxLayout,
)

from models.enums import OfficeRole
from models.errors import LedgerError
from models.plan_loader import current_period
from models.resources import resources_dir
from models.office_profile import office_profile
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

    def __init__(self, store: Store, as_of_override: date | None = None) -> None:
        super().__init__()
        self.ctx = AppContext(store, as_of_override)
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
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setSizeHint(QSize(160, 44))
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._show_page)

        body = QWidget()
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)

        self.period_label = QLabel()
        self.path_label = QLabel(self.tr("数据文件：%s") % store.path)
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addWidget(self.path_label, 1)
        self.statusBar().addPermanentWidget(self.period_label)
        self._build_menus()
        self.ctx.ledgerChanged.connect(self._update_status)
        self.ctx.undo_stack.refused.connect(lambda reason: QMessageBox.warning(self, self.tr("无法撤销或重做"), reason))
        self.ctx.openTask.connect(lambda task_id: self.show_page("tasks").select_task(task_id))
        self._update_status()
        self._restore_state()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("文件(&F)"))
        import_plan = QAction(self.tr("导入方案工作簿…"), self, objectName="importPlanAction")
        import_plan.triggered.connect(self.import_plan)
        file_menu.addAction(import_plan)
        quit_action = QAction(self.tr("退出(&X)"), self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        edit_menu = self.menuBar().addMenu(self.tr("编辑(&E)"))
        undo = self.ctx.undo_stack.action(self, self.tr("撤销"), undo=True)
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.ctx.undo_stack.action(self, self.tr("重做"), undo=False)
        redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence.StandardKey.Redo])
        edit_menu.addActions([undo, redo])
        go_menu = self.menuBar().addMenu(self.tr("转到(&G)"))
        self.go_actions: dict[str, QAction] = {}
        for row, (key, title, _icon, _cls) in enumerate(self.PAGES):
            action = QAction(self.tr(title), self, shortcut=QKeySequence(f"Ctrl+{row + 1}"))
            action.triggered.connect(lambda _=False, r=row: self.nav.setCurrentRow(r))
            go_menu.addAction(action)
            self.go_actions[key] = action
        help_menu = self.menuBar().addMenu(self.tr("帮助(&H)"))
        about = QAction(self.tr("关于改革台账"), self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def import_plan(self) -> None:
        """文件 → 导入方案工作簿: pick the workbook, then check and import it in its dialog."""
        from ui.plan_import_dialog import PlanImportDialog

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
        self.stack.setCurrentWidget(page)
        page.refresh()

    def _update_status(self) -> None:
        as_of = self.ctx.as_of()
        current = current_period(self.ctx.store, as_of)
        self.period_label.setText(self.tr("台账日期 %s　当前期次：%s") % (as_of.isoformat(), current.label))
        # 汇总 is the city office's work (设置 → 单位级别); a county office sees only its own ledger.
        city = office_profile(self.ctx.store).role is OfficeRole.CITY
        self.nav.item(self._row("consolidation")).setHidden(not city)
        self.go_actions["consolidation"].setVisible(city)

    def _row(self, key: str) -> int:
        return [k for k, *_ in self.PAGES].index(key)

    def _restore_state(self) -> None:
        settings = QSettings()
        geometry = settings.value("main_window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 760)
        self.nav.setCurrentRow(int(settings.value("main_window/page", 0)))

    def closeEvent(self, event) -> None:
        settings = QSettings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        settings.setValue("main_window/page", self.nav.currentRow())
        super().closeEvent(event)
