"""The date benchmark's own measures: the family each gold expression tests, and the
interval over documents. Rows here are made up, not taken from any corpus."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.dates import bootstrap, family


def _row(text: str, sentence: str, value: str, dct: str = "2011-02-09") -> dict[str, Any]:
    return {"text": text, "sentence": sentence, "value": value, "dct": dct, "language": "en"}


@pytest.mark.parametrize(
    ("text", "sentence", "value", "expected"),
    [
        ("Friday", "Entries close on Friday.", "2011-02-11", "future"),
        ("Friday", "Entries closed on Friday.", "2011-02-04", "other"),
        ("next Friday", "Entries close next Friday.", "2011-02-18", "other"),
        ("the third quarter", "Sales fell in the third quarter.", "2010-Q3", "quarter"),
        ("that week", "Prices fell that week.", "2010-W40", "anaphora"),
        ("la veille", "Il était arrivé la veille.", "2011-02-08", "anaphora"),
        ("09:30 GMT", "Trading stopped at 09:30 GMT.", "2011-02-09T09:30Z", "clock"),
        ("winter", "In winter the road is shut.", "XXXX-WI", "generic"),
        ("today", "Today, few people write letters.", "PRESENT_REF", "generic"),
        ("today", "The minister resigned today.", "2011-02-09", "other"),
    ],
)
def test_each_gold_expression_falls_in_the_family_its_words_and_value_say(
    text: str, sentence: str, value: str, expected: str
) -> None:
    assert family(_row(text, sentence, value)) == expected


def test_the_interval_is_over_documents_and_holds_the_share() -> None:
    # Ten documents: half all right, half all wrong, of unequal lengths.
    documents = [(3, 3)] * 5 + [(1, 0)] * 5
    low, high = bootstrap(documents)
    share = 15 / 20
    assert low < share < high
    assert low >= 0.0
    assert high <= 1.0
    assert bootstrap([(4, 4)] * 6) == (1.0, 1.0)
    assert bootstrap([]) == (0.0, 0.0)
