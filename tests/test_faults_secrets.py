"""Keys and credentials: echoed by the server or the model, in the base URL, in cassettes.

Each test states the fault and pins the outcome, and records both through the ``report``
fixture for the README's fault table (``scripts/fault_table.py``).
"""

from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarizer.cli import cli
from summarizer.errors import redact, scrub

from .batch_articles import read_lines
from .conftest import ROOT
from .fault_server import ZERO_WIDTH, FaultServer, disguised
from .helpers import ANSWER, ARTICLE, SECRET

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


def _everything_in(folder: Path) -> str:
    """Every byte of every file below ``folder``, as text to search for a key."""
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file()).decode("latin-1")


def test_api_key_never_appears_in_output_errors_or_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, report: Callable[[str, str], None]
) -> None:
    caplog.set_level(logging.DEBUG)
    out = tmp_path / "out.jsonl"
    with FaultServer(["status:401"], ANSWER) as server:
        result = CliRunner().invoke(
            cli,
            ["-", "-o", str(out), "--base-url", server.url, "--model", "m", "--api-key", SECRET,
             "--no-cache"],
            input=ARTICLE,
        )  # fmt: skip
        sent = server.headers[0].get("authorization", "")
    assert sent == f"Bearer {SECRET}", "the key does reach the server"
    assert result.exit_code == 5
    assert "OPENAI_API_KEY" in result.stderr
    for text in (result.stdout, result.stderr, out.read_text(encoding="utf-8"), caplog.text):
        assert SECRET not in text
        assert SECRET[:12] not in text
    report(
        "wrong API key (HTTP 401)",
        "AuthenticationError (exit 5); the key is in no output, error or log",
    )


def test_a_key_echoed_by_the_server_is_redacted_everywhere(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, report: Callable[[str, str], None]
) -> None:
    caplog.set_level(logging.DEBUG)
    out = tmp_path / "out.jsonl"
    with FaultServer(["echo_auth"], ANSWER) as server:
        result = CliRunner().invoke(
            cli,
            ["-", "-o", str(out), "--base-url", server.url, "--model", "m", "--api-key", SECRET,
             "--backend", "vllm", "--no-cache"],
            input=ARTICLE,
        )  # fmt: skip
        assert server.headers[0]["authorization"] == f"Bearer {SECRET}"
    saved = out.read_text(encoding="utf-8")
    assert result.exit_code == 5
    assert "Authorization: Bearer [redacted]" in result.stderr
    for text in (result.stdout, result.stderr, saved, caplog.text):
        assert SECRET not in text
        assert SECRET[8:20] not in text
    report(
        "server echoing the API key in its error body (HTTP 400)",
        "exit 5; the key is redacted from stderr, the JSONL error record and logs: "
        + json.loads(saved)["error"]["message"],
    )


def test_half_a_key_or_the_key_in_base64_echoed_by_the_server_is_redacted(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, report: Callable[[str, str], None]
) -> None:
    caplog.set_level(logging.DEBUG)
    out = tmp_path / "out.jsonl"
    with FaultServer(["echo_key_parts"], ANSWER) as server:
        result = CliRunner().invoke(
            cli,
            ["-", "-o", str(out), "--base-url", server.url, "--model", "m", "--api-key", SECRET,
             "--backend", "vllm", "--no-cache", "--max-attempts", "1"],
            input=ARTICLE,
        )  # fmt: skip
    saved = out.read_text(encoding="utf-8")
    assert result.exit_code == 5, result.stderr
    message = json.loads(saved)["error"]["message"]
    assert "key ending '[redacted]' (base64 [redacted]) is invalid" in message
    encoded = base64.b64encode(SECRET.encode()).decode()
    for text in (result.stdout, result.stderr, saved, caplog.text):
        assert SECRET[len(SECRET) // 2 :] not in text
        assert encoded[:16] not in text
    report(
        "server echoing half the API key, and the key base64-encoded, in its error",
        f"both redacted (any 12 characters of the key, plain or base64): {message}",
    )


def test_a_key_the_model_echoes_in_its_answer_reaches_no_record_report_or_cache(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    cache, records, page = tmp_path / "cache", tmp_path / "out.jsonl", tmp_path / "report.md"
    echoed = {**ANSWER, "headline": f"Antwerp dockers end strike; your key is {SECRET}",
              "summary": f"Dockers ended a strike ({SECRET[:20]})."}  # fmt: skip
    common = ["-", "--base-url", "", "--model", "m", "--api-key", SECRET, "--backend", "vllm",
              "--cache-dir", str(cache)]  # fmt: skip
    with FaultServer(["ok"], echoed) as server:
        common[2] = server.url
        run = CliRunner().invoke(cli, [*common, "-o", str(records)], input=ARTICLE)
        again = CliRunner().invoke(cli, [*common, "-f", "markdown", "-o", str(page)], input=ARTICLE)
        asked = len(server.requests)
    assert run.exit_code == 0, run.stderr
    assert again.exit_code == 0, again.stderr
    assert asked == 1, "the report came from the cache"
    record = read_lines(records)[0]
    assert record["headline"] == "Antwerp dockers end strike; your key is [redacted]"
    cached = _everything_in(cache)
    for text in (records.read_text(encoding="utf-8"), page.read_text(encoding="utf-8"), cached,
                 run.stderr, again.stderr):  # fmt: skip
        assert SECRET[:12] not in text
        assert SECRET[-12:] not in text
    report(
        "model answer (HTTP 200) that repeats the API key in its headline and summary",
        "the key is taken out of the answer before it is read: the record, the report and "
        f"the cache say {record['headline']!r}",
    )


def test_credentials_in_the_base_url_are_sent_but_never_shown_or_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, report: Callable[[str, str], None]
) -> None:
    caplog.set_level(logging.DEBUG)
    cache = tmp_path / "cache"
    with FaultServer(["ok"], ANSWER) as server:
        url = server.url.replace("http://", "http://reader:hunter2-secret@")
        result = CliRunner().invoke(
            cli,
            ["-", "--base-url", url, "--model", "m", "--backend", "vllm", "-f", "json",
             "--cache-dir", str(cache)],
            input=ARTICLE,
        )  # fmt: skip
        sent = server.headers[0].get("authorization", "")
    with FaultServer(["status:503"], ANSWER) as server:
        url = server.url.replace("http://", "http://reader:hunter2-secret@")
        failed = CliRunner().invoke(
            cli,
            ["-", "--base-url", url, "--model", "m", "--backend", "vllm", "--max-attempts", "1",
             "--max-reasks", "0", "--no-cache"],
            input=ARTICLE,
        )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert sent == "Basic cmVhZGVyOmh1bnRlcjItc2VjcmV0", "the URL's credentials reach the server"
    record = json.loads(result.stdout)
    assert record["quality"]["endpoint"].startswith("http://127.0.0.1:")
    assert failed.exit_code == 5
    cached = _everything_in(cache)
    for text in (result.stdout, result.stderr, failed.stdout, failed.stderr, cached, caplog.text):
        assert "hunter2" not in text
        assert "reader:" not in text
    report(
        "credentials in the base URL (http://user:password@host/v1)",
        "sent as HTTP basic auth; the record, the cache and errors show "
        + record["quality"]["endpoint"],
    )


def test_a_credential_in_the_base_urls_query_is_sent_but_never_shown_or_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, report: Callable[[str, str], None]
) -> None:
    caplog.set_level(logging.DEBUG)
    cache = tmp_path / "cache"
    query = "?api_key=q-secret-0123456789&api-version=2024-06-01"
    outputs = []
    for script in ("ok", "status:503"):
        with FaultServer([script], ANSWER) as server:
            result = CliRunner().invoke(
                cli,
                ["-", "--base-url", server.url + query, "--model", "m", "--backend", "vllm",
                 "-f", "json", "--cache-dir", str(cache), "--max-attempts", "1"],
                input=ARTICLE,
            )  # fmt: skip
            sent = sorted(server.paths[0].split("?", 1)[1].split("&"))
            assert sent == sorted(query[1:].split("&")), "the credential reaches the server"
        outputs.append(result)
    ok, failed = outputs
    assert ok.exit_code == 0, ok.stderr
    assert failed.exit_code == 5
    endpoint = json.loads(ok.stdout)["quality"]["endpoint"]
    assert endpoint.endswith("/v1?api-version=2024-06-01"), "what is no credential stays"
    cached = _everything_in(cache)
    for text in (ok.stdout, ok.stderr, failed.stdout, failed.stderr, cached, caplog.text):
        assert "q-secret" not in text
    report(
        "a credential in the base URL's query (`?api_key=...`)",
        f"sent with every request; the record, the cache and errors show {endpoint}",
    )


def test_a_base_url_with_another_scheme_is_a_configuration_error(
    report: Callable[[str, str], None],
) -> None:
    result = CliRunner().invoke(
        cli,
        ["-", "--base-url", "ftp://user:pw@files.example.org/v1", "--model", "m", "--no-cache"],
        input=ARTICLE,
    )
    assert result.exit_code == 4
    assert result.stdout == ""
    assert "scheme 'ftp'" in result.stderr
    assert "pw@" not in result.stderr
    report("an ftp:// base URL", f"exit 4, no request: {result.stderr.strip()}")


def test_cassettes_hold_no_credentials() -> None:
    for cassette in (ROOT / "cassettes").rglob("*.yaml"):
        text = cassette.read_text(encoding="utf-8")
        assert "authorization:" not in text.lower(), cassette
        assert "sk-" not in text, cassette
        assert "set-cookie" not in text.lower(), cassette


FORMS = ["percent", "query", "hex", "zero_width"]


def _windows(text: str, size: int = 8) -> list[str]:
    return [text[i : i + size] for i in range(len(text) - size + 1)]


@pytest.mark.parametrize("form", FORMS)
def test_a_key_a_server_echoes_in_disguise_is_redacted_everywhere(
    form: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    report: Callable[[str, str], None],
) -> None:
    caplog.set_level(logging.DEBUG)
    out = tmp_path / "out.jsonl"
    with FaultServer([f"echo_key:{form}"]) as server:
        result = CliRunner().invoke(
            cli,
            ["-", "-o", str(out), "--base-url", server.url, "--model", "m", "--api-key", SECRET,
             "--backend", "vllm", "--no-cache", "--max-attempts", "1"],
            input=ARTICLE,
        )  # fmt: skip
    saved = out.read_text(encoding="utf-8")
    assert result.exit_code == 5, result.stderr
    message = json.loads(saved)["error"]["message"]
    assert "bad key" in message
    assert "[redacted]" in message
    shown = disguised(SECRET, form)
    for text in (result.stdout, result.stderr, saved, json.dumps(json.loads(saved)), caplog.text):
        leaked = [piece for piece in _windows(shown) if piece in text]
        assert not leaked, f"{form}: {leaked[:3]} in {text!r}"
    report(
        f"server echoing the API key {form.replace('_', '-')}-disguised in its error (HTTP 400)",
        f"exit 5; decoded and redacted from stderr, the JSONL error record and logs: {message}",
    )


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("sk%2Dtest%2DDO%2DNOT%2DLEAK%2D0123456789abcdef ok", "[redacted] ok"),
        # Encoded twice (a query string put into another URL), lower-case hex digits.
        ("?next=sk%252dtest%252dDO%252dNOT%252dLEAK-0123 ok", "?next=[redacted] ok"),
        ("hex 736B2D746573742D444F2D4E4F542D4C45414B2D30 ok", "hex [redacted] ok"),
        # Hex at an odd offset inside a longer run of hex digits.
        ("id f736b2d746573742d444f2d4e4f542d4c45414b2d30 ok", "id f[redacted] ok"),
        ("s\u200bk\u200c-\u200dt\u2060e\ufeffst-DO-NOT-LEAK ok", "[redacted] ok"),
        # A JSON body dumped with ensure_ascii: the invisible characters are escapes.
        (json.dumps("sk-\u200btest-\u200bDO-\u200bNOT ok"), '"[redacted] ok"'),
        ("&#115;&#x6b;-test-DO-NOT-LEAK ok", "[redacted] ok"),
        # Zero-width characters inside a percent-encoded key.
        ("sk%2D\u200btest%2D\u200bDO%2DNOT ok", "[redacted] ok"),
        # Invisible characters percent-encoded themselves (U+200B is E2 80 8B in UTF-8).
        ("sk-t%E2%80%8Best-DO-NOT-LEAK ok", "[redacted] ok"),
        # Other escapes and hex that are not the key stay as they were.
        ("100%25 sure, %2D and deadbeefcafe0123456789 \u200b", None),
    ],
)
def test_redact_recognises_the_key_encoded(text: str, clean: str | None) -> None:
    assert redact(text, [SECRET]) == (clean if clean is not None else text)
    assert scrub({"m": [text]}, [SECRET]) == {"m": [clean if clean is not None else text]}


def test_a_short_key_is_recognised_encoded_too() -> None:
    assert redact("key sk%2Dlive%2D123 leaked", ["sk-live-123"]) == "key [redacted] leaked"
    assert redact("key s\u200bk-live-123 leaked", ["sk-live-123"]) == "key [redacted] leaked"


def test_redacting_a_long_disguised_text_takes_linear_time() -> None:
    # Long runs of invisible characters between the key's characters: a quadratic
    # redaction would take minutes here.
    filler = ZERO_WIDTH * 2_000
    text = filler.join(SECRET) + " " + "%2D" * 20_000 + " " + "ab" * 50_000
    start = time.monotonic()
    clean = redact(text, [SECRET])
    assert time.monotonic() - start < 10
    assert clean.startswith("[redacted] %2D")
