"""Long articles: parts of whole sentences, read concurrently, merged into one record.

The server here is a routed ``FaultServer``: it reads the numbered sentences of each
prompt and answers with a draft written by the test for exactly those sentences (one
actor per named person, one event per sentence), so what the program keeps, merges
and marks partial can be checked item by item. Nothing here is a recording.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from summarizer import Summarizer, load_article
from summarizer.cache import Cache
from summarizer.chunking import plan_chunks
from summarizer.cli import cli
from summarizer.errors import PARTIAL_EXIT_CODE, TokenBudgetError
from summarizer.exchange import plan

from .fault_server import FaultServer
from .long_articles import LONG, NAMED, SURNAMES, TEXT, long_settings, oracle_draft, part_of

pytestmark = [
    pytest.mark.block_network(allowed_hosts=["127.0.0.1"]),
    pytest.mark.usefixtures("quick_retries"),
]


def test_parts_cover_every_sentence_in_order_with_a_small_overlap() -> None:
    article = load_article(TEXT)
    chunks = plan_chunks(article, 150)
    assert len(chunks) >= 3
    assert [c.index for c in chunks] == list(range(1, len(chunks) + 1))
    assert chunks[0].first == 1
    assert chunks[-1].last == len(article.sentences)
    for before, after in itertools.pairwise(chunks):
        assert after.own == before.last + 1, "owned sentences follow each other, none skipped"
        assert 1 <= after.own - after.first <= 2, "each part rereads one or two sentences"
    for chunk in chunks:
        read = sum(len(s.text) // 3 + 4 for s in chunk.sentences(article))
        assert read <= 150


def test_an_article_that_fits_is_one_part_and_a_sentence_is_never_cut() -> None:
    assert len(plan_chunks(load_article("A short report. It has two sentences."), 150)) == 1
    long_sentence = "The minister said " + "that the talks would go on, " * 40 + "and left."
    article = load_article(f"It began. {long_sentence} It ended.")
    chunks = plan_chunks(article, 100)
    assert [c.sentences(article)[-1].text for c in chunks][1].endswith("and left.")
    assert all(c.sentences(article) for c in chunks)


def test_a_long_article_is_read_in_parts_and_merged_into_one_record() -> None:
    with FaultServer(["ok"], route=lambda body: ("ok", oracle_draft(body))) as server:
        with Summarizer(long_settings(server)) as summarizer:
            record = summarizer.summarize(LONG)
        requests = server.requests
    article = load_article(TEXT)
    chunks = record.quality.chunks
    assert len(chunks) >= 3
    assert len(requests) == len(chunks)
    assert [(c.first_sentence, c.last_sentence) for c in chunks] == [
        (c.first, c.last) for c in plan(article, long_settings(server)).chunks
    ]
    # One event per sentence, the overlap zone's included once.
    assert sorted(e.evidence[0].sentence for e in record.events) == NAMED
    assert record.quality.duplicates == sum(
        c.own - c.first for c in plan(article, long_settings(server)).chunks
    )
    # Offsets index the whole text, whichever part found the item.
    for event in record.events:
        evidence = event.evidence[0]
        assert evidence.grounded
        assert record.text[evidence.start : evidence.end] == evidence.quote
    # "Anna Alvarez" of part 1 and "Alvarez" of a later part are one actor.
    names = [a.name for a in record.actors]
    assert len(names) == len(set(names)) == len(SURNAMES)
    alvarez = next(a for a in record.actors if a.name == "Anna Alvarez")
    assert {m.text for m in alvarez.mentions} == {"Anna Alvarez", "Alvarez"}
    later = [e for e in record.events if e.description.startswith("Later, Alvarez")]
    assert later
    assert all(e.agents == [alvarez.id] for e in later)
    assert not record.quality.partial
    assert record.quality.attempts == len(requests)
    assert record.quality.prompt_tokens == sum(c.prompt_tokens for c in chunks)


def test_a_part_that_fails_leaves_a_partial_record_with_the_others_intact(
    tmp_path: Path,
) -> None:
    def route(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return ("status:500" if part_of(body) == 2 else "ok"), oracle_draft(body)

    with FaultServer(["ok"], route=route) as server:
        settings = long_settings(server)
        with Summarizer(settings) as summarizer:
            record = summarizer.summarize(LONG)
    article = load_article(TEXT)
    chunks = plan(article, settings).chunks
    second, third = chunks[1], chunks[2]
    quality = record.quality
    assert quality.partial
    assert [(u.first_sentence, u.last_sentence) for u in quality.unread] == [
        (second.own, third.first - 1)
    ], "the failed part's sentences, less those its neighbours read"
    assert "HTTP 500" in quality.unread[0].reason
    assert "part 2 of" in quality.unread[0].reason
    assert quality.chunks[1].error is not None
    assert quality.chunks[1].passes == 0
    assert quality.chunks[1].attempts == settings.max_attempts
    read = {e.evidence[0].sentence for e in record.events}
    unread = set(range(second.own, third.first))
    assert read == set(NAMED) - unread
    assert any("not read: sentences" in w for w in quality.warnings)

    # The command line keeps the record, says it is partial, and exits 8; a rerun with
    # --retry-failed redoes it, asking only for the part that was not read.
    source = tmp_path / "long.txt"
    source.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    command = [
        "run", str(source), "-o", str(out), "--cache-dir", str(tmp_path / "cache"),
        "--language", "en", "--model", "m", "--backend", "vllm", "--chunk-tokens", "150",
    ]  # fmt: skip
    down = {"part": 2}

    def healing(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return ("status:500" if part_of(body) == down["part"] else "ok"), oracle_draft(body)

    with FaultServer(["ok"], route=healing) as server:
        result = CliRunner().invoke(cli, [*command, "--base-url", server.url])
        assert result.exit_code == PARTIAL_EXIT_CODE, result.output
        assert "partial record, sentences" in result.stderr
        assert '"partial":true' in out.read_text(encoding="utf-8")
        down["part"] = 0
        server.requests.clear()
        again = CliRunner().invoke(cli, [*command, "--base-url", server.url])
        assert again.exit_code == 0
        assert server.requests == [], "without --retry-failed the partial record stands"
        redone = CliRunner().invoke(cli, [*command, "--base-url", server.url, "--retry-failed"])
        asked = [part_of(b) for b in server.requests]
    assert redone.exit_code == 0, redone.output
    assert asked == [2]
    (line,) = out.read_text(encoding="utf-8").splitlines()
    assert '"partial":false' in line


@pytest.mark.parametrize("failed", [2, 1])
def test_a_rerun_with_the_cache_asks_only_for_the_parts_not_answered(
    tmp_path: Path, failed: int
) -> None:
    """Part 1 failing too: the later parts' answers, made without its actors, still stand."""
    failing = {"on": True}

    def route(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        down = failing["on"] and part_of(body) == failed
        return ("status:503" if down else "ok"), oracle_draft(body)

    with FaultServer(["ok"], route=route) as server, Cache(tmp_path) as cache:
        settings = long_settings(server)
        with Summarizer(settings, cache=cache) as summarizer:
            first = summarizer.summarize(LONG)
        sent_first = len(server.requests)
        failing["on"] = False
        with Summarizer(settings, cache=cache) as summarizer:
            second = summarizer.summarize(LONG)
        again = server.requests[sent_first:]
        with Summarizer(settings, cache=cache) as summarizer:
            third, cached = summarizer_cached(summarizer)
    assert first.quality.partial
    assert not second.quality.partial
    assert [part_of(b) for b in again] == [failed], "only the failed part is asked again"
    assert [c.cached for c in second.quality.chunks] == [
        0 if c.index == failed else 1 for c in second.quality.chunks
    ]
    assert len(second.events) == len(NAMED)
    assert cached
    assert third == second.model_copy(update={"id": "long"})


def summarizer_cached(summarizer: Summarizer) -> tuple[Any, bool]:
    import asyncio

    async def once() -> tuple[Any, bool]:
        try:
            return await summarizer.asummarize_cached(LONG)
        finally:
            await summarizer.connection.close_client()

    return asyncio.run(once())


def test_parts_share_the_runs_limit_on_requests_in_flight() -> None:
    route = lambda body: ("ok:0.15", oracle_draft(body))  # noqa: E731
    with FaultServer(["ok"], route=route) as server:
        summarizer = Summarizer(long_settings(server, concurrency=2))
        record = summarizer.summarize(LONG)
    assert len(record.quality.chunks) >= 3
    assert server.max_in_flight == 2


def test_the_token_budget_stops_cleanly_with_a_partial_record() -> None:
    with FaultServer(["ok"], route=lambda body: ("ok", oracle_draft(body))) as server:
        with Summarizer(long_settings(server)) as summarizer:
            full = summarizer.summarize(LONG)
        needed = max(
            sum(len(m["content"]) // 3 + 1 for m in body["messages"]) for body in server.requests
        )
        charged = 150  # what the server says each answer cost
        limit = needed + 2 * charged
        server.requests.clear()
        with Summarizer(long_settings(server, max_tokens_per_article=limit, concurrency=1)) as s:
            record = s.summarize(LONG)
        sent = len(server.requests)
        server.requests.clear()
        with Summarizer(long_settings(server, max_tokens_per_article=limit, concurrency=8)) as s:
            at_once = s.summarize(LONG)
        assert len(server.requests) == sent, "requests in flight at once do not overshoot"
        assert at_once.quality.prompt_tokens + at_once.quality.completion_tokens <= limit
        with (
            Summarizer(long_settings(server, max_tokens_per_article=10, concurrency=1)) as s,
            pytest.raises(TokenBudgetError) as raised,
        ):
            s.summarize(LONG)
        assert len(server.requests) == sent, "a budget too small for one request sends none"
    quality = record.quality
    assert sent == 3, "requests go out while what is spent leaves room for one more prompt"
    assert quality.prompt_tokens + quality.completion_tokens == sent * charged <= limit
    assert quality.partial
    assert [c.passes for c in quality.chunks][:3] == [1, 1, 1]
    assert quality.unread[0].first_sentence == quality.chunks[2].last_sentence + 1
    assert quality.unread[-1].last_sentence == quality.chunks[-1].last_sentence
    assert "token budget of" in quality.unread[-1].reason
    assert len(full.quality.chunks) > sent
    assert raised.value.exit_code == PARTIAL_EXIT_CODE


def test_a_part_waiting_to_retry_leaves_its_call_slot_to_the_others() -> None:
    tried: dict[int, int] = {}

    def route(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        part = part_of(body)
        tried[part] = tried.get(part, 0) + 1
        failing = part == 2 and tried[part] == 1
        return ("status:500" if failing else "ok"), oracle_draft(body)

    with FaultServer(["ok"], route=route) as server:
        with Summarizer(long_settings(server, concurrency=1)) as summarizer:
            record = summarizer.summarize(LONG)
        asked = [part_of(b) for b in server.requests]
    assert not record.quality.partial
    assert server.max_in_flight == 1
    # Part 2 fails and backs off; part 3, of the same wave, is sent in the meantime.
    assert asked[:4] == [1, 2, 3, 2]


def test_a_failure_beside_a_partial_record_gives_the_failures_exit_code(tmp_path: Path) -> None:
    from summarizer.errors import combined_exit_code

    assert combined_exit_code([]) == 0
    assert combined_exit_code([PARTIAL_EXIT_CODE]) == PARTIAL_EXIT_CODE
    assert combined_exit_code([PARTIAL_EXIT_CODE, 5]) == 5, "a failure outranks a partial"
    assert combined_exit_code([PARTIAL_EXIT_CODE, 5, 6]) == 1, "failures of two kinds"

    long = tmp_path / "long.txt"
    long.write_text(TEXT, encoding="utf-8")
    short = tmp_path / "short.txt"
    short.write_text("Brief notice\n\nThe harbour closed for a day.\n", encoding="utf-8")

    def route(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        down = "Brief notice" in str(body) or part_of(body) == 2
        return ("status:500" if down else "ok"), oracle_draft(body)

    with FaultServer(["ok"], route=route) as server:
        result = CliRunner().invoke(cli, [
            "run", str(long), str(short), "-o", str(tmp_path / "out.jsonl"), "--no-cache",
            "--language", "en", "--model", "m", "--backend", "vllm", "--chunk-tokens", "150",
            "--max-attempts", "1", "--base-url", server.url,
        ])  # fmt: skip
    assert result.exit_code == 5, result.output
    assert "partial record" in result.stderr
