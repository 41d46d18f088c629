"""Files that leave the office: written whole or not at all (temp file beside, then os.replace),
named from data (county, unit, period) in a way Windows accepts, at paths longer than Windows'
old 260-character limit."""
from __future__ import annotations

import hashlib
import ntpath
import os
import re
import tempfile
from pathlib import Path

from models.errors import LedgerError


# What Windows refuses in a file name (and control characters); whitespace too, so that a name
# needs no quoting on a command line. A run of them, with the underscores around it, becomes one _.
_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\s_]+')
_DEVICE_NAMES = re.compile(r"(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?", re.IGNORECASE)
# ext4 and most Linux file systems allow 255 bytes per name (85 Chinese characters); the rest is
# left for a suffix and write_atomically's temp name.
_NAME_BYTES = 200
# Windows refuses a folder path of 248 characters or more (a file path of 260) unless it is
# written in the \\?\ form, whatever the long-paths setting of the machine.
_WINDOWS_SHORT_PATH = 248


def safe_file_name(text: str, fallback: str = "未命名") -> str:
    r"""``text`` as a file name (without suffix) that Windows, macOS and Linux all accept: the
    characters Windows forbids (\ / : * ? " < > |), control characters and whitespace become
    ``_``; no leading or trailing dot or space; no device name (CON, NUL, COM1 …); at most 200
    bytes in UTF-8."""
    name = _FORBIDDEN.sub("_", text).strip(" ._")
    while len(name.encode("utf-8")) > _NAME_BYTES:
        name = name[:-1]
    name = name.rstrip(" .")
    if _DEVICE_NAMES.fullmatch(name):
        name = f"_{name}"
    return name or fallback


def long_path(path: str | Path, windows: bool = os.name == "nt") -> str:
    r"""The path as the operating system's file functions take it: on Windows an absolute path of
    248 characters or more gets the ``\\?\`` prefix (``\\?\UNC\`` on a network share)."""
    if not windows:
        return str(path)
    text = ntpath.abspath(str(path))
    if len(text) < _WINDOWS_SHORT_PATH or text.startswith("\\\\?\\"):
        return text
    if text.startswith("\\\\"):
        return "\\\\?\\UNC\\" + text[2:]
    return "\\\\?\\" + text


def write_atomically(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temp file in the target folder and move it into place."""
    path = Path(path)
    folder = long_path(path.parent)
    try:
        os.makedirs(folder, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, os.path.join(folder, path.name))
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except PermissionError:
        raise LedgerError(f"无法写入 {path}：没有权限，或文件正被其他程序（如 Excel、WPS）打开。") from None
    except OSError as error:
        raise LedgerError(f"无法写入 {path}：{error.strerror}") from None
    return path


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
