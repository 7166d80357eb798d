"""Internal: How many requests the process's open-file limit lets be in flight at once.

Each request on the wire holds a socket, and a connection that is being replaced holds
a second one for a moment; the rest of the run (the output, its lock, the record cache,
the event loop, a module imported on first use) needs a few more. Under a low
``ulimit -n`` a run asked for ``-j 64`` would meet "too many open files" half-way and
lose articles to it, so before the first request the soft limit is raised towards the
hard one when that is what the run needs, and when even the hard limit is too low the
requests in flight are lowered to what fits, said once on stderr.
"""

from __future__ import annotations

import logging
import os

__all__ = ["fit_concurrency", "open_file_limit"]

_log = logging.getLogger("summarizer")

#: File handles per request in flight: its socket, and one for a connection being replaced.
_PER_REQUEST = 2
#: File handles kept free for the rest of the run: modules imported on first use, the
#: cache's journal, the report file's temporary copy, name lookups.
_RESERVE = 8
#: What is assumed open when the system cannot list a process's file handles.
_ASSUMED_OPEN = 32

# (concurrency asked, soft limit) -> the lower concurrency granted: said once, not once per
# event loop (``summarize`` runs one per call).
_fitted: dict[tuple[int, int], int] = {}


def open_file_limit() -> int | None:
    """The soft limit on open files (``ulimit -n``); ``None`` when there is none to read."""
    try:
        import resource
    except ImportError:  # Windows: no such limit
        return None
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return None if soft == resource.RLIM_INFINITY else soft


def _open_now() -> int:
    """File handles this process holds now."""
    for folder in ("/proc/self/fd", "/dev/fd"):
        try:
            # Listing opens the folder itself: one handle that is not the run's.
            return max(len(os.listdir(folder)) - 1, 0)
        except OSError:
            continue
    return _ASSUMED_OPEN


def fit_concurrency(concurrency: int) -> int:
    """The requests in flight the open-file limit allows, at most ``concurrency``.

    When the soft limit is below what ``concurrency`` needs, it is raised (up to the hard
    limit, which needs no privilege); when even that is too low, the lower figure is
    returned and a warning names what to raise. Never below 1.
    """
    try:
        import resource
    except ImportError:
        return concurrency
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return concurrency
    if (concurrency, soft) in _fitted:
        return _fitted[(concurrency, soft)]
    open_now = _open_now()
    needed = open_now + _RESERVE + _PER_REQUEST * concurrency
    if needed > soft:
        raised = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        if raised > soft:
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            except (ValueError, OSError):
                raised = soft
            else:
                _log.info("raised the open-file limit from %d to %d", soft, raised)
        granted = max(1, min(concurrency, (raised - open_now - _RESERVE) // _PER_REQUEST))
        if granted < concurrency:
            _log.warning(
                "the open-file limit (ulimit -n %d) leaves room for %d request(s) in flight, "
                "not the %d asked (-j): running %d at a time; raise it to ulimit -n %d for all %d",
                raised, granted, concurrency, granted, needed, concurrency,
            )  # fmt: skip
            _fitted[(concurrency, soft)] = granted
        return granted
    return concurrency
