"""Scale-out: the in-process engine against Ray Data actors, same server, same articles.

Starts the loopback OpenAI-compatible server of ``throughput.py`` in a separate process
(every chat completion answered after ``--latency`` seconds with a valid draft quoting
the article's first sentence), makes ``--articles`` distinct synthetic articles (no
record cache anywhere: nothing is a cache hit), and runs them, in the same run, through:

1. the in-process engine (``asummarize_many`` over one ``Summarizer``) at
   ``--concurrency`` C, the baseline;
2. ``summarizer.ray.summarize_dataset(ray.data.from_items(rows), settings, actors=k)``
   (``settings.concurrency`` C) for each k of ``--actors``, after ``ray.init(num_cpus=2)``.

For each it prints the wall time, articles per second, the ratio of its wall time to
the baseline's, the requests the server saw, the errors, and the CPU seconds per
article: the driver's (this process, less the meter's own thread) and, for Ray, its
worker processes' (the actors) and Ray's own daemons' (raylet, GCS, ...), read with
psutil from every descendant process before, during (sampled, so processes that exit
still count) and after the run. The loopback server's CPU is never counted.

The floor N*L/C is the ideal wall time of C articles always in flight. Each Ray actor
keeps C in flight of its own, so k actors have k*C in flight at most: their own floor,
N*L/(k*C), is shown beside it. ``ray.init`` is timed apart, and a warm-up run comes
before any clock; each Ray run still starts its own actor pool (new worker processes
that import the library), so its wall time includes that start: the ``start s`` column
is the wall time of a one-article run with the same k, a fixed cost per dataset.

Usage::

    python benchmarks/scale.py [--articles 400] [--latency 0.05] [--concurrency 16]
                               [--actors 1,2,4] [--actor-cpus 0.5]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import importlib
import multiprocessing
import os
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from throughput import _article, _free_port, _requests, _serve

#: Ray's processes take CPU too: counted as "workers" (the actors and idle pool
#: workers) when their command line is a Ray worker's, else as Ray's daemons.
_WORKER_MARKS = ("ray::", "default_worker.py")


def _psutil() -> Any:
    """psutil, or None: Ray ships its own copy, importable once ray is imported."""
    with contextlib.suppress(ImportError):
        import ray  # noqa: F401  (puts ray/thirdparty_files on sys.path)
    try:
        return importlib.import_module("psutil")
    except ImportError:
        return None


class CpuMeter:
    """CPU seconds of this process and its descendants over a span, by role.

    Polls every ``interval`` seconds, so a process that exits during the span still
    counts (up to its last sample). The meter's own thread is taken out of the driver.
    """

    def __init__(self, psutil: Any, exclude: set[int], interval: float = 0.2) -> None:
        self._psutil = psutil
        self._exclude = exclude
        self._interval = interval
        self._first: dict[tuple[int, float], float] = {}
        self._last: dict[tuple[int, float], tuple[str, float]] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._own = 0.0
        self._wall_start = 0.0
        self._process_start = 0.0

    def _role(self, process: Any) -> str:
        if process.pid == os.getpid():
            return "driver"
        try:
            line = " ".join(process.cmdline())
        except self._psutil.Error:
            line = ""
        return "workers" if any(mark in line for mark in _WORKER_MARKS) else "ray system"

    def _poll(self) -> None:
        me = self._psutil.Process()
        try:
            family = [me, *me.children(recursive=True)]
        except self._psutil.Error:
            family = [me]
        for process in family:
            if process.pid in self._exclude:
                continue
            try:
                with process.oneshot():
                    key = (process.pid, process.create_time())
                    times = process.cpu_times()
                    role = self._last[key][0] if key in self._last else self._role(process)
            except self._psutil.Error:
                continue
            self._last[key] = (role, times.user + times.system)

    def _run(self) -> None:
        started = time.thread_time()
        while not self._stop.wait(self._interval):
            self._poll()
        self._own = time.thread_time() - started

    def __enter__(self) -> CpuMeter:
        self._poll()
        self._first = {key: cpu for key, (_, cpu) in self._last.items()}
        self._process_start = time.process_time()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join()
        self._poll()

    def seconds(self) -> dict[str, float]:
        """CPU seconds by role: driver, workers, ray system."""
        out = {"driver": 0.0, "workers": 0.0, "ray system": 0.0}
        for key, (role, cpu) in self._last.items():
            out[role] += cpu - self._first.get(key, 0.0)
        # The last poll ran on this thread, outside the meter's thread: close enough.
        out["driver"] -= self._own
        return out


@dataclass
class Row:
    """One executor's figures."""

    name: str
    in_flight: int
    wall: float
    cpu: dict[str, float] | None
    requests: int
    records: int
    errors: Counter[str] = field(default_factory=Counter)
    start: float | None = None
    start_cpu: float | None = None


async def _engine(settings: Any, texts: list[str], concurrency: int) -> list[Any]:
    from summarizer import ArticleInput, Summarizer, asummarize_many

    inputs = [ArticleInput(f"a{n}", text) for n, text in enumerate(texts)]
    async with Summarizer(settings.replace(concurrency=concurrency), cache=None) as summarizer:
        return [r async for r in asummarize_many(inputs, summarizer)]


def _ray_run(
    settings: Any, texts: list[str], actors: int, concurrency: int, actor_cpus: float
) -> list[dict[str, Any]]:
    import ray.data

    from summarizer.ray import summarize_dataset

    rows = [{"id": f"a{n}", "text": text} for n, text in enumerate(texts)]
    dataset = summarize_dataset(
        ray.data.from_items(rows),
        settings.replace(concurrency=concurrency),
        actors=actors,
        cache=False,
        num_cpus=actor_cpus,
    )
    return list(dataset.take_all())


def _check(ids: list[str], got: list[tuple[str, bool, str | None]]) -> tuple[int, Counter[str]]:
    """Records and errors among ``got`` (id, has record, error), against the ids sent."""
    errors: Counter[str] = Counter()
    seen = Counter(item_id for item_id, _, _ in got)
    for item_id in ids:
        if seen[item_id] != 1:
            errors[f"row for {item_id} seen {seen[item_id]} times"] += 1
    for item_id in set(seen) - set(ids):
        errors[f"row for an id never sent: {item_id}"] += 1
    records = 0
    for _, has_record, error in got:
        if error is not None:
            errors[error] += 1
        elif not has_record:
            errors["row without record nor error"] += 1
        else:
            records += 1
    return records, errors


def _measure(
    name: str,
    in_flight: int,
    url: str,
    psutil: Any,
    exclude: set[int],
    run: Any,
) -> tuple[Row, list[Any]]:
    before = _requests(url)
    meter = CpuMeter(psutil, exclude) if psutil is not None else None
    started_cpu = time.process_time()
    with meter if meter is not None else contextlib.nullcontext():
        wall = time.perf_counter()
        out = run()
        wall = time.perf_counter() - wall
    cpu = meter.seconds() if meter is not None else {"driver": time.process_time() - started_cpu}
    return Row(name, in_flight, wall, cpu, _requests(url) - before, 0), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument("--concurrency", type=int, default=16, help="in flight per executor")
    parser.add_argument("--actors", default="1,2,4", help="comma-separated actor counts")
    parser.add_argument(
        "--actor-cpus",
        type=float,
        default=0.5,
        help="CPUs Ray reserves per actor (0.5 lets 4 actors share 2 CPUs)",
    )
    parser.add_argument("--ray-cpus", type=int, default=2, help="ray.init(num_cpus=...)")
    args = parser.parse_args()
    actor_counts = [int(k) for k in args.actors.split(",") if k.strip()]
    n, latency, c = args.articles, args.latency, args.concurrency

    context = multiprocessing.get_context("spawn")
    port, ready = _free_port(), context.Event()
    server = context.Process(target=_serve, args=(port, latency, ready), daemon=True)
    server.start()
    if not ready.wait(30):
        raise SystemExit("the loopback server did not start")
    url = f"http://127.0.0.1:{port}/v1"
    psutil = _psutil()
    # The server, and multiprocessing's resource tracker if any: not the library's CPU.
    exclude = {server.pid or -1}
    if psutil is not None:
        exclude |= {p.pid for p in psutil.Process().children(recursive=True)}

    from summarizer import Settings

    texts = [_article(i) for i in range(n)]
    ids = [f"a{i}" for i in range(n)]
    warm = [_article(10**6 + i) for i in range(8)]
    rows: list[Row] = []
    ray_init = 0.0
    load = [_load()]
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(
                base_url=url, model="bench", backend="vllm", timeout=60, cache_dir=Path(folder)
            )
            # 1. In process: warm imports, detector, parsers, then the clock.
            asyncio.run(_engine(settings, warm, 4))
            row, results = _measure(
                f"in-process engine, C={c}",
                c,
                url,
                psutil,
                exclude,
                lambda: asyncio.run(_engine(settings, texts, c)),
            )
            got = [
                (r.id, r.record is not None, None if r.error is None else str(r.error))
                for r in results
            ]
            row.records, row.errors = _check(ids, got)
            rows.append(row)
            load.append(_load())

            # 2. Ray Data.
            import ray
            import ray.data

            started = time.perf_counter()
            ray.init(num_cpus=args.ray_cpus, include_dashboard=False, log_to_driver=False)
            ray_init = time.perf_counter() - started
            ray.data.DataContext.get_current().enable_progress_bars = False
            try:
                _ray_run(settings, warm, 1, 4, args.actor_cpus)  # warm Ray Data, page cache
                for k in actor_counts:
                    start, _ = _measure(
                        "start",
                        k * c,
                        url,
                        psutil,
                        exclude,
                        functools.partial(_ray_run, settings, warm[:1], k, c, args.actor_cpus),
                    )
                    row, out = _measure(
                        f"Ray Data, {k} actor{'s' if k > 1 else ''}, C={c} each",
                        k * c,
                        url,
                        psutil,
                        exclude,
                        functools.partial(_ray_run, settings, texts, k, c, args.actor_cpus),
                    )
                    got = [(str(r["id"]), r["record"] is not None, r["error"]) for r in out]
                    row.records, row.errors = _check(ids, got)
                    row.start = start.wall
                    row.start_cpu = sum((start.cpu or {}).values())
                    rows.append(row)
            finally:
                ray.shutdown()
    finally:
        server.terminate()

    load.append(_load())
    _print(args, rows, ray_init, psutil is not None, load)


def _load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def _ms(cpu: dict[str, float] | None, role: str, n: int) -> str:
    if cpu is None or role not in cpu:
        return f"{'-':>7}"
    return f"{cpu[role] / n * 1000:7.2f}"


def _print(args: Any, rows: list[Row], ray_init: float, psutil: bool, load: list[str]) -> None:
    n, latency, c = args.articles, args.latency, args.concurrency
    floor = n * latency / c
    base = rows[0].wall
    print(
        f"scale: {n} distinct articles (no record cache), loopback server answering each "
        f"request after {latency * 1000:.0f} ms; C={c} in flight per executor (per actor for Ray)"
    )
    print(
        f"machine: {os.cpu_count()} cores; ray.init(num_cpus={args.ray_cpus}) took "
        f"{ray_init:.2f}s (not counted); {args.actor_cpus} CPU reserved per actor"
    )
    print(f"load average (1 min) at start, after the baseline, at end: {', '.join(load)}")
    print(f"floor N*L/C = {n}*{latency}/{c} = {floor:.2f}s (C articles always in flight)")
    print()
    head = (
        f"{'executor':32} {'in flight':>9} {'own floor':>9} {'wall s':>7} {'art/s':>6} "
        f"{'vs base':>7} {'vs N*L/C':>8} {'start s':>7} {'wall-start':>10} {'reqs':>5} "
        f"{'records':>7} {'errors':>6}"
    )
    print(head)
    print("-" * len(head))
    for row in rows:
        start = f"{row.start:7.2f}" if row.start is not None else f"{'-':>7}"
        rest = f"{row.wall - row.start:10.2f}" if row.start is not None else f"{'-':>10}"
        print(
            f"{row.name:32} {row.in_flight:9d} {n * latency / row.in_flight:8.2f}s "
            f"{row.wall:7.2f} {n / row.wall:6.1f} {row.wall / base:6.2f}x "
            f"{row.wall / floor:7.2f}x {start} {rest} {row.requests:5d} "
            f"{row.records:7d} {sum(row.errors.values()):6d}"
        )
    print()
    print("own floor = N*L/in flight; vs base = wall / in-process wall; vs N*L/C = wall / floor;")
    print(
        "start s = wall of a 1-article dataset with the same actors just before (the actor "
        "pool's start, paid by every dataset, included in wall s)"
    )
    print()
    if psutil:
        print(
            "CPU ms per article (psutil, this process and every descendant but the server; "
            "sampled every 0.2 s so exiting processes count):"
        )
        print(
            "  driver = this process less the meter's thread; workers = Ray worker processes "
            "(actors); ray system = raylet, GCS and Ray's other daemons"
        )
    else:
        print("CPU ms per article: psutil unavailable, driver process only (Ray's not counted)")
    head = (
        f"{'executor':32} {'driver':>7} {'workers':>7} {'ray sys':>7} {'total':>7} "
        f"{'start CPU s':>11} {'total-start':>11}"
    )
    print(head)
    print("-" * len(head))
    for row in rows:
        cpu = row.cpu or {}
        total = sum(cpu.values())
        if row.start_cpu is not None:
            start_cpu = f"{row.start_cpu:11.2f}"
            rest = f"{(total - row.start_cpu) / n * 1000:11.2f}"
        else:
            start_cpu, rest = f"{'-':>11}", f"{'-':>11}"
        print(
            f"{row.name:32} {_ms(cpu, 'driver', n)} {_ms(cpu, 'workers', n)} "
            f"{_ms(cpu, 'ray system', n)} {total / n * 1000:7.2f} {start_cpu} {rest}"
        )
    print()
    bad = [row for row in rows if row.errors or row.records != n]
    if not bad:
        print(f"every executor: {n} rows, one per article, each with a record and no error")
    for row in bad:
        print(f"{row.name}: {row.records} records of {n}; errors:")
        for message, count in row.errors.most_common(10):
            print(f"  {count:5d} x {message[:300]}")


if __name__ == "__main__":
    main()
