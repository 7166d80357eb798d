"""How cassettes are stored: readable YAML, JSON bodies as YAML, volatile headers gone.

vcrpy keeps a JSON body as one escaped string, which no reviewer reads. This serializer
stores a JSON request or response body as the YAML tree of its value (``json:``), long
texts such as the prompt as literal blocks, and rebuilds the exact JSON text when a
cassette is loaded. Request bodies are matched by their parsed value (``json_body``), so
the key order or spacing a client happens to use does not matter, while a changed prompt,
schema or option still does.

Headers that only describe one recording (request ids, server timings, the recording
machine's OS and runtime, dates) are dropped when a cassette is written: they change on
every re-record and say nothing the tests rely on.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from vcr.serializers import yamlserializer

# Lower-case header names removed from requests and responses when recording.
VOLATILE_HEADERS = frozenset(
    {
        "date",
        "host",
        "x-request-id",
        "openai-processing-ms",
        "openai-version",
        "cf-ray",
        "user-agent",
        "x-stainless-arch",
        "x-stainless-async",
        "x-stainless-lang",
        "x-stainless-os",
        "x-stainless-package-version",
        "x-stainless-read-timeout",
        "x-stainless-retry-count",
        "x-stainless-runtime",
        "x-stainless-runtime-version",
    }
)


def _loads(text: object) -> tuple[bool, Any]:
    if not isinstance(text, str) or not text.lstrip().startswith(("{", "[")):
        return False, None
    try:
        return True, json.loads(text)
    except ValueError:
        return False, None


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _drop_volatile(headers: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in headers.items() if k.lower() not in VOLATILE_HEADERS}


class _Dumper(yamlserializer._CassetteDumper):  # type: ignore[misc]
    """Multi-line strings as literal blocks; everything else as vcrpy writes it."""


def _represent_str(dumper: yaml.Dumper, text: str) -> yaml.Node:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_str)


def serialize(cassette: dict[str, Any]) -> str:
    for interaction in cassette.get("interactions", []):
        request, response = interaction["request"], interaction["response"]
        request["headers"] = _drop_volatile(request.get("headers", {}))
        response["headers"] = _drop_volatile(response.get("headers", {}))
        parsed, value = _loads(request.get("body"))
        if parsed:
            request["body"] = {"json": value}
        body = response.get("body", {})
        parsed, value = _loads(body.get("string"))
        if parsed:
            response["body"] = {"json": value}
    return yaml.dump(cassette, Dumper=_Dumper, allow_unicode=True, width=100, sort_keys=True)


def deserialize(text: str) -> dict[str, Any]:
    cassette: dict[str, Any] = yamlserializer.deserialize(text)
    for interaction in cassette.get("interactions", []):
        request, response = interaction["request"], interaction["response"]
        if isinstance(request.get("body"), dict) and "json" in request["body"]:
            request["body"] = _dumps(request["body"]["json"])
        body = response.get("body", {})
        if "json" in body:
            string = _dumps(body["json"])
            response["body"] = {"string": string}
            headers = response.get("headers", {})
            for name in headers:
                if name.lower() == "content-length":
                    headers[name] = [str(len(string.encode("utf-8")))]
    return cassette


def json_body(r1: Any, r2: Any) -> None:
    """vcrpy matcher: request bodies are equal as JSON values (or as bytes, if not JSON)."""
    a, b = r1.body, r2.body
    a = a.decode("utf-8") if isinstance(a, bytes) else a
    b = b.decode("utf-8") if isinstance(b, bytes) else b
    parsed_a, value_a = _loads(a)
    parsed_b, value_b = _loads(b)
    if parsed_a and parsed_b:
        assert value_a == value_b, "JSON request bodies differ"
    else:
        assert a == b, "request bodies differ"
