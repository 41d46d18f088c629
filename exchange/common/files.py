"""Writing files that leave the office: whole or not at all (temp file beside, then os.replace)."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from models.errors import LedgerError


def write_atomically(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temp file in the target folder and move it into place."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, path)
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
