"""A process's peak resident memory, for the benchmarks and the hostile-file matrix (not collected
by pytest)."""
from __future__ import annotations

from pathlib import Path


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM starts afresh at exec; ru_maxrss would
    carry the peak of the process that started this one (a test run of 500 MB)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource  # not on Windows; macOS and the BSDs have no /proc

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
