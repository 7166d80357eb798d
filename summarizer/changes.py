"""Internal: What changed between a quote and the words it was found at, named by what it means.

A quote located but not verbatim is compared word by word with its span, both folded
the way ``grounding`` folds them. Each difference is named by the strongest thing it
changes, in this order:

``number``         digits or number words differ ("12" for "21", "trois" for "deux")
``negation``       a negation cue is added, removed or replaced (not, never, n't,
                   ne … pas, jamais, aucun, sans, nicht, kein, nunca, …)
``date``           a weekday or month name differs
``name``           a capitalised word that does not open a sentence differs
``words_changed``  any other word replaced or added
``words_dropped``  words of the text left out of the quote without a "…"

The word lists come from the languages (English, French, Spanish, German, Italian,
Portuguese), folded like the text: lower case, no accents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from .wordlists import ALL_CALENDAR_WORDS, unit_value

__all__ = ["Change", "Difference", "Token", "compare", "number_value", "tokens"]

Change = Literal["number", "negation", "date", "name", "words_changed", "words_dropped"]
_ORDER: tuple[Change, ...] = (
    "number",
    "negation",
    "date",
    "name",
    "words_changed",
    "words_dropped",
)


def _lexicon(**by_language: str) -> frozenset[str]:
    return frozenset(word for words in by_language.values() for word in words.split())


_NUMBER_WORDS = _lexicon(
    en="zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty "
    "seventy eighty ninety hundred hundreds thousand thousands million millions billion "
    "billions dozen dozens first second third fourth fifth sixth seventh eighth ninth "
    "tenth half twice thrice double triple",
    # "un" and "une" are also the article: they are left out.
    fr="zero deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze "
    "quinze seize vingt vingts trente quarante cinquante soixante cent cents mille "
    "million millions milliard milliards douzaine dizaine dizaines centaine centaines "
    "premier premiere deuxieme troisieme quatrieme cinquieme dixieme moitie",
    es="dos tres cuatro cinco seis siete ocho nueve diez veinte treinta cuarenta "
    "cincuenta cien ciento mil millon millones",
    # Italian "due" is also English: left out.
    it="tre quattro cinque sette otto nove dieci venti cento mille milione milioni",
    pt="duas quatro oito nove dez vinte cem mil milhao milhoes",
    de="zwei drei vier funf sechs sieben acht neun zehn zwolf zwanzig dreissig vierzig "
    "funfzig hundert tausend millionen milliarde milliarden",
)
_NEGATION_CUES = _lexicon(
    # "n't" is read as "not" by ``tokens``.
    en="not no never none nobody nothing nowhere neither nor without cannot",
    # "n'" is read as "n".
    fr="ne n pas jamais aucun aucune aucuns aucunes sans ni rien nullement guere",
    es="no nunca jamas ningun ninguna ninguno nadie nada sin tampoco",
    # Italian "mai" is also French May: "non" carries the negation.
    it="non nessuno nessuna niente nulla senza",
    pt="nao nunca nenhum nenhuma sem",
    de="nicht kein keine keinen keinem keiner keines nie niemals niemand nichts ohne",
)
# Month names that are also everyday words count only when capitalised.
_COMMON_DATE_WORDS = frozenset({"may", "march", "mars", "segunda", "quarta", "quinta"})
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_SENTENCE_END = frozenset(".!?:;\n")
_OPENERS = frozenset(" \t\r\"'«»“”„‘’([-–—")


@dataclass(frozen=True, slots=True)
class Token:
    """One folded word: ``start``/``end`` index the folded text it was read from."""

    text: str
    start: int
    end: int
    capital: bool
    initial: bool


@dataclass(frozen=True, slots=True)
class Difference:
    """A named difference between a quote and its span, with a sentence for people."""

    code: Change
    message: str


def tokens(folded: str, index: tuple[int, ...], original: str, lo: int, hi: int) -> list[Token]:
    """The words of ``folded[lo:hi]``, each knowing its case and whether it opens a sentence.

    ``index`` maps folded offsets to ``original`` (see ``grounding.Folded``). Words are
    split at apostrophes ("l'irak" is two words, as in "l irak"), and "didn't" reads as
    "didn not" so that an English negation is a word of its own.
    """
    out: list[Token] = []
    for match in _WORD.finditer(folded, lo, hi):
        start, end = match.start(), match.end()
        first = original[index[start]]
        capital = first.isupper()
        initial = _opens_sentence(original, index[start])
        word = match.group()
        pieces = [word[:-3], "not"] if word.endswith("n't") else word.split("'")
        for piece in pieces:
            if piece:
                out.append(Token(piece, start, end, capital, initial))
                capital = initial = False
    return out


def _opens_sentence(original: str, offset: int) -> bool:
    i = offset - 1
    while i >= 0 and original[i] in _OPENERS:
        i -= 1
    return i < 0 or original[i] in _SENTENCE_END


def compare(
    quote: list[Token], span: list[Token], gaps: frozenset[int] = frozenset()
) -> list[Difference]:
    """Name every difference between the quote's words and the span's, strongest first.

    Args:
        quote: The quote's words.
        span: The words of the text it was located at.
        gaps: Positions in ``quote`` where it marks an elision ("…"): words of the text
            left out there are not a difference.

    Returns:
        One ``Difference`` per code found; empty when the words are the same.
    """
    found: dict[Change, list[str]] = {}
    dropped = 0
    matcher = SequenceMatcher(None, [t.text for t in quote], [t.text for t in span], autojunk=False)
    for tag, q1, q2, s1, s2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        said, written = quote[q1:q2], span[s1:s2]
        if tag == "insert" and q1 in gaps:
            continue
        code = _code(said, written, dropped=tag == "insert")
        if code == "words_dropped":
            dropped += len(written)
        found.setdefault(code, []).append(_describe(said, written))
    if "words_dropped" in found:
        found["words_dropped"] = [
            f"{dropped} word{'s' if dropped > 1 else ''} of the text left out: "
            + "; ".join(found["words_dropped"])
        ]
    return [Difference(code, "; ".join(found[code])) for code in _ORDER if code in found]


def _code(said: list[Token], written: list[Token], dropped: bool) -> Change:
    words = [*said, *written]
    if any(_is_number(t) for t in words):
        return "number"
    if any(t.text in _NEGATION_CUES for t in words):
        return "negation"
    if any(_is_date(t) for t in words):
        return "date"
    if any(t.capital and not t.initial for t in words):
        return "name"
    return "words_dropped" if dropped else "words_changed"


def number_value(word: str) -> str | None:
    """The value a folded word stands for ("2" for "2", "two" or "deux"), or ``None``.

    A number word with no known value stands for itself, so it is still compared.
    """
    if any(c.isdigit() for c in word):
        return word
    if word in _NUMBER_WORDS:
        value = unit_value(word)
        return word if value is None else str(value)
    return None


def _is_number(token: Token) -> bool:
    return any(c.isdigit() for c in token.text) or token.text in _NUMBER_WORDS


def _is_date(token: Token) -> bool:
    if token.text in _COMMON_DATE_WORDS:
        return token.capital
    return token.text in ALL_CALENDAR_WORDS


def _describe(said: list[Token], written: list[Token]) -> str:
    quote, text = " ".join(t.text for t in said), " ".join(t.text for t in written)
    if not said:
        return f"the quote leaves out {text!r}"
    if not written:
        return f"the quote adds {quote!r}"
    return f"the quote says {quote!r} where the text says {text!r}"
