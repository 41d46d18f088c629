"""A fresh process's start-up and the cyclic garbage collector.

Loading SQLAlchemy, the ORM declarations and Qt's wrappers allocates a great many objects that
live as long as the process; letting the collector run over them again and again while they load,
and once more at exit, only costs time (about a quarter of a short command). So the entry point
(main.py run as a program) switches collection off before anything loads, and ``start_up_done``
moves what was loaded out of every later collection (``gc.freeze``) and switches collection back
on, before any real work and before the window waits on a person.
"""
from __future__ import annotations

import gc


def start_up_done() -> None:
    if not gc.isenabled():  # only when the entry point switched it off: main() called in-process is left alone
        gc.freeze()
        gc.enable()
