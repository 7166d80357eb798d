"""Reading an article: bytes to text, metadata header, numbered sentences, language.

Offsets everywhere in summarizer are Python ``str`` indices (code points, end
exclusive) into ``Article.text``: the decoded input exactly as given, byte-order mark
removed, line endings (``\\r\\n`` included) and header left in place. A user who reads
the same file with ``newline=""`` gets the same string and can slice it directly. An
HTML page is the exception: its article is extracted first (see ``html_to_text``), and
offsets index the extracted text, which the record carries as ``text``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .config import DEFAULT_MAX_INPUT_BYTES
from .dates import PartialDate, parse_iso_partial
from .decoding import check_text, decode_bytes, is_text, refuse_oversize
from .errors import EmptyArticleError, InputError, resource_error
from .language import detect_language, detect_language_surely

__all__ = [
    "Article",
    "Sentence",
    "as_text",
    "decode_bytes",
    "detect_language",
    "detect_language_surely",
    "html_to_text",
    "is_html",
    "is_text",
    "load_article",
    "read_text",
    "split_sentences",
]

_HEADER_KEYS = ("date", "title", "url", "source", "language", "lang", "id", "author")
_HEADER_LINE = re.compile(
    r"[ \t]*(?P<key>"
    + "|".join(_HEADER_KEYS)
    + r")[ \t]*:[ \t]*(?P<value>[^\r\n]*?)[ \t]*(?:\r?\n|$)",
    re.IGNORECASE,
)
# "date 2020-01 Le chef ..." — a bare date field that may run on into the body.
_DATE_FIELD = re.compile(
    r"\s*date[ \t]*[:=]?[ \t]*(?P<value>\d{4}(?:[-/]\d{1,2}(?:[-/]\d{1,2})?)?)\b[ \t]*(?:\r?\n)?",
    re.IGNORECASE,
)
_HTML_START = re.compile(r"\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.IGNORECASE)
_MIN_HTML_WORDS = 8
_PARAGRAPH = re.compile(r"[^\r\n]+")
_HAS_YEAR = re.compile(r"\b(1[89]|20)\d\d\b")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One numbered sentence; ``id`` counts from 1 as the model sees it (``[S1]``)."""

    id: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article ready for prompting and grounding.

    Attributes:
        text: The full decoded input; all offsets index into it.
        body_start: Offset where the article proper begins, after any metadata header.
        sentences: The body split into numbered sentences with offsets into ``text``.
        language: ISO 639-1 code of the article's language.
        date: Publication date at the precision it is known, if known.
        date_text: The words ``date`` was read from (a ``date`` argument or the header's
            date), if it was read from words; the record's ``article_date.text``.
        title: The headline, from metadata or the first line, if any.
        id: An identifier for the article (file name, JSONL id), if any.
        metadata: Header fields that were read and removed from the body.
        warnings: What reading the article could not establish, for the record's
            ``quality.warnings``.
    """

    text: str
    body_start: int
    sentences: tuple[Sentence, ...]
    language: str
    date: PartialDate | None = None
    title: str | None = None
    id: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    date_text: str | None = None

    @property
    def body(self) -> str:
        return self.text[self.body_start :]

    def sentence(self, sentence_id: int) -> Sentence | None:
        """The sentence numbered ``sentence_id``, or ``None`` if there is none."""
        if 1 <= sentence_id <= len(self.sentences):
            return self.sentences[sentence_id - 1]
        return None


def as_text(given: object, *, source: str = "input") -> str:
    """An article given to the library as text: ``str`` as it is, bytes decoded as files are.

    Raises:
        InputError: ``given`` is neither text nor bytes, or the bytes are not text
            (``decode_bytes``).
    """
    if isinstance(given, str):
        return given
    if isinstance(given, bytes | bytearray | memoryview):
        return decode_bytes(bytes(given), source=source)
    raise InputError(
        f"{source}: an article must be text (str) or bytes, not {type(given).__name__}"
    )


def is_html(text: str) -> bool:
    """Whether ``text`` is an HTML page rather than article text."""
    return bool(_HTML_START.match(text))


def html_to_text(html: str, *, source: str = "input") -> str:
    """The article in an HTML page, as text with a ``title:``/``date:`` header.

    The main text is extracted with trafilatura (boilerplate, menus and comments
    left out); its title and publication date, when the page has them, become a
    metadata header that ``load_article`` reads like any other. The date is taken only
    from publication metadata (``article:published_time`` and similar meta tags,
    ``itemprop``/JSON-LD ``datePublished``, ``<time datetime>``, a dated canonical
    URL), never guessed from the page's text, where a "Copyright 2024" footer would
    pass for it and anchor every relative date in the article.

    Raises:
        InputError: No article text could be found in the page.
    """
    import trafilatura

    document = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        favor_precision=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = str(getattr(document, "text", None) or "")
    # A page whose "article" is a menu word or two has no article in it.
    if len(text.split()) < _MIN_HTML_WORDS:
        raise InputError(f"{source}: an HTML page with no article text that could be extracted")
    title = getattr(document, "title", None)
    date = getattr(document, "date", None)
    header = [f"title: {' '.join(str(title).split())}"] if title else []
    if date:
        header.append(f"date: {date}")
    return "\n".join(header) + ("\n\n" if header else "") + text


def read_text(path: Path, *, limit: int = DEFAULT_MAX_INPUT_BYTES) -> str:
    """Read and decode a file of at most ``limit`` bytes, reading no more than one past it.

    Raises:
        InputError: The file cannot be read or decoded, or holds more than ``limit``
            bytes; the message names the path.
        ResourceError: The system has no file handle left to open it with.
    """
    try:
        with path.open("rb") as file:
            data = file.read(limit + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except OSError as exc:
        # The system running out of file handles is no fault of the article.
        raise resource_error(exc) or InputError(
            f"{path}: cannot be read ({exc.strerror or exc})"
        ) from exc
    return decode_bytes(refuse_oversize(data, limit, str(path)), source=str(path))


def load_article(
    text: str | bytes,
    *,
    date: PartialDate | str | None = None,
    language: str | None = None,
    title: str | None = None,
    article_id: str | None = None,
) -> Article:
    """Build an ``Article`` from decoded text.

    A metadata header (``date: 2020-01-06``, ``title: …`` lines, or a bare leading
    ``date 2020-01``) is read and left out of the sentences; when no date is given or
    found there, a dateline among the first lines ("Friday, July 21, 2017") is used.

    Args:
        text: The article text.
        date: Publication date; overrides any date found in the text.
        language: ISO 639-1 code; detected from the text when omitted.
        title: Headline; otherwise taken from the header.
        article_id: An identifier to carry into the record.

    Raises:
        EmptyArticleError: The text has no sentence in it.
        InputError: ``date`` is not a valid ``YYYY[-MM[-DD]]`` date, or ``text`` is not
            text (``as_text``).
    """
    text = as_text(text, source=article_id or "input")
    if text.startswith("\ufeff"):
        text = text[1:]
    check_text(text, article_id or "input")
    page = is_html(text)
    if page:
        text = html_to_text(text, source=article_id or "input")
    metadata, body_start = _read_header(text)
    lang = language or _header_language(metadata) or detect_language(text[body_start:])
    sentences = split_sentences(text, body_start, lang)
    if not sentences:
        raise EmptyArticleError(
            f"{article_id or 'input'}: the article has no text after its header"
        )
    resolved = _resolve_date(date, metadata, text, sentences)
    warnings = []
    if page and resolved is None:
        warnings.append(
            "the HTML page gives no publication date in its metadata: relative dates are "
            "left unresolved (give the article's date to resolve them)"
        )
    return Article(
        text=text,
        body_start=body_start,
        sentences=tuple(sentences),
        language=lang,
        date=resolved,
        title=title or metadata.get("title"),
        id=article_id or metadata.get("id"),
        metadata=metadata,
        warnings=tuple(warnings),
        date_text=_date_text(date, metadata),
    )


def _read_header(text: str) -> tuple[dict[str, str], int]:
    metadata: dict[str, str] = {}
    pos = 0
    while True:
        line = _HEADER_LINE.match(text, pos)
        if line and line.group("value"):
            key = line.group("key").lower()
            if key == "date":
                try:
                    parse_iso_partial(line.group("value"))
                except ValueError:
                    break
            metadata["language" if key == "lang" else key] = line.group("value")
            pos = line.end()
            continue
        bare = _DATE_FIELD.match(text, pos)
        if bare and "date" not in metadata:
            try:
                parse_iso_partial(bare.group("value"))
            except ValueError:
                break
            metadata["date"] = bare.group("value")
            pos = bare.end()
            continue
        break
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return metadata, pos


def split_sentences(text: str, start: int, language: str) -> list[Sentence]:
    """Split ``text[start:]`` into sentences: by line first, then by a multilingual segmenter."""
    from sentencex import segment

    sentences: list[Sentence] = []
    for paragraph in _PARAGRAPH.finditer(text, start):
        cursor = paragraph.start()
        for piece in segment(language, paragraph.group()):
            stripped = piece.strip()
            if not stripped:
                continue
            found = text.find(stripped, cursor, paragraph.end())
            if found < 0:  # the segmenter altered the text; fall back to the whole line
                continue
            cursor = found + len(stripped)
            for begin, end in _cut_long(text, found, cursor):
                sentences.append(Sentence(len(sentences) + 1, begin, end, text[begin:end]))
    return sentences


#: The longest sentence kept whole. Longer runs (a transcript without punctuation, a
#: table flattened into one line) are cut at a space, after a comma or semicolon when
#: there is one, so that no sentence alone outgrows a request.
_MAX_SENTENCE = 1500
_SOFT_BREAK = re.compile(r"[,;:\u2013\u2014]\s")


def _cut_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` as pieces of at most ``_MAX_SENTENCE`` characters."""
    pieces: list[tuple[int, int]] = []
    while end - start > _MAX_SENTENCE:
        window = text[start : start + _MAX_SENTENCE]
        soft = [m.end() for m in _SOFT_BREAK.finditer(window, _MAX_SENTENCE // 2)]
        cut = soft[-1] if soft else window.rfind(" ", _MAX_SENTENCE // 2) + 1
        if cut <= 0:
            cut = _MAX_SENTENCE  # one unbroken run of characters
        piece_end = start + len(window[:cut].rstrip())
        pieces.append((start, piece_end))
        start += cut
        while start < end and text[start].isspace():
            start += 1
    pieces.append((start, end))
    return pieces


def _header_language(metadata: Mapping[str, str]) -> str | None:
    value = metadata.get("language", "").strip().lower()
    return value[:2] if len(value) >= 2 and value[:2].isalpha() else None


def _resolve_date(
    given: PartialDate | str | None,
    metadata: Mapping[str, str],
    text: str,
    sentences: list[Sentence],
) -> PartialDate | None:
    if isinstance(given, PartialDate):
        return given
    raw = given if given is not None else metadata.get("date")
    if raw is not None:
        try:
            return parse_iso_partial(raw)
        except ValueError as exc:
            raise InputError(
                f"invalid article date {raw!r}: use YYYY, YYYY-MM or YYYY-MM-DD"
            ) from exc
    return _dateline(sentences[:3])


def _date_text(given: PartialDate | str | None, metadata: Mapping[str, str]) -> str | None:
    """The words the date was read from: a given date wins over the header's, as in
    ``_resolve_date``."""
    if given is not None:
        return given if isinstance(given, str) else None
    return metadata.get("date")


def _dateline(candidates: list[Sentence]) -> PartialDate | None:
    """A short line that is nothing but a full date, as wire and wiki articles carry."""
    import dateparser

    for sentence in candidates:
        if len(sentence.text) > 40 or not _HAS_YEAR.search(sentence.text):
            continue
        parsed = dateparser.parse(
            sentence.text,
            settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]},
        )
        if parsed is not None:
            return PartialDate(parsed.year, parsed.month, parsed.day)
    return None
