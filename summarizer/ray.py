"""Ray Data: summarise a dataset of articles on a Ray cluster (the ``[ray]`` extra).

``summarize_dataset(ray.data.read_json(...), settings)`` maps the dataset's batches
through a pool of Ray actors. Each actor holds one ``Summarizer`` (one connection, its
pooled client and the record cache) and one event loop, and runs a batch's articles
``settings.concurrency`` at a time, as the in-process engine does
(``batch.asummarize_many``).
With several ``endpoints``, each actor holds a ``Summarizer`` for each, and an article
goes to the endpoint its id hashes to: the load is spread the same way whatever the
number of actors, and a re-run sends an article where it went before (its cache key).

Rows in: ``id`` and ``text`` columns, and optionally ``date``, ``language``, ``title``,
``url`` (as in a JSONL input). Rows out: ``id``, ``record`` (the record's JSON, the same
line ``summarizer -o`` writes), ``cached``, and ``error``, ``error_type``, ``exit_code``
(set when the article failed: an error row, never a failed task). Write them with Ray's
own writers (``write_json``, ``write_parquet``).

``run_on_ray`` is the command line's resumable run (``runner.arun_batch``) with Ray as
the engine: the same inputs, the same JSONL sink and resume rules (articles the output
holds are skipped, each result is appended as one flushed line as it arrives), the
articles summarised by the actors.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .batch import BatchResult, Totals, asummarize_many
from .cache import open_cache
from .config import Settings
from .errors import ConfigurationError, SummarizerError, error_from_dict, error_to_dict, redact
from .exchange import first_line
from .inputs import ArticleInput
from .jsonl import dump_json
from .output import JsonlSink
from .pipeline import Summarizer
from .ray_cluster import actor_share, start_ray
from .record import ArticleSummary
from .runner import OnResult, deliver, pending
from .usage import Usage

if TYPE_CHECKING:
    import ray.data

__all__ = ["ACTOR_RESTARTS", "run_on_ray", "summarize_dataset"]

#: How often a dead actor is started again, and its batch retried, before the run stops.
ACTOR_RESTARTS = 3
_COLUMNS = (
    "id", "record", "cached", "error", "error_type", "exit_code", "prompt_tokens",
    "completion_tokens",
)  # fmt: skip


def _text(value: Any) -> str | None:
    # A column of nulls reaches a batch as NaN (numpy float32 or Python float), not None.
    if value is None or (not isinstance(value, (str, bytes)) and value != value):
        return None
    return str(value)


class _Summarize:
    """The callable class each actor holds: one ``Summarizer``, one event loop."""

    def __init__(self, settings: Settings, endpoints: Sequence[str], cache: bool) -> None:
        every = [settings.replace(base_url=url) for url in endpoints] or [settings]
        self._summarizers = [
            Summarizer(s, cache=open_cache(s.cache_dir) if cache else None) for s in every
        ]
        self._loop = asyncio.new_event_loop()

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        n = len(batch["id"])

        def column(name: str) -> list[str | None]:
            values = batch.get(name)
            return [None] * n if values is None else [_text(v) for v in values]

        dates, languages, titles, urls = (column(c) for c in ("date", "language", "title", "url"))
        inputs = [
            ArticleInput(
                str(batch["id"][i]),
                str(batch["text"][i]),
                date=dates[i],
                language=languages[i],
                title=titles[i],
                url=urls[i],
            )
            for i in range(n)
        ]
        results = self._loop.run_until_complete(self._run(inputs))
        order = {item.id: i for i, item in enumerate(inputs)}
        results.sort(key=lambda result: order[result.id])
        out: dict[str, list[Any]] = {name: [] for name in _COLUMNS}
        for result in results:
            for name, value in _columns(result).items():
                out[name].append(value)
        return out

    async def _run(self, inputs: list[ArticleInput]) -> list[BatchResult]:
        groups: list[list[ArticleInput]] = [[] for _ in self._summarizers]
        for item in inputs:
            digest = hashlib.sha256(item.id.encode("utf-8", "surrogatepass")).digest()
            groups[int.from_bytes(digest[:4], "big") % len(groups)].append(item)

        async def run(summarizer: Summarizer, group: list[ArticleInput]) -> list[BatchResult]:
            stream = asummarize_many(group, summarizer)
            return [result async for result in stream]

        done = await asyncio.gather(
            *(run(s, g) for s, g in zip(self._summarizers, groups, strict=True) if g)
        )
        return [result for results in done for result in results]

    def __del__(self) -> None:
        try:
            for summarizer in self._summarizers:
                self._loop.run_until_complete(summarizer.aclose())
            self._loop.close()
        except Exception:  # an actor going away must not raise
            pass


def summarize_dataset(
    dataset: ray.data.Dataset,
    settings: Settings,
    *,
    endpoints: Sequence[str] = (),
    actors: int = 1,
    batch_size: int = 64,
    cache: bool = True,
    num_cpus: float = 1.0,
) -> ray.data.Dataset:
    """The dataset of records (and error rows) for ``dataset``'s articles.

    Args:
        dataset: Rows with ``id`` and ``text`` (and optionally ``date``, ``language``,
            ``title``, ``url``).
        settings: The settings every actor works with (``concurrency``: articles in
            flight per endpoint inside each actor); with ``endpoints``, one copy of them
            per endpoint, its ``base_url`` replaced.
        endpoints: OpenAI-compatible base URLs; every actor holds a ``Summarizer`` for
            each, and an article goes to the one its id hashes to.
        actors: How many actors run at once (Ray starts only as many as the
            cluster's CPUs allow at ``num_cpus`` each; the rest wait).
        batch_size: Rows handed to an actor at a time (one batch at a time per actor:
            fewer rows than ``actors * batch_size`` leave some actors idle).
        cache: Use the record cache (``settings.cache_dir``) on each actor's node.
        num_cpus: CPUs Ray reserves for each actor (the work is mostly waiting for the
            model: a fraction lets more actors share a node).

    Returns:
        A lazy Ray Dataset with the columns ``id``, ``record``, ``cached``, ``error``,
        ``error_type``, ``exit_code``: one row per input row.
    """
    with warnings.catch_warnings():
        # Ray 2.60 names no parameter for an actor's restarts, and calls passing them
        # by keyword deprecated: a warning the user can do nothing about.
        warnings.simplefilter("ignore", DeprecationWarning)
        return dataset.map_batches(
            _Summarize,
            fn_constructor_kwargs={
                "settings": settings,
                "endpoints": tuple(endpoints),
                "cache": cache,
            },
            batch_size=batch_size,
            batch_format="numpy",
            compute=_actor_pool(actors),
            zero_copy_batch=True,
            num_cpus=num_cpus,
            **_restart_limits(),
        )


def _restart_limits() -> dict[str, Any]:
    """How often Ray Data may restart a dead actor and retry its batch, where this Ray
    takes it: by default it does so without end, and an article that kills its actor
    each time (a crash in native code, the memory killer) would hold the run forever."""
    from ray.data import Dataset

    parameters = inspect.signature(Dataset.map_batches).parameters
    if "max_restarts" in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
        return {"max_restarts": ACTOR_RESTARTS, "max_task_retries": ACTOR_RESTARTS}
    return {}


def _actor_pool(actors: int) -> Any:
    from ray.data import ActorPoolStrategy

    return ActorPoolStrategy(size=actors)


def _row(item: ArticleInput) -> dict[str, Any]:
    date = item.date if item.date is None or isinstance(item.date, str) else item.date.isoformat()
    return {
        "id": item.id, "text": item.text, "date": date, "language": item.language,
        "title": item.title, "url": item.url,
    }  # fmt: skip


def _columns(result: BatchResult) -> dict[str, Any]:
    """The output row of ``result``, column by column (``_result`` reads it back)."""
    error = None if result.error is None else error_to_dict(result.error)
    prompt, completion = result.tokens
    return {
        "id": result.id,
        "record": dump_json(result.record) if result.record else None,
        "cached": result.cached,
        "error": None if error is None else error["message"],
        "error_type": None if error is None else error["type"],
        "exit_code": 0 if error is None else error["exit_code"],
        **Usage(prompt_tokens=prompt, completion_tokens=completion).to_dict(calls=False),
    }


def _result(row: dict[str, Any]) -> BatchResult:
    """The ``BatchResult`` an output row stands for (an error keeps its kind and exit code)."""
    if row["error"] is None:
        record = ArticleSummary.model_validate_json(row["record"])
        return BatchResult(row["id"], record=record, cached=bool(row["cached"]))
    error = error_from_dict(
        {"type": row["error_type"], "message": row["error"], "exit_code": row["exit_code"]},
        usage=Usage.from_dict(row),
    )
    return BatchResult(row["id"], error=error)


def run_on_ray(
    inputs: Sequence[ArticleInput],
    summarizer: Summarizer,
    *,
    sink: JsonlSink | None = None,
    on_result: OnResult | None = None,
    endpoints: Sequence[str] = (),
    actors: int = 1,
    cache: bool = True,
) -> Totals:
    """Summarise the ``inputs`` that ``sink`` does not hold yet on Ray, appending each result.

    Ray is started here (``ray_cluster.start_ray``: a local instance, or the cluster
    that ``RAY_ADDRESS`` names, joined within a deadline) unless it already runs, before
    anything is written. Unreadable inputs become error results without being sent; the
    endpoint is checked before Ray starts. Error results carry their kind, message, exit
    code and the tokens the failed article spent. Results come back a batch at a time (at
    most ``settings.concurrency`` articles a batch), and each is appended as soon as its
    batch is back.

    Args:
        inputs: The articles, as ``read_inputs`` gives them.
        summarizer: Its settings are the actors' (``concurrency``: articles in flight
            per actor); its endpoint is the one checked (and
            so the one whose prices ``console.report_totals`` applies), unless
            ``endpoints`` are given. Nothing is sent through it.
        sink: The JSONL output that makes the run resumable.
        on_result: Called with each result as it comes, and the totals so far.
        endpoints: Base URLs to spread the articles over (see ``summarize_dataset``).
        actors: Actors at once: at most one per CPU of the cluster (more are cut down
            to that, with a warning, before any starts).
        cache: Use the record cache on each actor's node.

    Raises:
        ConfigurationError: No endpoint is given (the embedded model runs in process
            only), Ray is not installed, or the cluster ``RAY_ADDRESS`` names cannot be
            joined (a ``ray://`` address, or no answer within the deadline).
    """
    settings = summarizer.settings
    if not (settings.endpoint_configured or endpoints):
        raise ConfigurationError(
            "the Ray engine needs an endpoint (base_url or api_key): the embedded model "
            "runs in process only"
        )
    try:
        import ray
    except ImportError as exc:
        raise ConfigurationError("the Ray engine needs Ray: pip install 'summarizer[ray]'") from exc
    todo, totals = pending(inputs, sink)
    readable = [_row(item) for item in todo if item.error is None]
    if readable:
        # Starts nothing, sends nothing.
        for url in endpoints:
            with Summarizer(settings.replace(base_url=url), cache=None) as checked:
                checked.preflight()
        if not endpoints:
            summarizer.preflight()
        # Before anything is written: a cluster that cannot be joined stops the run whole.
        start_ray(settings.timeout)
    for item in todo:
        if item.error is not None:
            deliver(BatchResult(item.id, error=item.error), totals, sink, on_result)
    if not readable:
        return totals
    # Before any actor starts: no more actors than the cluster has CPUs, nor than there
    # are articles (Ray warns of an actor that would get none).
    actors, num_cpus = actor_share(actors)
    actors = min(actors, len(readable))
    # Batches of at most ``concurrency`` articles spread the work over the actors and
    # bring results back (to be saved) as they are done, not when a large batch ends.
    dataset = summarize_dataset(
        ray.data.from_items(readable),
        settings,
        endpoints=endpoints,
        actors=actors,
        batch_size=max(1, min(settings.concurrency, -(-len(readable) // actors))),
        cache=cache,
        num_cpus=num_cpus,
    )
    try:
        for row in dataset.iter_rows():
            deliver(_result(dict(row)), totals, sink, on_result)
    except SummarizerError:
        raise
    except Exception as exc:  # Ray's own: an actor that kept dying, a node lost
        saved = totals.done + totals.failed
        raise SummarizerError(
            f"the Ray run stopped: {type(exc).__name__}: {redact(first_line(exc))}; the {saved} "
            "article(s) finished are saved: rerun the same command to resume"
        ) from exc
    return totals
