"""Starting the window: excepthook, store (opened and migrated before any widget exists),
QApplication, translations, fonts and style, first-run profile, main window."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from models.errors import LedgerError
from models.logs import log_exception
from models.resources import resources_dir
from models.plan_loader import ensure_plan
from models.start_up import start_up_done
from models.office_profile import office_profile
from models.store import APP_NAME, Store, default_db_path, store_file_exists

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
    start_up_done()  # SQLAlchemy, the ORM and Qt are loaded; what follows may wait on a person
    app = create_application()
    _install_excepthook()
    path = db_path or default_db_path()
    if not store_file_exists(path) and QMessageBox.question(
            None, "新建台账", f"数据文件 {path} 不存在或为空。\n新建一个台账吗？") != QMessageBox.StandardButton.Yes:
        return 0
    try:
        store = Store(path, create=True).open()
    except LedgerError as error:
        QMessageBox.critical(None, "无法打开台账", str(error))
        return 2
    # The window's modules load once the store is open: a store that cannot be opened is told at once.
    from ui.office_dialog import OfficeDialog

    try:
        choice = None
        if not office_profile(store).is_set_up:
            dialog = OfficeDialog(store, first_run=True)
            if dialog.exec() == OfficeDialog.DialogCode.Accepted:
                choice = dialog.start_choice
        window = start_ledger(store, choice, as_of)
        window.show()
        return app.exec()
    finally:
        store.close()


def start_ledger(store: Store, choice: str | None, as_of: date | None = None):
    """Carry out how the first start chose to begin, then build the main window: the city's
    workbook imported (the sample only if none was), the sample, or the rollover dialog."""
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.office_dialog import START_IMPORT, START_ROLLOVER

    if choice == START_IMPORT:
        from ui.plan_import_dialog import PlanImportDialog

        path, _filter = QFileDialog.getOpenFileName(None, "选择本市方案工作簿", "", "Excel 工作簿 (*.xlsx)")
        if path:
            try:
                PlanImportDialog(AppContext(store), Path(path)).exec()
            except LedgerError as error:
                QMessageBox.warning(None, "无法导入", str(error))
    if ensure_plan(store) and choice == START_IMPORT:
        QMessageBox.information(None, "未导入方案", "没有导入方案，已先载入内置示例方案（2023 年度）。"
                                "可随时用“文件 → 导入方案工作簿…”导入本市方案。")
    window = MainWindow(store, as_of)
    if choice == START_ROLLOVER:
        window.rollover()
    return window
