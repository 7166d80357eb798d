"""Records for tests, built one way: a hand-built draft through the real verifier, or a
hand-built record validated by the record model. No request is made by either.

``verified_record`` is what a test wants when the point is what the program does with an
answer (grounding, flags, claims, views); ``hand_built_record`` when the point is what a
consumer (renderer, scorer, page) does with a record, whatever produced it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from summarizer.article import Article
from summarizer.assemble import assemble_record
from summarizer.connection import BACKENDS, Endpoint
from summarizer.draft import Draft
from summarizer.record import ArticleSummary

# The endpoint named in test records: a generic server nobody talks to.
TEST_ENDPOINT = Endpoint("http://h/v1", "m", BACKENDS["generic"], "md_json")

_EMPTY_DRAFT: dict[str, Any] = {
    "headline": "h", "summary": "s", "actors": [], "stances": [], "demands": [], "events": [],
}  # fmt: skip


def lenient_draft(**fields: Any) -> Draft:
    """A draft of ``fields`` (missing lists empty), read leniently as a spent re-ask is:
    its structure is checked, its quotes are left for the verifier to judge."""
    return Draft.model_validate({**_EMPTY_DRAFT, **fields}, context={"lenient": True})


def verified_record(
    article: Article,
    draft: Mapping[str, Any] | Draft,
    *,
    repairs: Sequence[str] = (),
    strict: bool = False,
    output_language: str | None = None,
) -> ArticleSummary:
    """``draft`` (a Draft, or its fields, missing lists empty) verified against ``article``."""
    if not isinstance(draft, Draft):
        draft = lenient_draft(**draft)
    return assemble_record(
        article,
        draft,
        endpoint=TEST_ENDPOINT,
        prompt_version="p",
        repairs=repairs,
        strict=strict,
        output_language=output_language,
    )


def hand_quality(**fields: Any) -> dict[str, Any]:
    """A record's quality block with test values; ``fields`` override them."""
    return {
        "model": "m", "endpoint": "http://h/v1", "backend": "generic", "mode": "md_json",
        "prompt_version": "p", "attempts": 1, "reasks": 0, "prompt_tokens": 10,
        "completion_tokens": 5, "seconds": 1.0, "items": {}, "grounded_share": 1.0,
        "flagged": 0, "dropped": 0, "warnings": [], **fields,
    }  # fmt: skip


def hand_built_record(text: str, **fields: Any) -> ArticleSummary:
    """A hand-built record about ``text``, validated as the record model validates any.

    ``fields`` override the defaults (empty item lists, English, a test quality block);
    ``quality`` may be a partial dict, completed by :func:`hand_quality`.
    """
    data: dict[str, Any] = {
        "headline": "h", "summary": "x", "language": "en", "output_language": "en", "text": text,
        "actors": [], "stances": [], "demands": [], "events": [],
    }  # fmt: skip
    quality = hand_quality(**fields.pop("quality", {}))
    data.update(fields, quality=quality)
    return ArticleSummary.model_validate(data)


def minister_record() -> ArticleSummary:
    """A hand-built record, with HTML-ish and markdown-hostile text, for rendering."""
    text = "Le ministre <b>Dupont</b> a démissionné | lundi."
    return hand_built_record(
        text,
        headline="Dupont resigns", summary="The minister resigned.", language="fr",
        actors=[{"id": "A1", "name": "Dupont", "kind": "person", "mentions": [],
                 "evidence": [{"sentence": 1, "quote": "a démissionné | lundi", "start": 27,
                               "end": 47, "match": "exact", "grounded": True}],
                 "flags": []}],
        events=[{"type": "other", "description": "Dupont resigned", "agents": ["A1"],
                 "targets": [], "when": {"text": "lundi", "value": "2020-01",
                 "precision": "month"}, "realis": "occurred",
                 "evidence": [{"sentence": 1, "quote": "invented", "start": 0, "end": 47,
                               "match": "sentence", "grounded": False}],
                 "flags": [{"code": "quote_not_found",
                            "message": "quote not found in the text"}]}],
        quality={"items": {"actors": 1, "stances": 0, "demands": 0, "events": 1},
                 "grounded_share": 0.5, "flagged": 1},
    )  # fmt: skip
