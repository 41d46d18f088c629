"""Starting the window: excepthook, store (opened and migrated before any widget exists),
QApplication, translations, fonts and style, first-run profile, main window."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from models.errors import LedgerError
from models.logs import log_exception
from models.resources import resources_dir
from models.plan_loader import ensure_plan
from models.office_profile import office_profile
from models.store import APP_NAME, Store, default_db_path, store_file_exists

UI_FONTS = ["Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC",
            "WenQuanYi Micro Hei", "Source Han Sans SC", "SimSun"]


def _install_excepthook() -> None:
    def hook(kind, value, tb) -> None:
        path = log_exception("界面操作", value)
        QMessageBox.critical(None, "程序错误", f"操作未完成：{value}\n\n详细信息已写入 {path}。已保存的数据不受影响。")

    sys.excepthook = hook


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName("改革台账")
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "app.svg")))
    translator = QTranslator(app)
    if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_",
                       QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)  # Qt's own buttons (OK, Cancel, …) in Chinese
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
    try:
        store = Store(path, create=True).open()
        ensure_plan(store)
    except LedgerError as error:
        QMessageBox.critical(None, "无法打开台账", str(error))
        return 2
    from ui.main_window import MainWindow
    from ui.office_dialog import OfficeDialog

    try:
        if not office_profile(store).is_set_up:
            OfficeDialog(store, first_run=True).exec()
        window = MainWindow(store, as_of)
        window.show()
        return app.exec()
    finally:
        store.close()
