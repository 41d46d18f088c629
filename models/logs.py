"""The program's log file, in the user log folder, for failures the user cannot act on."""
from __future__ import annotations

import logging
import traceback
from pathlib import Path

import platformdirs

from models.store_path import APP_NAME


def log_path() -> Path:
    folder = Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "ledger.log"


def get_logger() -> logging.Logger:
    logger = logging.getLogger("ledger")
    if not logger.handlers:
        handler = logging.FileHandler(log_path(), encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    return logger


def log_exception(context: str, exc_info: BaseException | None = None) -> Path:
    text = "".join(traceback.format_exception(exc_info)) if exc_info else traceback.format_exc()
    get_logger().error("%s 失败：\n%s", context, text)
    return log_path()
