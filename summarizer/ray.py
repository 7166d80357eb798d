"""Ray Data: summarise a dataset of articles on a Ray cluster (the ``[ray]`` extra).

``summarize_dataset(ray.data.read_json(...), settings)`` maps the dataset's batches
through a pool of Ray actors. Each actor holds one ``Summarizer`` (one connection, its
pooled client and the record cache) and one event loop, and runs a batch's articles
``concurrency`` at a time, as the in-process engine does (``batch.asummarize_many``).
With several ``endpoints``, each actor holds a ``Summarizer`` for each, and an article
goes to the endpoint its id hashes to: the load is spread the same way whatever the
number of actors, and a re-run sends an article where it went before (its cache key).

Rows in: ``id`` and ``text`` columns, and optionally ``date``, ``language``, ``title``,
``url`` (as in a JSONL input). Rows out: ``id``, ``record`` (the record's JSON, the same
line ``summarizer -o`` writes) and ``error``, ``error_type``, ``exit_code`` (set when the
article failed: an error row, never a failed task). Write them with Ray's own writers
(``write_json``, ``write_parquet``).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .batch import BatchResult, asummarize_many
from .cache import open_cache
from .config import Settings
from .inputs import ArticleInput
from .pipeline import Summarizer

if TYPE_CHECKING:
    import ray.data

__all__ = ["summarize_dataset"]

_COLUMNS = ("id", "record", "error", "error_type", "exit_code")


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):  # NaN from pandas
        return None
    return str(value)


class _Summarize:
    """The callable class each actor holds: one ``Summarizer``, one event loop."""

    def __init__(
        self, settings: Settings, endpoints: Sequence[str], concurrency: int, cache: bool
    ) -> None:
        every = [settings.replace(base_url=url) for url in endpoints] or [settings]
        self._summarizers = [
            Summarizer(s, cache=open_cache(s.cache_dir) if cache else None) for s in every
        ]
        self._concurrency = concurrency
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
            out["id"].append(result.id)
            out["record"].append(result.record.model_dump_json() if result.record else None)
            error = result.error
            out["error"].append(str(error) if error is not None else None)
            out["error_type"].append(type(error).__name__ if error is not None else None)
            out["exit_code"].append(error.exit_code if error is not None else 0)
        return out

    async def _run(self, inputs: list[ArticleInput]) -> list[BatchResult]:
        groups: list[list[ArticleInput]] = [[] for _ in self._summarizers]
        for item in inputs:
            digest = hashlib.sha256(item.id.encode("utf-8", "surrogatepass")).digest()
            groups[int.from_bytes(digest[:4], "big") % len(groups)].append(item)

        async def run(summarizer: Summarizer, group: list[ArticleInput]) -> list[BatchResult]:
            stream = asummarize_many(group, summarizer, concurrency=self._concurrency)
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
    concurrency: int = 16,
    batch_size: int = 64,
    cache: bool = True,
    num_cpus: float = 1.0,
) -> ray.data.Dataset:
    """The dataset of records (and error rows) for ``dataset``'s articles.

    Args:
        dataset: Rows with ``id`` and ``text`` (and optionally ``date``, ``language``,
            ``title``, ``url``).
        settings: The settings every actor works with; ``endpoints`` override its
            ``base_url``, one per actor in turn.
        endpoints: OpenAI-compatible base URLs to spread the actors across.
        actors: How many actors (each one ``Summarizer``) run at once.
        concurrency: Articles in flight inside each actor.
        batch_size: Rows handed to an actor at a time.
        cache: Use the record cache (``settings.cache_dir``) on each actor's node.
        num_cpus: CPUs Ray reserves for each actor (the work is mostly waiting for the
            model: a fraction lets more actors share a node).

    Returns:
        A lazy Ray Dataset with the columns ``id``, ``record``, ``error``,
        ``error_type``, ``exit_code``: one row per input row.
    """
    return dataset.map_batches(
        _Summarize,
        fn_constructor_kwargs={
            "settings": settings,
            "endpoints": tuple(endpoints),
            "concurrency": concurrency,
            "cache": cache,
        },
        batch_size=batch_size,
        batch_format="numpy",
        compute=_actor_pool(actors),
        zero_copy_batch=True,
        num_cpus=num_cpus,
    )


def _actor_pool(actors: int) -> Any:
    from ray.data import ActorPoolStrategy

    return ActorPoolStrategy(size=actors)
