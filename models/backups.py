"""Backups of a store: a consistent copy beside the file, made before a migration changes it."""
from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path


def backup_copy(db_path: Path, tag: str) -> Path:
    """A consistent copy beside the file, named with the date and why it was made."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = db_path.with_name(f"{db_path.stem}.backup-{stamp}-{tag}{db_path.suffix}")
    source = sqlite3.connect(db_path)
    try:
        dest = sqlite3.connect(target)
        with dest:
            source.backup(dest)
        dest.close()
    finally:
        source.close()
    return target
