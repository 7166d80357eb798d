"""HTTP faults of the model server: status codes, hangs, resets, trickled bytes, rate limits
and 200 answers that are no chat completion.

Each test states the fault and pins the outcome, and records both through the ``report``
fixture for the README's fault table (``scripts/fault_table.py``).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarizer import (
    EndpointTimeoutError,
    EndpointUnreachableError,
    ModelOutputError,
    RateLimitError,
    ServerError,
    SummarizerError,
    UnexpectedResponseError,
)
from summarizer.cli import cli

from .fault_server import FaultServer
from .helpers import ANSWER, ARTICLE, numbered, run_cli, summarize

pytestmark = [
    pytest.mark.block_network(allowed_hosts=["127.0.0.1"]),
    pytest.mark.usefixtures("quick_retries"),
]


@pytest.mark.parametrize(
    ("script", "case"),
    [
        (["status:429", "ok"], "HTTP 429 with Retry-After, then an answer"),
        (["status:500", "ok"], "HTTP 500, then an answer"),
        (["status:502", "status:503", "ok"], "HTTP 502 then 503, then an answer"),
        (["hang", "ok"], "no answer within the timeout, then an answer"),
        (["reset", "ok"], "connection reset mid-body, then an answer"),
    ],
)
def test_transient_failures_are_retried_and_recovered(
    script: list[str], case: str, report: Callable[[str, str], None]
) -> None:
    with FaultServer(script, ANSWER) as server:
        started = time.monotonic()
        record = summarize(server)
    assert record.quality.attempts == len(script)
    assert record.quality.reasks == 0
    assert record.quality.grounded_share == 1.0
    if script[0] == "status:429":
        assert time.monotonic() - started >= 1.0, "Retry-After: 1 was honoured"
    report(case, f"recovered: record after {record.quality.attempts} attempts")


@pytest.mark.parametrize(
    ("script", "error", "words", "case"),
    [
        (["status:429"], RateLimitError, "rate-limiting requests (HTTP 429, after 4 attempt(s))",
         "HTTP 429 on every attempt"),
        (["status:503"], ServerError,
         "failed with HTTP 503 (after 4 attempt(s)): scripted failure 503",
         "HTTP 503 on every attempt"),
        (["hang"], EndpointTimeoutError, "did not answer within 1s (after 4 attempt(s))",
         "no answer within the timeout, every time"),
        (["reset"], EndpointUnreachableError, "broke off before the answer was complete",
         "connection reset mid-body, every time"),
    ],
)  # fmt: skip
def test_persistent_failures_end_in_one_clear_error_naming_the_url(
    script: list[str],
    error: type[SummarizerError],
    words: str,
    case: str,
    report: Callable[[str, str], None],
) -> None:
    with FaultServer(script, ANSWER, hang_seconds=1.5) as server:
        with pytest.raises(error) as raised:
            summarize(server)
        assert len(server.requests) == 4, "the budget is max_attempts requests"
    message = str(raised.value)
    assert words in message
    assert server.url in message
    report(case, f"{type(raised.value).__name__} (exit {raised.value.exit_code}): {message}")


def test_cli_reports_a_dead_server_in_one_line_with_exit_5(
    report: Callable[[str, str], None],
) -> None:
    with FaultServer(["status:503"], ANSWER) as server:
        url = server.url
        result = run_cli(server, "-", "--max-attempts", "2", "--max-reasks", "0", input=ARTICLE)
    assert result.exit_code == 5
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert f"{url} failed with HTTP 503" in result.stderr
    report("CLI against a server failing with HTTP 503", f"exit 5: {result.stderr.strip()}")


def test_in_a_batch_a_failing_article_leaves_the_others_unaffected(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    feed = tmp_path / "feed.jsonl"
    texts = [ARTICLE, ARTICLE.replace("Antwerp", "Rotterdam"), ARTICLE.replace("Tuesday", "Friday")]
    feed.write_text(
        "".join(json.dumps({"id": f"a{i}", "text": t}) + "\n" for i, t in enumerate(texts))
    )
    out = tmp_path / "out.jsonl"
    # Five failures in a row: the first article to ask spends its whole budget on four.
    script = ["status:500"] * 4 + ["ok"]
    with FaultServer(script, ANSWER) as server:
        result = CliRunner().invoke(
            cli,
            [str(feed), "-o", str(out), "--base-url", server.url, "--model", "m",
             "--backend", "vllm", "-j", "1", "--no-cache", "--timeout", "2"],
        )  # fmt: skip
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    errors = [line for line in lines if "error" in line]
    assert len(lines) == 3
    assert len(errors) == 1
    assert errors[0]["error"]["type"] == "ServerError"
    assert result.exit_code == 5
    assert "2 done (0 from cache), 1 failed" in result.stderr
    report(
        "HTTP 500 for one article of three in a batch",
        "the two others are recorded; the third gets an error line; exit 5",
    )


def test_a_server_trickling_bytes_is_cut_off_at_the_timeout(
    report: Callable[[str, str], None],
) -> None:
    # Each byte comes well within the timeout, so only a deadline on the whole request
    # stops it; the answer would take minutes.
    with FaultServer(["trickle"], ANSWER, trickle_seconds=0.1) as server:
        started = time.monotonic()
        with pytest.raises(EndpointTimeoutError) as raised:
            summarize(server, max_attempts=2, max_reasks=0)
        elapsed = time.monotonic() - started
        assert len(server.requests) == 2
    assert elapsed < 10, f"two attempts of 1s each took {elapsed:.0f}s"
    assert "did not answer within 1s (after 2 attempt(s))" in str(raised.value)
    report(
        "answer trickled one byte at a time (each read within the timeout)",
        f"{type(raised.value).__name__} (exit 5): --timeout bounds the whole request: "
        f"{raised.value}",
    )


def test_a_retry_after_beyond_the_cap_fails_at_once_naming_both_figures(
    report: Callable[[str, str], None],
) -> None:
    with FaultServer(["status:429", "ok"], ANSWER, retry_after="300") as server:
        started = time.monotonic()
        with pytest.raises(RateLimitError) as raised:
            summarize(server)
        elapsed = time.monotonic() - started
        assert len(server.requests) == 1, "no point asking again before the server is ready"
    message = str(raised.value)
    assert elapsed < 10
    assert "asks to wait 300s (Retry-After)" in message
    assert "longer than the 120s summarizer waits at most" in message
    report("HTTP 429 with Retry-After: 300", f"RateLimitError (exit 5) at once: {message}")


def test_a_rate_limit_pauses_every_article_of_a_batch_and_says_so(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "".join(json.dumps({"id": f"a{i}", "text": numbered(f"day {i}")}) + "\n" for i in range(3))
    )
    # Two articles start together: one is told to wait 2s, the other is answered after
    # half a second, and the third article then starts while the pause still runs.
    with FaultServer(["status:429", "ok:0.5", "ok"], ANSWER, retry_after="2") as server:
        result = run_cli(server, str(feed), "-j", "2")
        times = server.times
    assert result.exit_code == 0, result.stderr
    assert len(times) == 4
    limited = times[0]
    assert all(t - limited >= 1.9 for t in times[2:]), (
        "no request went out during the pause, from any article: "
        f"{[round(t - limited, 2) for t in times]}"
    )
    notices = [line for line in result.stderr.splitlines() if "HTTP 429" in line]
    assert len(notices) == 1, result.stderr
    assert "pausing every request to it for 2s as its Retry-After asks" in notices[0]
    report(
        "HTTP 429 with Retry-After: 2 in a batch of three at -j 2",
        "one pause for every article, said once on stderr: "
        + notices[0].removeprefix("summarizer: "),
    )


def test_an_html_page_with_status_200_is_named_not_parsed(
    report: Callable[[str, str], None],
) -> None:
    with FaultServer(["html"], ANSWER) as server:
        with pytest.raises(UnexpectedResponseError) as raised:
            summarize(server)
        assert len(server.requests) == 2, "resent once, not for the whole budget of 4"
    message = str(raised.value)
    assert "answered with an HTML page, not a chat completion (after 2 attempt(s))" in message
    assert "'str' object" not in message
    assert raised.value.exit_code == 5
    assert raised.value.usage is not None
    assert raised.value.usage.calls == 2
    report(
        "HTTP 200 with an HTML page (a wrong base URL)",
        f"resent once, then UnexpectedResponseError (exit 5): {message}",
    )


@pytest.mark.parametrize(
    ("fault", "case"),
    [
        ("html", "HTTP 200 with an HTML page, then an answer"),
        ("not_completion", "HTTP 200 with JSON that is no chat completion, then an answer"),
        ("no_message", "HTTP 200 with a completion whose choice has no message, then an answer"),
    ],
)
def test_a_200_that_is_no_chat_completion_is_resent_once(
    fault: str, case: str, report: Callable[[str, str], None]
) -> None:
    with FaultServer([fault, "ok"], ANSWER) as server:
        record = summarize(server)
        assert len(server.requests) == 2
    assert record.quality.attempts == 2
    assert record.headline == ANSWER["headline"]
    report(case, f"recovered: resent once, record made with {record.quality.attempts} attempts")


def test_json_that_stays_no_chat_completion_is_named_after_one_resend(
    report: Callable[[str, str], None],
) -> None:
    with FaultServer(["not_completion"], ANSWER) as server:
        with pytest.raises(UnexpectedResponseError) as raised:
            summarize(server)
        assert len(server.requests) == 2
    message = str(raised.value)
    assert 'answered with JSON of another shape (\'{"status": "ok"}\'), not a chat' in message
    assert "no choices" not in message
    assert raised.value.exit_code == 5
    report(
        'HTTP 200 with JSON that is no chat completion ({"status": "ok"}), every time',
        f"resent once, then UnexpectedResponseError (exit 5): {message}",
    )


def test_a_choice_without_a_message_is_no_chat_completion(
    report: Callable[[str, str], None],
) -> None:
    with FaultServer(["no_message"], ANSWER) as server:
        with pytest.raises(UnexpectedResponseError) as raised:
            summarize(server)
        assert len(server.requests) == 2, "resent once, not for the whole budget of 4"
    message = str(raised.value)
    assert "answered with a completion whose choice carries no message, not a chat" in message
    assert "AttributeError" not in message
    assert raised.value.exit_code == 5
    report(
        "HTTP 200 with a completion whose choice has no message, every time",
        f"resent once, then UnexpectedResponseError (exit 5): {message}",
    )


def test_a_body_sent_as_json_that_is_not_json_is_retried_then_named(
    report: Callable[[str, str], None],
) -> None:
    with FaultServer(["not_json", "ok"], ANSWER) as server:
        record = summarize(server)
        assert len(server.requests) == 2
    assert record.quality.attempts == 2
    with FaultServer(["not_json"], ANSWER) as server:
        with pytest.raises(UnexpectedResponseError) as raised:
            summarize(server)
        assert len(server.requests) == 4, "the whole retry budget"
    message = str(raised.value)
    assert "says it is JSON and is not" in message
    assert raised.value.exit_code == 5
    report(
        "HTTP 200 'application/json' whose body is not JSON",
        f"retried; once the budget is spent, UnexpectedResponseError (exit 5): {message}",
    )


def test_answer_without_choices_is_a_model_output_error(report: Callable[[str, str], None]) -> None:
    server = FaultServer(["no_choices"], ANSWER)
    with server, pytest.raises(ModelOutputError, match="no choices") as raised:
        summarize(server)
    report("completion with no choices", f"ModelOutputError (exit 6): {raised.value}")


def test_check_probes_an_endpoint_and_reports_what_works(
    report: Callable[[str, str], None],
) -> None:
    probe_answer = {
        "headline": "Lyon asks for tram money",
        "summary": "The mayor of Lyon asked the government to fund a tram line.",
        "actors": [
            {"id": "A1", "name": "Grégory Doucet", "kind": "person", "sentences": [1],
             "quote": "The mayor of Lyon, Grégory Doucet"},
        ],
    }  # fmt: skip
    with FaultServer(["ok"], probe_answer) as server:
        result = CliRunner().invoke(
            cli, ["check", "--base-url", server.url, "--model", "fault-model", "--backend", "vllm"]
        )
    assert result.exit_code == 0, result.stderr
    assert "backend:  vllm" in result.stdout
    assert "mode:     json_schema" in result.stdout
    assert "models:   fault-model" in result.stdout
    assert "extract:  ok: 1 attempt(s), 0 re-ask(s)" in result.stdout
    with FaultServer(["ok"], probe_answer) as server:
        modes = CliRunner().invoke(
            cli,
            ["check", "--all-modes", "--base-url", server.url, "--model", "m", "--backend", "vllm"],
        )
        formats = [r.get("response_format", {}).get("type") for r in server.requests[1:]]
    assert re.search(r"^mode json_schema +ok", modes.stdout, re.MULTILINE)
    assert re.search(r"^mode tools +FAILED", modes.stdout, re.MULTILINE), "no tool call came back"
    assert "use:      --mode json_schema" in modes.stdout
    assert modes.exit_code == 0, "a mode that fails under --all-modes is advice, not failure"
    assert formats[:2] == ["json_schema", "json_object"], "each mode asks in its own way"
    with FaultServer(["status:400"], probe_answer) as server:
        failed = CliRunner().invoke(
            cli, ["check", "--base-url", server.url, "--model", "m", "--backend", "vllm"]
        )
    assert "extract:  FAILED:" in failed.stdout
    assert "HTTP 400" in failed.stdout
    assert failed.exit_code == 5, "a FAILED probe is a failed command"
    report(
        "`summarizer check` against a server rejecting the request",
        f"reports FAILED with the HTTP status; exit {failed.exit_code}",
    )
