"""The cassette store: readable, lossless for JSON, matched by JSON value, no volatile headers."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from . import cassette_format

ROOT = Path(__file__).resolve().parent.parent
PROMPT = "Rules:\n- copy quotes exactly: « Il a dit “non” »\n- cite [S1]\n"


def _hand_built_cassette() -> dict[str, Any]:
    body = {"messages": [{"role": "user", "content": PROMPT}], "seed": 0, "temperature": 0.0}
    answer = {"choices": [{"message": {"content": '{"word": "pomme"}'}}], "usage": {"tokens": 9}}
    return {
        "version": 1,
        "interactions": [
            {
                "request": {
                    "body": json.dumps(body),
                    "headers": {"X-Stainless-OS": ["Linux"], "content-type": ["application/json"]},
                    "method": "POST",
                    "uri": "http://127.0.0.1:8000/v1/chat/completions",
                },
                "response": {
                    "body": {"string": json.dumps(answer)},
                    "headers": {"x-request-id": ["abc"], "Content-Length": ["1"], "Date": ["x"]},
                    "status": {"code": 200, "message": "OK"},
                },
            }
        ],
    }


def test_json_bodies_are_stored_as_yaml_and_come_back_as_the_same_json() -> None:
    original = _hand_built_cassette()
    request_body = json.loads(original["interactions"][0]["request"]["body"])
    text = cassette_format.serialize(_hand_built_cassette())
    stored = yaml.safe_load(text)["interactions"][0]
    assert stored["request"]["body"]["json"]["messages"][0]["content"] == PROMPT
    assert "content: |" in text  # the prompt is a literal block, one line per line
    back = cassette_format.deserialize(text)["interactions"][0]
    assert json.loads(back["request"]["body"]) == request_body
    string = back["response"]["body"]["string"]
    assert json.loads(string)["choices"][0]["message"]["content"] == '{"word": "pomme"}'
    assert back["response"]["headers"]["Content-Length"] == [str(len(string.encode()))]


def test_volatile_headers_are_dropped_and_others_kept() -> None:
    stored = yaml.safe_load(cassette_format.serialize(_hand_built_cassette()))["interactions"][0]
    assert stored["request"]["headers"] == {"content-type": ["application/json"]}
    assert set(stored["response"]["headers"]) == {"Content-Length"}


def test_a_body_that_is_not_json_is_kept_as_written() -> None:
    cassette = _hand_built_cassette()
    cassette["interactions"][0]["response"]["body"] = {"string": "data: {oops"}
    back = cassette_format.deserialize(cassette_format.serialize(cassette))
    assert back["interactions"][0]["response"]["body"] == {"string": "data: {oops"}


def _request(body: str | bytes) -> SimpleNamespace:
    return SimpleNamespace(body=body)


def test_bodies_match_by_json_value_not_spacing() -> None:
    cassette_format.json_body(_request('{"a": 1, "b": [2]}'), _request(b'{"b":[2],"a":1}'))
    with pytest.raises(AssertionError):
        cassette_format.json_body(_request('{"a": 1}'), _request('{"a": 2}'))
    with pytest.raises(AssertionError):
        cassette_format.json_body(_request("plain"), _request("plain!"))


def test_every_stored_cassette_is_readable_and_free_of_volatile_headers() -> None:
    cassettes = list((ROOT / "cassettes").rglob("*.yaml"))
    assert cassettes
    for path in cassettes:
        for interaction in yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]:
            for side in ("request", "response"):
                names = {name.lower() for name in interaction[side].get("headers", {})}
                assert not names & cassette_format.VOLATILE_HEADERS, (path, side)
            assert "json" in interaction["response"]["body"], path
