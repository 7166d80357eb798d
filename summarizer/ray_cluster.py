"""Internal: Starting Ray for a command-line run: bounded in time, quiet unless asked.

``start_ray`` joins the cluster ``RAY_ADDRESS`` names (``host:port`` of its GCS, or
``auto``) or starts a local instance. Joining is bounded: the address is first probed
with a TCP connection, then ``ray.init`` runs with a deadline, so a closed port, an
unknown or unreachable host, or a port where no Ray listens is a configuration error
within ``CONNECT_SECONDS`` (or the run's ``Settings.timeout``, when shorter) instead of
a wait without end. ``ray://`` addresses (Ray Client) are refused: the run needs Ray
Data on the driver, so it is run on a node of the cluster (or with ``ray job submit``).

Ray's own logs (its banner, Ray Data's progress and execution lines, its C++
components' warnings and errors) stay out of the terminal; they are in the session's
log folder (``/tmp/ray/session_latest/logs``). ``SUMMARIZER_RAY_LOGS=1`` leaves Ray's
logging as Ray sets it, and passes the actors' output to the terminal too.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from .errors import ConfigurationError, SummarizerError, redact

__all__ = ["CONNECT_SECONDS", "actor_share", "ray_logs_shown", "start_ray"]

_log = logging.getLogger("summarizer")

#: The longest a run waits to join an existing cluster (``Settings.timeout`` when shorter).
CONNECT_SECONDS = 30.0

#: Set to 1 to see Ray's own logs and the actors' output in the terminal.
_LOGS_VARIABLE = "SUMMARIZER_RAY_LOGS"


def ray_logs_shown() -> bool:
    """Whether Ray's own logs were asked for (``SUMMARIZER_RAY_LOGS=1``)."""
    return os.environ.get(_LOGS_VARIABLE, "").strip().lower() in ("1", "true", "yes", "on")


def start_ray(timeout: float) -> None:
    """Join the cluster ``RAY_ADDRESS`` names, or start a local Ray, unless Ray runs.

    Args:
        timeout: The run's ``Settings.timeout``: joining a cluster takes at most this
            or ``CONNECT_SECONDS``, whichever is shorter.

    Raises:
        ConfigurationError: ``RAY_ADDRESS`` is a ``ray://`` address, or no cluster
            answers at it within the deadline.
        SummarizerError: A local Ray instance could not be started.
    """
    import ray

    if ray.is_initialized():
        return
    address = os.environ.get("RAY_ADDRESS", "").strip()
    shown = _shown(address)
    if address.lower().startswith("ray://"):
        raise ConfigurationError(
            f"RAY_ADDRESS {shown}: ray:// addresses (Ray Client) are not supported; run on "
            "a node of the cluster with RAY_ADDRESS=auto or its GCS host:port, or submit "
            "the command with 'ray job submit'"
        )
    verbose = ray_logs_shown()
    options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": verbose}
    if not verbose:
        _quiet_ray_logging()
        options["logging_level"] = logging.ERROR
    if address.lower() in ("", "local"):
        # A local instance is started in this thread: the processes it starts end with
        # the thread that started them.
        try:
            with _stderr_silenced(not verbose):
                ray.init(**options)
        except Exception as exc:
            raise SummarizerError(f"could not start a local Ray instance: {_first(exc)}") from exc
        return
    deadline = min(timeout, CONNECT_SECONDS)
    if address.lower() != "auto":
        _probe(address, shown, deadline)
    with _stderr_silenced(not verbose):
        failed = _within(deadline, lambda: ray.init(**options))
    if failed is not None:
        raise ConfigurationError(f"RAY_ADDRESS {shown}: could not join the Ray cluster: {failed}")


def actor_share(actors: int) -> tuple[int, float]:
    """How many of ``actors`` the running cluster takes, and the CPUs each reserves.

    Each actor is a worker process with its own interpreter, client and event loop (some
    400 MB): at most one per CPU of the cluster runs. More are cut down to that, with a
    warning, before any starts.
    """
    import ray

    cpus = float(ray.cluster_resources().get("CPU", 1.0))  # type: ignore[no-untyped-call]
    usable = max(1, int(cpus))
    if actors > usable:
        _log.warning(
            "%d actors asked for, but the Ray cluster has %g CPUs: %d run, one per CPU",
            actors, cpus, usable,
        )  # fmt: skip
        actors = usable
    # A cluster of less than one CPU still runs one actor, on what it has.
    return actors, min(1.0, cpus / actors)


def _shown(address: str) -> str:
    """``address`` as an error line may show it: without credentials."""
    text = redact(address)
    # A bare host:port has no scheme for ``redact`` to find its user:password@ by.
    return text if "://" in text else text.rpartition("@")[2]


def _probe(address: str, shown: str, deadline: float) -> None:
    """Check that something accepts connections at ``address`` (the GCS's host:port)."""
    parts = urlsplit(f"//{address.rpartition('@')[2]}")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host, port = None, None
    if not host or port is None:
        raise ConfigurationError(
            f"RAY_ADDRESS {shown}: not a Ray address (host:port of the cluster's GCS, or auto)"
        )

    def connect() -> None:
        socket.create_connection((host, port), timeout=deadline).close()

    # Resolving the name cannot be given a timeout: it runs in a thread that is waited
    # for no longer than the deadline.
    failed = _within(deadline, connect)
    if failed is not None:
        raise ConfigurationError(f"RAY_ADDRESS {shown}: no Ray cluster answers there ({failed})")


def _within(seconds: float, call: Callable[[], object]) -> str | None:
    """Run ``call`` in a thread for at most ``seconds``; why it failed, or None."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
        except BaseException as exc:  # reported to the waiting thread
            outcome.append(exc)
        else:
            outcome.append(None)

    worker = threading.Thread(target=run, name="summarizer-ray-connect", daemon=True)
    worker.start()
    worker.join(seconds)
    if not outcome:
        return f"no answer within {seconds:g} s"
    return None if outcome[0] is None else _first(outcome[0])


def _first(exc: BaseException) -> str:
    """The first line of ``exc``'s message, credentials taken out."""
    lines = str(exc).strip().splitlines()
    return redact(lines[0] if lines else type(exc).__name__)


def _quiet_ray_logging() -> None:
    """Keep Ray Data's log lines and progress bars out of the terminal (its log files
    keep them)."""
    import ray.data

    data = logging.getLogger("ray.data")
    for handler in list(data.handlers):
        if handler.name == "console":
            data.removeHandler(handler)
    ray.data.DataContext.get_current().enable_progress_bars = False
    # Ray's C++ components (this process's own included) write warnings and errors to
    # stderr: actors built by Ray Data always draw one. Only fatal ones are shown, whatever
    # level the environment sets for other uses of Ray: SUMMARIZER_RAY_LOGS=1 is what
    # shows Ray's logs in a run, and leaves this variable as it is.
    os.environ["RAY_BACKEND_LOG_LEVEL"] = "fatal"


@contextlib.contextmanager
def _stderr_silenced(silenced: bool) -> Iterator[None]:
    """Send what is written to file descriptor 2 nowhere for the block's duration: Ray's
    C++ logging says that its level was set from the environment as it starts."""
    if not silenced:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as nowhere:
            os.dup2(nowhere.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
