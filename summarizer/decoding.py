"""Internal: Bytes to text: UTF-8 and byte-order marks, UTF-16 without one, legacy code pages.

Text must never reach the model as mojibake, so every reading is checked:

- UTF-8 (with or without BOM) and BOM-marked UTF-16/32 are read directly.
- UTF-16 without a BOM is told from binary data by its NUL bytes: the high byte of
  every ASCII character, all on one side of each pair (see ``_utf16``).
- Other bytes are read in each of the legacy Windows code pages of Latin-script
  Europe (``_LEGACY``), and the reading that is most plausible over the whole text
  wins (see ``_implausibility``): statistical detection alone takes a short French or
  Czech sentence for another code page, while a wrong code page gives letters that no
  one language writes together ("rozpoèet": Czech č read as Windows-1252's è beside
  á), signs inside words ("Preºedintele") or mixed scripts.
  When several are plausible (a short line), the language decides (``_fit_to_language``).
- A file whose lines mix UTF-8 and one legacy code page is read line by line
  (``_by_line``), or refused when no code page reads its other lines.
- Cyrillic is read in Windows-1251 or KOI8, whichever gives common letters
  (``_cyrillic``).
- When no reading is plausible (Greek, Hebrew, Arabic, East Asian text),
  charset-normalizer identifies the encoding, and the bytes are refused when no
  encoding explains them well.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

from .errors import BinaryInputError, EmptyArticleError, EncodingError, InputError

__all__ = ["check_text", "decode_bytes", "is_text", "refuse_oversize"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# Control characters other than tab, newline, form feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

#: The legacy code pages tried, commonest first: a tie goes to the earlier one. Each
#: covers the languages of its region: Western (1252, and ISO-8859-1, which differs
#: only at bytes 0x80-0x9F, control characters no text holds), Central European
#: (1250: Czech, Slovak, Polish, Hungarian, Romanian, Croatian, Slovene), Turkish
#: (1254) and Baltic (1257).
_LEGACY = ("cp1252", "cp1250", "cp1254", "cp1257")
#: The Cyrillic code pages tried when no Latin one reads the bytes, commonest first.
_CYRILLIC = ("cp1251", "koi8_r", "koi8_u")
#: The commonest letters of Russian, Ukrainian and Bulgarian text: about 70% of its
#: letters (in a wrong Cyrillic code page, 10-45%).
_COMMON_CYRILLIC = frozenset("оеаинтсрвлі")
#: A Cyrillic reading with more than this share of other letters is no reading.
_UNCOMMON = 0.6
#: A reading whose share of doubtful non-ASCII characters is above this is no reading.
_PLAUSIBLE = 0.1


def _alphabet(letters: str) -> frozenset[str]:
    return frozenset(letters) | frozenset(letters.upper())


#: The non-ASCII letters each language written in those code pages uses, by ISO 639-1
#: code (the codes the language detector gives).
_ALPHABET_OF = {
    "fr": _alphabet("àâæçéèêëîïôœùûüÿ"),
    "de": _alphabet("äöüß"),
    **dict.fromkeys(("es", "gl", "eu"), _alphabet("áéíñóúü")),
    "pt": _alphabet("áâãàçéêíóôõú"),
    "it": _alphabet("àèéìíîòóùú"),
    "ca": _alphabet("àçèéíïòóúü"),
    "nl": _alphabet("éèëïóöü"),
    **dict.fromkeys(("da", "nb", "nn", "no"), _alphabet("æøåéó")),
    "sv": _alphabet("åäöé"),
    "fi": _alphabet("äöåšž"),
    "is": _alphabet("áðéíóúýþæö"),
    "sq": _alphabet("çë"),
    "cs": _alphabet("áčďéěíňóřšťúůýž"),
    "sk": _alphabet("áäčďéíĺľňóôŕšťúýž"),
    "pl": _alphabet("ąćęłńóśźż"),
    "hu": _alphabet("áéíóöőúüű"),
    "ro": _alphabet("ăâîşţșț"),
    **dict.fromkeys(("hr", "bs", "sr", "sl"), _alphabet("čćđšž")),
    "tr": _alphabet("çğıöşüâîû") | {"İ"},
    "lt": _alphabet("ąčęėįšųūž"),
    "lv": _alphabet("āčēģīķļņšūž"),
    "et": _alphabet("äõöüšž"),
}
_ALPHABETS = tuple(dict.fromkeys(_ALPHABET_OF.values()))
#: Signs such text uses besides letters.
_SIGNS = frozenset("\xa0«»“”‘’„\u201a‹›–—…•·°§©®™€£¥¢±\xd7÷½¼¾¶†‡¡¿ºª")
#: Signs that may stand between two letters: an apostrophe (l’état), Catalan's l·l, a
#: soft hyphen.
_IN_WORD = frozenset("’‘·\xad")
_WORD = re.compile(r"[^\W\d_]+")
_BETWEEN_LETTERS = re.compile(r"(?<=[^\W\d_])[^\w\s](?=[^\W\d_])")


def decode_bytes(data: bytes, *, source: str = "input") -> str:
    """Decode raw bytes to text, refusing binary data and undecodable bytes.

    Raises:
        EmptyArticleError: No bytes, or only whitespace.
        BinaryInputError: The bytes are not text.
        EncodingError: No encoding decodes them plausibly.
    """
    if not data.strip():
        raise EmptyArticleError(f"{source}: the article is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return check_text(data[len(bom) :].decode(encoding), source)
            except UnicodeDecodeError as exc:
                raise EncodingError(
                    f"{source}: invalid {encoding} after its byte-order mark"
                ) from exc
    if b"\x00" in data:
        utf16 = _utf16(data)
        if utf16 is None:
            raise BinaryInputError(f"{source}: binary data (NUL bytes), not a text article")
        return check_text(utf16, source)
    try:
        return check_text(data.decode("utf-8"), source)
    except UnicodeDecodeError:
        pass
    mixed = _by_line(data, source)
    if mixed is not None:
        return check_text(mixed, source)
    legacy = _legacy(data) or _cyrillic(data)
    if legacy is not None:
        return check_text(legacy, source)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > 0.2:
        raise EncodingError(
            f"{source}: not valid UTF-8 and no other encoding explains it; "
            "convert the file to UTF-8 first"
        )
    return check_text(str(best), source)


def refuse_oversize(data: bytes, limit: int, source: str) -> bytes:
    """``data``, read as at most ``limit`` + 1 bytes, if it holds no more than ``limit``.

    Raises:
        InputError: It holds more.
    """
    if len(data) > limit:
        raise InputError(
            f"{source}: more than {limit:,} bytes, the limit on one input; raise it "
            "with Settings.max_input_bytes (SUMMARIZER_MAX_INPUT_BYTES) if this is what you meant "
            "to read"
        )
    return data


def _utf16(data: bytes) -> str | None:
    """``data`` as UTF-16 without a byte-order mark, if it is that; else ``None``.

    Text in UTF-16 has a NUL byte in every ASCII character (spaces, digits and
    punctuation, in any script), always on the same side of the pair: odd offsets in
    little-endian, even in big-endian. Binary data has them anywhere.
    """
    if len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if (even and odd) or even + odd < len(data) // 20:
        return None
    try:
        text = data.decode("utf-16-be" if even else "utf-16-le")
    except UnicodeDecodeError:
        return None
    # Text decoded from binary data by mistake holds control characters, or no letter.
    return text if not _CONTROL.search(text) and any(c.isalpha() for c in text) else None


def _by_line(data: bytes, source: str) -> str | None:
    """``data`` decoded line by line, if some of its lines are UTF-8 and others are in a
    legacy code page (text pasted from two sources); ``None`` if it is not so mixed.

    A line is UTF-8 if it decodes as UTF-8 into plausible text: legacy bytes that happen
    to be valid UTF-8 ("PÓŁ" in Windows-1250 is "Pӣ") give letters no language writes
    together. The other lines are read in the one code page that reads them all best.

    Raises:
        EncodingError: Some lines are UTF-8 and no code page reads the others.
    """
    utf8: list[int] = []
    other: list[int] = []
    lines = data.splitlines(keepends=True)
    texts: list[str | None] = [None] * len(lines)
    for number, line in enumerate(lines):
        if line.isascii():
            texts[number] = line.decode("ascii")
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            other.append(number)
            continue
        if _implausibility(text) <= _PLAUSIBLE:
            texts[number] = text
            utf8.append(number)
        else:
            other.append(number)
    if not utf8 or not other:
        return None
    encoding = _legacy_encoding(b"".join(lines[number] for number in other))
    if encoding is None:
        raise EncodingError(
            f"{source}: line {utf8[0] + 1} is UTF-8 but line {other[0] + 1} is in no encoding "
            "that reads it; convert the file to UTF-8 first"
        )
    for number in other:
        texts[number] = lines[number].decode(encoding)
    return "".join(text or "" for text in texts)


def _legacy(data: bytes) -> str | None:
    """The most plausible reading of ``data`` in the legacy code pages, if one is."""
    encoding = _legacy_encoding(data)
    return None if encoding is None else data.decode(encoding)


def _legacy_encoding(data: bytes) -> str | None:
    """The legacy code page that reads ``data`` most plausibly, if one does.

    A short text often reads plausibly in more than one ("odluèila" is as French as
    "odlučila" is Croatian, letter by letter): then the language decides. Its words are
    mostly ASCII and so the same in every reading, and the detector names it (as
    Croatian) from them even through a wrong reading; the reading whose letters belong
    to the language named with the most confidence is the one written.
    """
    readings: dict[str, tuple[float, str]] = {}
    for encoding in _LEGACY:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:  # a byte the code page leaves undefined
            continue
        readings.setdefault(text, (_implausibility(text), encoding))  # the first of equals
    plausible = [text for text, (score, _) in readings.items() if score <= _PLAUSIBLE]
    if len(plausible) > 1:
        fit = _fit_to_language(plausible)
        plausible = [max(plausible, key=lambda text: (fit[text], -readings[text][0]))]
    return readings[plausible[0]][1] if plausible else None


def _cyrillic(data: bytes) -> str | None:
    """``data`` read in the Cyrillic code page whose reading is likeliest Russian,
    Ukrainian or Bulgarian text, if one reads it as Cyrillic at all. KOI8 puts letters
    where Windows-1251 puts others, so a wrong reading swaps common letters for rare
    ones and small letters for capitals (inside words, too); statistical detection
    takes a short line of either for Japanese half-width katakana."""
    readings: list[tuple[float, str]] = []
    for encoding in _CYRILLIC:
        text = data.decode(encoding, errors="replace")
        foreign = [c for c in text if c >= "\x80" and c not in _SIGNS]
        if not foreign or not all(unicodedata.name(c, "").startswith("CYRILLIC") for c in foreign):
            continue
        letters = [c for c in foreign if c.isalpha()]
        common = sum(c.lower() in _COMMON_CYRILLIC for c in letters)
        inside = sum(
            a.islower() and b.isupper()
            for word in _WORD.findall(text)
            for a, b in itertools.pairwise(word)
        )
        readings.append((1 - (common - inside) / len(letters), text))
    if not readings:
        return None
    score, text = min(readings, key=lambda reading: reading[0])  # the first of equals
    return text if score <= _UNCOMMON else None


def _fit_to_language(readings: list[str]) -> dict[str, float]:
    """How well each of ``readings`` (of the same bytes) fits the text's language: the
    detector's confidence in each language, read from what all readings share (their
    ASCII), in the likeliest language whose alphabet holds all the reading's letters
    (not a sum over them: a letter that many languages share, such as š, is no likelier
    for it than đ, which one language group uses)."""
    from .language import language_confidences

    shared = "".join(c for c in readings[0] if c < "\x80")
    confidences = language_confidences(shared)
    return {
        text: max(
            (
                confidence
                for code, confidence in confidences
                if (alphabet := _ALPHABET_OF.get(code))
                and all(c in alphabet for c in text if c >= "\x80" and c.isalpha())
            ),
            default=0.0,
        )
        for text in readings
    }


def _implausibility(text: str) -> float:
    """The share of ``text``'s non-ASCII characters that a wrong code page would explain.

    Counted: letters outside the alphabet of the language that explains the most of
    them, and (twice) characters that are neither letters nor signs of such text, signs
    wedged between letters, words that mix scripts, and a capital after a small letter
    inside a word.
    """
    foreign = [c for c in text if c >= "\x80"]
    if not foreign:
        return 0.0
    letters = [c for c in foreign if c.isalpha()]
    misfits = min(sum(c not in alphabet for c in letters) for alphabet in _ALPHABETS)
    odd = sum(not c.isalpha() and c not in _SIGNS for c in foreign)
    odd += sum(
        m.group() >= "\x80" and m.group() not in _IN_WORD for m in _BETWEEN_LETTERS.finditer(text)
    )
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        if len({unicodedata.name(c, "?").split()[0] for c in word}) > 1:
            odd += 1
        pairs = itertools.pairwise(word)
        odd += sum(a.islower() and b.isupper() and b >= "\x80" for a, b in pairs)
    return (misfits + 2 * odd) / len(foreign)


def is_text(value: str) -> bool:
    """Whether ``value`` can be written as UTF-8: it holds no lone surrogate.

    A JSON ``\\ud800`` escape without its pair decodes to one, and neither a request
    nor an output line can carry it.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_text(text: str, source: str) -> str:
    """``text``, if it is an article's text: not empty, not binary, all of it text.

    Raises:
        EmptyArticleError: Only whitespace.
        EncodingError: A lone surrogate.
        BinaryInputError: NUL bytes, or many control characters.
    """
    if not text.strip():
        raise EmptyArticleError(f"{source}: the article is empty")
    if not is_text(text):
        raise EncodingError(
            f"{source}: the text holds a lone surrogate (half of a UTF-16 pair), which is not text"
        )
    # Text that was never bytes here (a JSONL field, a library string) is refused on the
    # same grounds as a file's bytes.
    if "\x00" in text:
        raise BinaryInputError(f"{source}: binary data (NUL bytes), not a text article")
    controls = len(_CONTROL.findall(text))
    if controls > max(3, len(text) // 100):
        raise BinaryInputError(f"{source}: binary data ({controls} control characters), not text")
    return text
