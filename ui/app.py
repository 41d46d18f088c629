"""Starting the window: excepthook, QApplication, translations, fonts and style, the main window's
frame at once; behind it the store opened and migrated (and SQLAlchemy loaded) in the read thread;
then the first-run profile and the ledger in the window."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QTimer, QTranslator
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from models.collector import start_up_done
from models.errors import LedgerError
from models.logs import log_exception
from models.resources import resources_dir
from models.store_path import APP_NAME, default_db_path, store_file_exists
from ui.main_window import MainWindow

if TYPE_CHECKING:
    from models.store import Store

UI_FONTS = ["Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC",
            "WenQuanYi Micro Hei", "Source Han Sans SC", "SimSun"]


def _install_excepthook() -> None:
    def hook(kind, value, tb) -> None:
        path = log_exception("界面操作", value)
        QMessageBox.critical(None, "程序错误", f"操作未完成：{value}\n\n详细信息已写入 {path}。已保存的数据不受影响。")

    sys.excepthook = hook


def qt_translation_folders() -> list[Path]:
    """Where Qt's own translations may be: Qt's configured folder, else the one inside the
    PySide6 package (a frozen build's qt.conf may point elsewhere)."""
    import PySide6

    return [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
            Path(PySide6.__file__).parent / "Qt" / "translations"]


def install_qt_translations(app: QApplication) -> bool:
    """Qt's own dialogs and buttons in Chinese (查找范围, 文件类型, 取消 …) from PySide6's bundled
    qtbase_zh_CN.qm, with resources/translations/qtbase_gaps_zh_CN.qm for the few strings Qt 6
    renamed since; dates and numbers in Qt widgets as in China. False if Qt's file was not found."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    qtbase, gaps = QTranslator(app), QTranslator(app)
    if gaps.load("qtbase_gaps_zh_CN", str(resources_dir() / "translations")):
        app.installTranslator(gaps)
    for folder in qt_translation_folders():
        if qtbase.load("qtbase_zh_CN", str(folder)):
            return app.installTranslator(qtbase)  # installed last, asked first: the gaps only fill in
    return False


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName("改革台账")
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "app.svg")))
    install_qt_translations(app)
    font = QFont()
    font.setFamilies(UI_FONTS)
    font.setPointSize(10)
    app.setFont(font)
    app.setStyle("Fusion")
    app.setStyleSheet((resources_dir() / "styles" / "app.qss").read_text(encoding="utf-8"))
    return app


def run_gui(db_path: Path | None, as_of: date | None) -> int:
    app = create_application()
    _install_excepthook()
    path = db_path or default_db_path()
    if not store_file_exists(path) and QMessageBox.question(
            None, "新建台账", f"数据文件 {path} 不存在或为空。\n新建一个台账吗？") != QMessageBox.StandardButton.Yes:
        return 0
    window = MainWindow(as_of_override=as_of)
    start = WindowStart(window, path)
    window.show()
    try:
        return app.exec()
    finally:
        start.finish()


class WindowStart(QObject):
    """The store opened behind the window's shown frame, then the ledger in the window.

    Once the frame is painted, the pages' read thread (ui.workers.PageReads) loads SQLAlchemy and the ORM,
    opens the store, backs it up and migrates it where it is older, and gives an office already set
    up the built-in plan if it holds none (models.plan_loader.open_ledger); meanwhile the window can
    be moved and its navigation clicked. Back on the UI thread: a first start's office dialog, then
    the ledger in the window; or the reason it cannot be opened, in a box over the frame, and exit
    code 2. Closed while opening, the program waits for the store to be opened whole (the upgrade
    is one transaction, after its backup), then closes it."""

    # Started this long after show() even if no paint came (a window shown minimised is not painted).
    START_ANYWAY_MS = 1000

    def __init__(self, window: MainWindow, path: Path) -> None:
        super().__init__(window)
        self.window = window
        self.path = path
        self.store: Store | None = None  # set in the read thread, once open
        self.reads = None  # the PageReads, once started
        self.finished = False  # finish() called: the window is gone, the store closed
        window.installEventFilter(self)
        QTimer.singleShot(self.START_ANYWAY_MS, self._start)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Paint:
            self.window.removeEventFilter(self)
            QTimer.singleShot(0, self._start)  # once this first frame is painted and shown
        return False

    def _start(self) -> None:
        if self.reads is not None:
            return
        # Here, not on top: ui.workers loads Qt's enum namespace (≈ 12 ms), which the frame goes without.
        from ui.workers import PageReads

        self.reads = PageReads(self.window)
        self.reads.start(self._open, self._opened, self._refused)

    def _open(self) -> bool:  # in the read thread: no widget is touched here
        from models.plan_loader import open_ledger  # here, not on top: SQLAlchemy and the ORM load behind the frame

        self.store, set_up = open_ledger(self.path)
        return set_up

    def _opened(self, set_up: bool) -> None:
        if self.finished:
            return
        start_up_done()  # SQLAlchemy, the ORM and Qt are loaded; what follows may wait on a person
        if set_up:
            self.window.open_ledger(self.store)
            return
        from ui.office_dialog import OfficeDialog

        dialog = OfficeDialog(self.store, first_run=True, parent=self.window)
        choice = dialog.start_choice if dialog.exec() == OfficeDialog.DialogCode.Accepted else None
        start_ledger(self.window, self.store, choice)

    def _refused(self, message: str) -> None:
        if self.finished:
            return
        QMessageBox.critical(self.window, "无法打开台账", message)
        QApplication.exit(2)

    def finish(self) -> None:
        """After the event loop: wait for a store still being opened, then close it."""
        self.finished = True
        if self.reads is not None:
            from ui.workers import wait_for_reads

            wait_for_reads()
        if self.store is not None:
            self.store.close()


def start_ledger(window: MainWindow, store: Store, choice: str | None) -> None:
    """Carry out how the first start chose to begin, then open the ledger in the window: the
    city's workbook imported (the sample only if none was), the sample, or the rollover dialog."""
    from models.plan_loader import ensure_plan  # here, not on top: SQLAlchemy loads behind the frame
    from ui.context import AppContext
    from ui.office_dialog import START_IMPORT, START_ROLLOVER

    if choice == START_IMPORT:
        from ui.plan_import_dialog import PlanImportDialog

        path, _filter = QFileDialog.getOpenFileName(window, "选择本市方案工作簿", "", "Excel 工作簿 (*.xlsx)")
        if path:
            try:
                PlanImportDialog(AppContext(store), Path(path), window).exec()
            except LedgerError as error:
                QMessageBox.warning(window, "无法导入", str(error))
    if ensure_plan(store) and choice == START_IMPORT:
        QMessageBox.information(window, "未导入方案", "没有导入方案，已先载入内置示例方案（2023 年度）。"
                                "可随时用“文件 → 导入方案工作簿…”导入本市方案。")
    window.open_ledger(store)
    if choice == START_ROLLOVER:
        window.rollover()
