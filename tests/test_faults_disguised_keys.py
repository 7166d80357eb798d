"""Failure as a tested path: a key that comes back in disguise must not get out.

A server (or a proxy in front of it) may echo the API key percent-encoded, as hex, or
with invisible characters between its characters; each form is still the key.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarizer.cli import cli
from summarizer.errors import redact, scrub

from .fault_server import ZERO_WIDTH, FaultServer, disguised

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

ARTICLE = (
    "date: 2024-06-11\n"
    "The port authority of Antwerp said on Tuesday that dockers had ended their strike."
)
SECRET = "sk-test-DO-NOT-LEAK-0123456789abcdef"
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
