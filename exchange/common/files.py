"""Files that leave the office: written whole or not at all (temp file beside, then os.replace),
named from data (county, unit, period) in a way Windows accepts, at paths longer than Windows'
old 260-character limit.

A set of files that belong together (a return's workbook and PDF, the city's consolidation) is
staged first — every file written in full under a hidden temporary name — and published only
then, after the caller recorded it. The set's temporary names share a group mark that says how many
files it has: when a kill fell between the renames, ``clear_stale`` finds the group short and
finishes it (every file was whole before the first rename); else it removes what was staged."""
from __future__ import annotations

import hashlib
import ntpath
import os
import re
import secrets
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from models.errors import LedgerError
from models.store import fsync_folder


TEMP_SUFFIX = ".tmp"


@contextmanager
def _chinese_os_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except PermissionError:
        raise LedgerError(f"无法写入 {path}：没有权限，或文件正被其他程序（如 Excel、WPS）打开。") from None
    except OSError as error:
        raise LedgerError(f"无法写入 {path}：{error.strerror}") from None


_GROUP = re.compile(r"g([0-9a-f]{8})n(\d+)_")  # the set a staged file belongs to, and the set's size


def _stage(path: Path, data: bytes, group: str = "") -> Path:
    """``data`` in full, on disk, under a hidden temporary name beside ``path``."""
    os.makedirs(long_path(path.parent), exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.{group}", suffix=TEMP_SUFFIX, dir=long_path(path.parent))
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return Path(temp)


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
    with _chinese_os_errors(path):
        temp = _stage(path, data)
        try:
            os.replace(temp, long_path(path))
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    return path


def staged_target(temp: Path) -> Path:
    """The file a staged temporary file was to become (``.NAME.XXXX.tmp`` → ``NAME``)."""
    return temp.with_name(temp.name[1:-len(TEMP_SUFFIX)].rsplit(".", 1)[0])


def clear_stale(folder: Path, patterns: Iterable[str], adopt: Callable[[Path, Path], bool] | None = None) -> None:
    """Remove the temporary files a killed run left in ``folder`` for files named like ``patterns``
    (globs); one that ``adopt`` (temp, target) accepts is moved into place instead (its record was
    written before the kill)."""
    temps = {temp for pattern in patterns for temp in Path(folder).glob(f".{pattern}.*{TEMP_SUFFIX}")}
    marks = {temp: _GROUP.match(temp.name[1:-len(TEMP_SUFFIX)].rsplit(".", 1)[1]) for temp in temps}
    left = Counter(mark.group(1) for mark in marks.values() if mark)
    for temp, mark in marks.items():
        target = staged_target(temp)
        renaming = mark is not None and left[mark.group(1)] < int(mark.group(2))  # killed between the renames
        with _chinese_os_errors(target):
            if renaming or (adopt is not None and not target.exists() and adopt(temp, target)):
                os.replace(temp, target)
            else:
                temp.unlink(missing_ok=True)


def write_together(files: dict[Path, bytes], record: Callable[[], None] = lambda: None) -> list[Path]:
    """Write every file in full under a temporary name, call ``record`` (e.g. the store's
    transaction), and only then move them all into place: a failure, or a kill, before the record
    leaves none of them visible; the temporary files of a kill go with the next ``clear_stale``."""
    staged: list[tuple[Path, Path]] = []
    group = f"g{secrets.token_hex(4)}n{len(files)}_"
    try:
        for path, data in files.items():
            with _chinese_os_errors(path):
                staged.append((_stage(path, data, group), path))
        record()
    except BaseException:
        for temp, _path in staged:
            temp.unlink(missing_ok=True)
        raise
    for temp, path in staged:
        with _chinese_os_errors(path):
            os.replace(temp, path)
    fsync_folder(next(iter(files)).parent)
    return list(files)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
