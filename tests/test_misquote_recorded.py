"""A recorded misquote: a quote located in the article but not verbatim (Gemma 3 270M).

The tiny model copies the article's first two sentences as an actor's quote, but
writes "The police in Madrid" where the article says "Police in Madrid". The quote is
found (fuzzy), so the draft's check names the change and sends it back; the model
answers the same quote again, and with the re-ask budget spent the record keeps the
evidence located, not grounded, and flagged ``words_changed``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from summarizer import ArticleInput, Settings, Summarizer
from summarizer.grounding import VERBATIM

# Invented for this test: three short sentences, so the model's favourite citation,
# sentence 3, exists and the only problem of its first answer is the quote itself.
ARTICLE = (
    "Police in Madrid arrested 14 people on Sunday after clashes between football fans "
    "near the Bernabeu stadium. The club Real Madrid condemned the violence and promised "
    "to ban those responsible. The city council said it would review security "
    "arrangements before the next match."
)
MISQUOTE_CODES = {"number", "negation", "name", "date", "words_changed", "words_dropped"}


@pytest.mark.vcr
def test_misquote_is_reasked_then_flagged_with_what_changed(
    recorded_settings: Settings, vcr: Any
) -> None:
    settings = recorded_settings.replace(max_items=1, max_reasks=1)
    with Summarizer(settings) as summarizer:
        record = summarizer.summarize(ArticleInput("madrid-fans.txt", ARTICLE))

    # The first answer was sent back because of its quote, and only once.
    assert (record.quality.attempts, record.quality.reasks) == (2, 1)
    assert len(vcr.requests) == 2
    first, second = (json.loads(r.body) for r in vcr.requests)
    followup = json.dumps(second["messages"][len(first["messages"]) :], ensure_ascii=False)
    assert "actors[0].quote 'The police in Madrid arrested 14 people" in followup
    assert "is not what the text says (the quote adds 'the')" in followup
    assert "copy the words exactly as written" in followup

    # The re-ask did not fix it: the answer was read leniently, and says why.
    assert record.quality.warnings[0].startswith(
        "the answer still failed validation after 1 re-ask(s)"
    )
    assert "- actors[0].quote 'The police in Madrid" in record.quality.warnings[0]

    misquoted = [
        (item, evidence)
        for item in [*record.actors, *record.stances, *record.demands, *record.events]
        for evidence in item.evidence
        if not evidence.grounded and {f.code for f in evidence.flags} & MISQUOTE_CODES
    ]
    assert misquoted, "the misquote is flagged in the record"
    item, evidence = misquoted[0]
    assert evidence.quote.startswith("The police in Madrid arrested 14 people")
    assert evidence.quote.strip() not in record.text, "the quote is not verbatim"
    assert evidence.match not in VERBATIM
    assert evidence.match in ("fuzzy", "subsequence"), "located, not merely cited"
    changes = [f for f in evidence.flags if f.code in MISQUOTE_CODES]
    assert [(f.code, f.message) for f in changes] == [("words_changed", "the quote adds 'the'")]
    # What the item itself carries: a reader filtering items on codes sees it too.
    assert "words_changed" in {f.code for f in item.flags}

    # The span points at the words the model meant, inside the article.
    assert evidence.start is not None
    assert evidence.end is not None
    assert 0 <= evidence.start < evidence.end <= len(record.text)
    span = record.text[evidence.start : evidence.end]
    assert span.startswith("Police in Madrid arrested 14 people on Sunday")
    assert span.endswith("promised to ban those responsible")
    assert evidence.sentence == 1
    assert record.quality.grounded_share is not None
    assert record.quality.grounded_share < 1.0
