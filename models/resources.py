"""Where the files shipped with the program are, in a source checkout and in a frozen build."""
from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    return base / "resources"


BUILTIN_PLAN = "jinhua-2023.json"


def builtin_plan_path() -> Path:
    return resources_dir() / "plans" / BUILTIN_PLAN
