"""Shared fixtures: cassettes, the recording server, and sample articles.

Recorded tests (``@pytest.mark.vcr``) replay ``cassettes/<module>/<test>.yaml`` with
record mode ``none``: no request leaves the machine, and a test that does not replay
its whole cassette fails. Re-record them against the real local llama-cpp-python
server (needs the ``[local]`` extra) with::

    pytest --record-mode=rewrite -m vcr
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from . import cassette_format

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SAMPLE_FR = EXAMPLES / "afp-2020-01-pompeo-fr.txt"
SAMPLE_EN = EXAMPLES / "lyon-tram-en.txt"
#: A long English report written for the tests (people and bodies in it are invented).
LONG_EN = ROOT / "tests" / "articles" / "harbour-strike-en.txt"
# Requests in cassettes are rewritten to this address so recordings do not depend on
# the port the recording server happened to get.
REPLAY_BASE_URL = "http://127.0.0.1:8000/v1"
_SECRET_HEADERS = [
    "authorization",
    "api-key",
    "x-api-key",
    "cookie",
    "set-cookie",
    "openai-organization",
    "openai-project",
]
_PORT = re.compile(r"^(https?://127\.0\.0\.1):\d+")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "vcr: replays a cassette recorded from the real local server"
    )
    # Keys must never be needed, nor leak, in tests.
    os.environ.pop("OPENAI_API_KEY", None)
    os.environ.pop("OPENAI_BASE_URL", None)


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    # Stored readable (see tests/cassette_format.py), under the usual ``.yaml`` name.
    vcr.register_serializer("yaml", cassette_format)
    vcr.register_matcher("json_body", cassette_format.json_body)


def _scrub_request(request: Any) -> Any:
    request.uri = _PORT.sub(r"\1:8000", request.uri)
    return request


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in _SECRET_HEADERS or name.lower() == "date":
            del headers[name]
    return response


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return {
        "filter_headers": _SECRET_HEADERS,
        "filter_query_parameters": ["api_key", "key"],
        "decode_compressed_response": True,
        "match_on": ["method", "path", "json_body"],
        "before_record_request": _scrub_request,
        "before_record_response": _scrub_response,
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    module = Path(str(request.node.fspath)).stem.removeprefix("test_")
    return str(ROOT / "cassettes" / module)


@pytest.fixture(autouse=True)
def _cassette_fully_played(vcr: Any, record_mode: str) -> Iterator[None]:
    """A cassette that is only partly replayed is stale: fail, so it gets re-recorded."""
    yield
    if vcr is not None and record_mode == "none":
        unplayed = len(vcr.data) - vcr.play_count
        assert vcr.all_played, (
            f"{unplayed} recorded interaction(s) in {vcr._path} were not replayed"
        )


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test gets an empty record cache: no test can be served by another's records."""
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def report() -> Iterator[Callable[[str, str], None]]:
    """Record a fault case and its pinned outcome for ``scripts/fault_table.py``.

    Rows go to the file named by ``SUMMARIZER_FAULT_REPORT``; without it, nowhere.
    """
    path = os.environ.get("SUMMARIZER_FAULT_REPORT")
    rows: list[dict[str, str]] = []
    yield lambda case, outcome: rows.append({"case": case, "outcome": outcome})
    if path and rows:
        with open(path, "a", encoding="utf-8") as file:
            for row in rows:
                file.write(json.dumps(row, ensure_ascii=False) + "\n")


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries after a hundredth of a second, not half a second doubling: what the tests
    count is the attempts, and a wait between them only costs time."""
    monkeypatch.setattr("summarizer.llm._FIRST_BACKOFF", 0.01)


@pytest.fixture
def fast_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batch API status checks and retries without a pause: scripted batches end in a few
    checks, and nothing is worth the wait."""
    monkeypatch.setattr("summarizer.batchapi.MIN_POLL", 0.01)
    monkeypatch.setattr("summarizer.batchapi._BACKOFF", 0.0)


@pytest.fixture(scope="session")
def local_server(record_mode: str) -> Iterator[str | None]:
    """The real local server while recording; nothing while replaying."""
    if record_mode == "none":
        yield None
        return
    from summarizer.local import LocalServer, local_model_path

    with LocalServer(local_model_path()) as server:
        yield server.base_url


@pytest.fixture
def llm_base_url(local_server: str | None) -> str:
    """Base URL for recorded tests: the live server when recording, else the replay address."""
    return local_server or REPLAY_BASE_URL


@pytest.fixture
def recorded_settings(llm_base_url: str) -> Any:
    """Settings matching how cassettes were recorded: the local server's profile and model."""
    from summarizer import Settings

    return Settings(
        base_url=llm_base_url,
        backend="llama-cpp-python",
        model="gemma-3-270m",
        max_items=4,
    )
