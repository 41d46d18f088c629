"""Python's cycle collector paused while a read turns thousands of rows into objects.

None of them is garbage, yet in a running window (well over a hundred thousand live objects) the
collections that so many new objects set off, full ones among them, cost about as much as the read."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
