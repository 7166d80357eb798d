"""Internal: Long articles: which sentences each request reads.

An article whose sentences do not fit one request is read in parts: windows of whole
sentences, cut at sentence boundaries, each small enough for the model's context
window (when it is known) and for ``Settings.chunk_tokens``. Each part also reads the
last sentence or two of the part before it, so a name introduced just before a border
is still known after it; what the overlap finds twice is merged (see ``merge``).
Sentences keep their numbers in every part: the model sees ``[S57]`` in the third part
as in the whole text, so its evidence needs no renumbering.

The size of a part also bounds how much one answer must hold: the draft schema's lists
are limits per part, so the number of parts, not the schema, decides how many actors
and events an article can have.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .article import Article, Sentence
from .config import Settings
from .errors import ConfigurationError, InputError

__all__ = [
    "DEFAULT_CHUNK_TOKENS",
    "KNOWN_TOKENS",
    "NAMED_TOKENS",
    "Chunk",
    "Room",
    "estimate_tokens",
    "plan_chunks",
]

#: The article tokens one request reads when nothing smaller is asked for. About 2,400
#: characters of European text: at the densest of the dev articles (a sentence-level
#: gold of every person, group and place) that holds some 45 actors and 20 events,
#: within the draft schema's limits per answer, and an answer that fits the default
#: output limit.
DEFAULT_CHUNK_TOKENS = 800
#: Prompt tokens kept, when a part is read more than once, for what earlier passes found
#: (the list shown to a later pass is cut to fit).
KNOWN_TOKENS = 600
#: The most prompt tokens a later part's list of the actors earlier parts named may take;
#: less when the context window leaves less beside the part (no part is cut for it).
NAMED_TOKENS = 300
#: The fewest article tokens worth a request; a context window leaving less is refused.
_MIN_CHUNK_TOKENS = 64
#: How much of a part may be the previous part's last sentences.
_OVERLAP_SHARE = 0.15
_MAX_OVERLAP_SENTENCES = 2


def estimate_tokens(text: str) -> int:
    """Tokens ``text`` is likely to take: about three characters a token.

    European languages average about four characters a token; others fewer. Three errs
    on the side of smaller requests, so a prompt said to fit does fit.
    """
    return len(text) // 3 + 1


@dataclass(frozen=True, slots=True)
class Chunk:
    """One part of an article: the sentences one request reads.

    Attributes:
        index: Which part, counting from 1.
        count: How many parts the article has.
        first: The first sentence read, overlap included.
        own: The first sentence no earlier part reads (``first`` for the first part).
        last: The last sentence read.
    """

    index: int
    count: int
    first: int
    own: int
    last: int

    @property
    def whole(self) -> bool:
        """This part is the whole article."""
        return self.count == 1

    def sentences(self, article: Article) -> tuple[Sentence, ...]:
        """The sentences this part reads."""
        return article.sentences[self.first - 1 : self.last]

    def span(self, article: Article) -> tuple[int, int]:
        """Offsets in ``article.text`` of what this part reads."""
        return article.sentences[self.first - 1].start, article.sentences[self.last - 1].end

    def holds(self, sentence_id: int) -> bool:
        """Whether this part reads sentence ``sentence_id``."""
        return self.first <= sentence_id <= self.last

    def label(self) -> str:
        """``part 2 of 4 (S41-S80)``, for messages."""
        return f"part {self.index} of {self.count} (S{self.first}-S{self.last})"


@dataclass(frozen=True, slots=True)
class Room:
    """What one request of an article has room for, worked out once per article (see
    ``exchange.plan``): every part, and every list a prompt gives room to, reads it here.

    Attributes:
        window: The model's context window in tokens, when known.
        answer: Tokens kept for the answer (``Settings.max_output_tokens``).
        overhead: Tokens of the prompt without the article's sentences.
        part: Article tokens one request may read: ``Settings.chunk_tokens`` (or the
            default), no more than the window leaves beside the instructions and the
            answer.
    """

    window: int | None
    answer: int
    overhead: int
    part: int

    @classmethod
    def of(cls, settings: Settings, overhead: int) -> Room:
        """The room of a request whose prompt takes ``overhead`` tokens besides the article.

        Raises:
            ConfigurationError: The context window leaves no room for any of the article.
        """
        wanted = settings.chunk_tokens or DEFAULT_CHUNK_TOKENS
        room = cls(settings.context_window, settings.max_output_tokens, overhead, wanted)
        article = room.article
        if article is None:
            return room
        if article < _MIN_CHUNK_TOKENS:
            raise ConfigurationError(
                f"the model's context window of {room.window} tokens leaves "
                f"{max(article, 0)} for the article, beside about {overhead} for the "
                f"instructions and {room.answer} reserved for the answer; lower "
                "Settings.max_output_tokens or use a model with a longer context"
            )
        return replace(room, part=min(wanted, article))

    def beside(self, prompt_tokens: int) -> int | None:
        """Tokens the window leaves beside a prompt of ``prompt_tokens`` and the answer;
        ``None`` when the window is not known."""
        return None if self.window is None else self.window - self.answer - prompt_tokens

    @property
    def article(self) -> int | None:
        """Article tokens the window leaves beside the instructions and the answer."""
        return self.beside(self.overhead)


def plan_chunks(article: Article, budget: int) -> tuple[Chunk, ...]:
    """Cut ``article``'s sentences into parts of at most ``budget`` tokens each.

    Parts end at sentence boundaries. Each part after the first also reads up to two
    sentences of the part before it: the last one if it takes no more than a third of
    the budget, two if they take no more than 15 % of it. A sentence longer than
    the whole budget is a part of its own: sentences are never cut.

    Args:
        article: The article as read.
        budget: Article tokens a part may hold (``Room.part``).

    Raises:
        InputError: The article has no sentences.
    """
    sentences = article.sentences
    if not sentences:
        raise InputError(f"{article.id or 'input'}: the article has no sentences to read")
    sizes = [estimate_tokens(s.text) + 3 for s in sentences]  # "[Sn] " and the line break
    if sum(sizes) <= budget:
        return (Chunk(1, 1, 1, 1, len(sentences)),)
    overlap_room = int(budget * _OVERLAP_SHARE)
    bounds: list[tuple[int, int, int]] = []  # (first read, first owned, last), 1-based
    own = 1
    while own <= len(sentences):
        first = own
        used = 0
        if bounds:
            # Carry the previous part's last sentences, as many as the overlap allows
            # (the last one whenever it takes no more than a third of the budget).
            while (
                first > bounds[-1][1]
                and own - first < _MAX_OVERLAP_SENTENCES
                and used + sizes[first - 2] <= (overlap_room if first < own else budget // 3)
            ):
                first -= 1
                used += sizes[first - 1]
        last = own
        used += sizes[own - 1]
        while last < len(sentences) and used + sizes[last] <= budget:
            used += sizes[last]
            last += 1
        bounds.append((first, own, last))
        own = last + 1
    return tuple(
        Chunk(index=n, count=len(bounds), first=first, own=owned, last=last)
        for n, (first, owned, last) in enumerate(bounds, start=1)
    )
