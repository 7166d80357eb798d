"""Finding where actors are named: what counts as a name, and work linear in the text.

The work is measured as the lines of ``summarizer.mentions`` executed (``sys.settrace``),
a count that depends on the code and the input alone, never on the machine's speed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

import pytest

from summarizer import mentions
from summarizer.actors import find_mentions
from summarizer.article import load_article
from summarizer.mentions import is_named, names_no_one

_PARAGRAPH = (
    "The union said on Tuesday that Anna Kovacs of the port authority would meet them. "
    "He told the press that Kovacs and the US envoy had agreed. Les dockers ont repris.\n\n"
)


def _lines_run(call: Callable[[], object]) -> int:
    """How many lines of ``summarizer.mentions`` ``call`` executes."""
    count = 0
    module = mentions.__file__

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if frame.f_code.co_filename != module:
            return None
        if event == "line":
            count += 1
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        call()
    finally:
        sys.settrace(previous)
    return count


@pytest.mark.parametrize("name", ["The", "the", "les", "he", "He", "of the", "L'", "THE"])
def test_a_name_of_words_that_name_no_one_finds_nothing_and_reads_no_text(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = load_article(_PARAGRAPH * 20, language="en")

    def unread(*args: object) -> object:
        raise AssertionError("the article was read for a name that names no one")

    monkeypatch.setattr(mentions, "_folded_article", unread)
    monkeypatch.setattr(mentions, "_word_starts", unread)
    assert names_no_one(name)
    assert find_mentions([name], article) == []
    assert not is_named(name, article)


def test_names_with_such_words_in_them_and_acronyms_are_still_found() -> None:
    article = load_article(_PARAGRAPH * 3, language="en")
    assert not names_no_one("US")  # an acronym, though "us" is a pronoun
    assert len(find_mentions(["US"], article)) == 3
    assert len(find_mentions(["the port authority"], article)) == 3
    # "the" alone among the names costs the others nothing.
    spans = find_mentions(["Anna Kovacs", "Kovacs", "The"], article)
    assert [m.text for m in spans] == ["Anna Kovacs", "Kovacs"] * 3
    assert is_named("Anna Kovacs", article)


def test_finding_mentions_is_linear_in_the_occurrences() -> None:
    names = ["Anna Kovacs", "Kovacs", "the port authority", "US"]
    # The names' own folding is cached: a first search leaves only the article's work.
    find_mentions(names, load_article(_PARAGRAPH, language="en"))
    small = load_article(_PARAGRAPH * 300, language="en")
    large = load_article(_PARAGRAPH * 600, language="en")
    found: list[int] = []
    work = [
        _lines_run(lambda a=article: found.append(len(find_mentions(names, a))))
        for article in (small, large)
    ]
    assert found == [1200, 2400]
    # Linear: twice the occurrences, twice the work (a pairwise check gives four times).
    assert work[1] < 2.2 * work[0], work


def test_the_same_names_in_the_same_article_are_searched_for_once() -> None:
    # Every part's answer is checked against the whole article: an event's agents are
    # looked up again in each part.
    article = load_article(_PARAGRAPH * 300, language="en")
    names = ["Anna Kovacs", "Kovacs"]
    first = _lines_run(lambda: find_mentions(names, article))
    again = _lines_run(lambda: find_mentions(list(reversed(names)), article))
    assert find_mentions(names, article) == find_mentions(names[::-1], article)
    assert first > 10_000
    assert again < 50, "the article was searched again"


def test_two_capitals_are_an_acronym_even_when_they_spell_an_article() -> None:
    from summarizer.mentions import names_no_one

    assert not names_no_one("UN")
    assert not names_no_one("LA")
    assert names_no_one("THE")
    assert names_no_one("un")
