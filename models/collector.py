"""Python's cycle collector, kept from running over objects that are not garbage.

At start-up: loading SQLAlchemy, the ORM declarations and Qt's wrappers allocates a great many
objects that live as long as the process; collecting over them again and again while they load,
and once more at exit, costs about a quarter of a short command. So the entry point (main.py run
as a program) switches collection off before anything loads, and ``start_up_done`` moves what was
loaded out of every later collection (``gc.freeze``) and switches it back on, before any real work
and before the window waits on a person.

While a read turns thousands of rows into objects (``collector_paused``): none of them is garbage,
yet in a running window (well over a hundred thousand live objects) the collections that so many
new objects set off, full ones among them, cost about as much as the read."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def start_up_done() -> None:
    if not gc.isenabled():  # only when the entry point switched it off: main() called in-process is left alone
        gc.freeze()
        gc.enable()


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
