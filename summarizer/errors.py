"""Every error the library raises.

The whole hierarchy::

    SummarizerError                 base class; ``exit_code`` is what the CLI exits with
    ├── InputError                  the article cannot be read (3)
    │   ├── EmptyArticleError       nothing but whitespace
    │   ├── BinaryInputError        not text at all
    │   ├── EncodingError           bytes that no text encoding explains
    │   └── DuplicateIdError        one input gives two articles the same id
    ├── OutputError                 ``-o`` names a file that cannot be written safely (2)
    │   └── OutputLockedError         another run is writing that file
    ├── ConfigurationError          no usable endpoint, bad option, missing extra (4)
    ├── EndpointError               the server could not serve the request (5)
    │   ├── EndpointUnreachableError  connection refused, DNS failure, reset
    │   ├── EndpointTimeoutError      no answer within the timeout
    │   ├── AuthenticationError       401/403: the key is missing or wrong
    │   ├── RateLimitError            429 after the retry budget was spent
    │   ├── ServerError               5xx after the retry budget was spent
    │   ├── RequestRejectedError      another 4xx, e.g. a response format the server lacks
    │   └── UnexpectedResponseError   an answer that is no chat completion (an HTML page)
    ├── ModelOutputError            the model answered, but not with a usable draft (6)
    │   └── OutputTruncatedError      the answer hit the token limit
    ├── ResourceError               the system ran out: disk full, too many open files (7)
    └── TokenBudgetError            the article's token budget was spent before it was read (8)

A record that was kept but is partial (a part of a long article failed, or the token
budget ran out after some parts were read) is no error: it carries
``quality.partial``, and the CLI exits with ``PARTIAL_EXIT_CODE`` (8) for it.

Library errors are raised ``from`` the exception that caused them, so the original
traceback stays available to programs while the CLI prints only the message. No
message carries a credential: ``redact`` takes them out of any text that came from
a server or a URL before it goes into one.
"""

from __future__ import annotations

import base64
import errno
import functools
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple

from .limits import open_file_limit
from .usage import Usage

__all__ = [
    "PARTIAL_EXIT_CODE",
    "AuthenticationError",
    "BinaryInputError",
    "ConfigurationError",
    "DuplicateIdError",
    "EmptyArticleError",
    "EncodingError",
    "EndpointError",
    "EndpointTimeoutError",
    "EndpointUnreachableError",
    "InputError",
    "ModelOutputError",
    "OutputError",
    "OutputLockedError",
    "OutputTruncatedError",
    "RateLimitError",
    "RequestRejectedError",
    "ResourceError",
    "ServerError",
    "SummarizerError",
    "TokenBudgetError",
    "UnexpectedResponseError",
    "combined_exit_code",
    "error_from_dict",
    "error_to_dict",
    "is_credential_name",
    "redact",
    "redact_secrets",
    "resource_error",
    "scrub",
]

_REDACTED = "[redacted]"
# A scheme's credentials ("Bearer sk-…", "Basic dXNlcjpw…": a base64 shape, so that
# prose such as "basic auth required" stays) and any other value given to an
# Authorization header or field, quoted or not.
_SCHEME_CREDENTIAL = re.compile(
    r"\b(Bearer\s+)[A-Za-z0-9._~+/=-]+|\b(Basic\s+)(?=[A-Za-z0-9+/]*[0-9+/=])[A-Za-z0-9+/]+=*",
    re.IGNORECASE,
)
_AUTHORIZATION = re.compile(
    r"""(authorization['"]?\s*[:=]\s*['"]?)(?!bearer\b|basic\b|\[redacted\])[^\s'",;}]+""",
    re.IGNORECASE,
)
# user:password@ in a URL.
_USERINFO = re.compile(r"(\b[a-z][a-z0-9+.-]*://)[^/@\s]*@", re.IGNORECASE)
# The names of query parameters that carry a credential (api_key, key, access_token,
# sig, X-Amz-Signature, password...).
_CREDENTIAL_NAME = re.compile(
    r"(?:^|[_.-])(?:key|apikey|token|secret|password|passwd|pwd|auth|sig|signature|"
    r"credentials?|code)$|^(?:api[_-]?key|key|token|auth.*|access[_-]?token|session.*)$",
    re.IGNORECASE,
)
# Such a parameter's value in a URL's query string.
_QUERY_CREDENTIAL = re.compile(r"([?&])([^=&#\s]+)=([^&#\s'\"]*)")


def is_credential_name(name: str) -> bool:
    """Whether a URL query parameter named ``name`` carries a credential."""
    return bool(_CREDENTIAL_NAME.search(name))


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` without credentials: each of ``secrets`` (any piece of
    ``_FRAGMENT`` characters of one, or of its base64 form, too, also percent- or
    hex-encoded, escaped, or with invisible characters between), any ``Authorization``
    value, any ``user:password@`` in a URL and any credential in a URL's query are
    taken out.

    Args:
        text: A message that may quote a server's answer, a header or a URL.
        secrets: Values that must never appear (an API key, a password); empty ones
            are ignored.
    """
    text = redact_secrets(text, secrets)
    text = _SCHEME_CREDENTIAL.sub(lambda m: f"{m.group(1) or m.group(2)}{_REDACTED}", text)
    text = _AUTHORIZATION.sub(rf"\1{_REDACTED}", text)
    text = _QUERY_CREDENTIAL.sub(
        lambda m: f"{m[1]}{m[2]}={_REDACTED}" if is_credential_name(m[2]) else m[0], text
    )
    return _USERINFO.sub(r"\1", text)


def redact_secrets(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` without ``secrets`` (nor any piece of ``_FRAGMENT`` characters of one, or
    of its base64 form), in any disguise ``_views`` sees through; unlike ``redact``,
    nothing else is touched, so that a model's text about "basic income" or
    "authorization: granted" stays as it was written."""
    pieces = _pieces(tuple(sorted({s for s in secrets if s})))
    if not pieces or len(text) < min(pieces):
        return text
    # Where each hidden key begins (+1) and ends (-1) in ``text``: intervals, not a flag
    # per character, so that a window spread over a long run of invisible characters
    # costs no more than any other.
    bounds = [0] * (len(text) + 1)
    for view in _views(text, 2 * min(pieces)):
        chars, starts, ends = view
        for size, wanted in pieces.items():
            for i in range(len(chars) - size + 1):
                if chars[i : i + size] in wanted:
                    bounds[starts[i]] += 1
                    bounds[ends[i + size - 1]] -= 1
    out: list[str] = []
    depth = 0
    for i, char in enumerate(text):
        was, depth = depth, depth + bounds[i]
        if not depth:
            out.append(char)
        elif not was:
            out.append(_REDACTED)
    return "".join(out)


def scrub(value: Any, secrets: Iterable[str | None]) -> Any:
    """``value`` (JSON-like data: an answer) with ``redact_secrets`` applied to every
    string in it, keys included."""
    secrets = tuple(s for s in secrets if s)
    if not secrets:
        return value
    if isinstance(value, str):
        return redact_secrets(value, secrets)
    if isinstance(value, dict):
        return {scrub(k, secrets): scrub(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, secrets) for v in value]
    return value


#: The shortest piece of a secret that counts as the secret: a server may echo half a key.
_FRAGMENT = 12


@functools.lru_cache(maxsize=8)
def _pieces(secrets: tuple[str, ...]) -> dict[int, frozenset[str]]:
    """The runs of characters that count as one of ``secrets``, by length: every
    ``_FRAGMENT`` characters of each of its forms, and a secret shorter than that whole."""
    pieces: dict[int, set[str]] = {}
    for secret in secrets:
        if len(secret) < _FRAGMENT:
            pieces.setdefault(len(secret), set()).add(secret)
        for form in _forms(secret):
            found = pieces.setdefault(_FRAGMENT, set())
            found.update(form[i : i + _FRAGMENT] for i in range(len(form) - _FRAGMENT + 1))
    return {size: frozenset(found) for size, found in pieces.items()}


def _forms(secret: str) -> list[str]:
    """``secret`` as a server may echo it: as it is, its UTF-8 bytes read one character
    each (what ``_views`` decodes a non-ASCII key to), and base64-encoded (standard and
    URL-safe) at each of the three alignments it can have inside a longer base64 text,
    keeping only the characters that depend on the secret alone."""
    raw = secret.encode("utf-8", "surrogatepass")
    forms = [secret, raw.decode("latin-1")]
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + raw).decode("ascii")
        # The leading characters mix in the bytes before it; a last partial group, the
        # bytes after it.
        inner = encoded[(0, 2, 3)[shift] : len(encoded) - (4 if (shift + len(raw)) % 3 else 0)]
        forms += [inner, inner.replace("+", "-").replace("/", "_")]
    return [f for f in dict.fromkeys(forms) if len(f) >= _FRAGMENT]


# Characters that show as nothing: put between a key's characters, they hide it from a
# plain search and not from a reader.
_INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff")
# A run of URL escapes (%2D, or %E2%80%8B for one UTF-8 character), a JSON or Python
# escape (\u002d, \x2d) or an HTML character reference (&#45;, &#x2d;).
_ESCAPE = re.compile(
    r"((?:%[0-9A-Fa-f]{2})+)|\\u([0-9A-Fa-f]{4})|\\x([0-9A-Fa-f]{2})"
    r"|&#(?:[xX]([0-9A-Fa-f]{1,6})|([0-9]{1,7}));"
)
# Escapes within escapes: a URL put into another URL's query is encoded twice.
_DECODINGS = 3


class _View(NamedTuple):
    """``text`` decoded: ``chars``, and for each of them where it begins and ends in the
    text it came from."""

    chars: str
    starts: list[int]
    ends: list[int]


def _views(text: str, hex_run: int) -> list[_View]:
    """``text`` as it is and as each disguise of a key in it would decode: its escapes
    undone and invisible characters dropped (repeatedly, for escapes of escapes), then
    runs of ``hex_run`` or more hex digits read as bytes, from either of their first two
    digits. Each view is linear in ``text``."""
    views = [_View(text, list(range(len(text))), list(range(1, len(text) + 1)))]
    for _ in range(_DECODINGS):
        last = views[-1].chars
        if not (_INVISIBLE.intersection(last) or _ESCAPE.search(last)):
            break
        views.append(_decoded(views[-1]))
    digits = re.compile(f"[0-9A-Fa-f]{{{hex_run},}}")
    if digits.search(views[-1].chars):
        views += [_unhexed(views[-1], digits, shift) for shift in (0, 1)]
    return views


def _decoded(view: _View) -> _View:
    """``view`` with its escapes undone and its invisible characters dropped."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def keep(char: str, start: int, end: int) -> None:
        if char not in _INVISIBLE:
            chars.append(char)
            starts.append(view.starts[start])
            ends.append(view.ends[end - 1])

    done = 0
    for match in _ESCAPE.finditer(view.chars):
        for i in range(done, match.start()):
            keep(view.chars[i], i, i + 1)
        done = match.end()
        if match[1]:
            data = bytes.fromhex(match[1].replace("%", ""))
            for char, first, last in _characters(data):
                keep(char, match.start() + 3 * first, match.start() + 3 * last)
            continue
        code = int(next(g for g in match.groups()[1:] if g), 10 if match[5] else 16)
        keep(chr(code) if code <= sys.maxunicode else match[0], match.start(), match.end())
    for i in range(done, len(view.chars)):
        keep(view.chars[i], i, i + 1)
    return _View("".join(chars), starts, ends)


def _unhexed(view: _View, digits: re.Pattern[str], shift: int) -> _View:
    """``view`` with each run of ``digits`` read as bytes from its ``shift``-th digit."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    done = 0
    for match in digits.finditer(view.chars):
        begin = match.start() + shift
        stop = begin + (match.end() - begin) // 2 * 2
        chars.append(view.chars[done:begin])
        starts += view.starts[done:begin]
        ends += view.ends[done:begin]
        for char, first, last in _characters(bytes.fromhex(view.chars[begin:stop])):
            chars.append(char)
            starts.append(view.starts[begin + 2 * first])
            ends.append(view.ends[begin + 2 * last - 1])
        done = stop
    chars.append(view.chars[done:])
    starts += view.starts[done:]
    ends += view.ends[done:]
    return _View("".join(chars), starts, ends)


def _characters(data: bytes) -> Iterator[tuple[str, int, int]]:
    """Each character ``data`` holds, with the bytes it came from: UTF-8 where the bytes
    are UTF-8, else one character per byte."""
    i = 0
    while i < len(data):
        size = 1 if data[i] < 0xC0 else 2 if data[i] < 0xE0 else 3 if data[i] < 0xF0 else 4
        try:
            char = data[i : i + size].decode("utf-8")
        except UnicodeDecodeError:
            char, size = chr(data[i]), 1
        yield char, i, i + size
        i += size


class SummarizerError(Exception):
    """Base class of every error raised by summarizer.

    Args:
        message: What went wrong, and what to do about it.
        usage: For errors met while talking to a model, what the attempts cost.

    Attributes:
        exit_code: The CLI's exit status for this kind of error.
        usage: What the attempts cost; ``None`` when no model was asked.
    """

    exit_code: int = 1

    def __init__(self, message: str = "", *, usage: Usage | None = None) -> None:
        super().__init__(message)
        self.usage = usage


def error_to_dict(error: SummarizerError) -> dict[str, Any]:
    """An error as JSON data, as an error line carries it: its kind, message and exit
    status; ``error_from_dict`` reads it back."""
    return {"type": type(error).__name__, "message": str(error), "exit_code": error.exit_code}


def error_from_dict(data: Mapping[str, Any], *, usage: Usage | None = None) -> SummarizerError:
    """The error ``error_to_dict`` wrote, with what it cost: of its kind (a
    ``SummarizerError`` when the kind is none of this module's), with its message and,
    when the data holds one, its exit status."""
    kind = globals().get(str(data.get("type")))
    if not (isinstance(kind, type) and issubclass(kind, SummarizerError)):
        kind = SummarizerError
    error = kind(str(data.get("message", "")), usage=usage)
    if data.get("exit_code") is not None:
        error.exit_code = int(data["exit_code"])
    return error


class InputError(SummarizerError):
    """The article could not be read as text."""

    exit_code = 3


class EmptyArticleError(InputError):
    """The article is empty or whitespace only."""


class BinaryInputError(InputError):
    """The input is binary data, not text."""


class EncodingError(InputError):
    """The input's bytes could not be decoded with any plausible encoding."""


class DuplicateIdError(InputError):
    """Two articles of the same input share an id, so output and resuming cannot tell them apart."""


class OutputError(SummarizerError):
    """The output file cannot be used: it is an input, or a file this program did not write."""

    exit_code = 2


class OutputLockedError(OutputError):
    """Another run holds the output file; writing it too would pay for every article twice."""


class ConfigurationError(SummarizerError):
    """The run is not configured well enough to start (endpoint, model, options)."""

    exit_code = 4


class EndpointError(SummarizerError):
    """The model server could not serve the request."""

    exit_code = 5

    def __init__(self, message: str, *, url: str | None = None, usage: Usage | None = None) -> None:
        super().__init__(message, usage=usage)
        self.url = url


class EndpointUnreachableError(EndpointError):
    """No connection could be made to the server, or it dropped the connection."""


class EndpointTimeoutError(EndpointError):
    """The server did not answer within the configured timeout."""


class AuthenticationError(EndpointError):
    """The server refused the credentials (HTTP 401 or 403)."""


class RateLimitError(EndpointError):
    """The server kept answering HTTP 429 until the retry budget was spent."""


class ServerError(EndpointError):
    """The server kept failing with HTTP 5xx until the retry budget was spent."""


class RequestRejectedError(EndpointError):
    """The server rejected the request itself (HTTP 4xx other than 401, 403, 429)."""


class UnexpectedResponseError(EndpointError):
    """The server answered, but not with a chat completion (e.g. a web page at a wrong URL)."""


class ModelOutputError(SummarizerError):
    """The model answered, but no usable draft could be read from its answer."""

    exit_code = 6


class OutputTruncatedError(ModelOutputError):
    """The model's answer was cut off by the output token limit."""


class ResourceError(SummarizerError):
    """The system ran out of something the run needs: disk space, file handles, memory.

    Nothing is wrong with the article, the endpoint or the model: the same command
    works once the resource is freed (and resumes, with a JSONL ``-o`` file).
    """

    exit_code = 7


#: The CLI's exit status when a record was kept but some of its article was not read.
PARTIAL_EXIT_CODE = 8


def combined_exit_code(codes: Iterable[int]) -> int:
    """The exit status of a run whose articles ended with ``codes`` (0 for none).

    One kind of failure gives its own code. A partial record (8) speaks only when nothing
    failed outright, since a failure needs the operator more; failures of different
    kinds give 1.
    """
    found = set(codes) - {0}
    failed = found - {PARTIAL_EXIT_CODE} or found
    if not failed:
        return 0
    return next(iter(failed)) if len(failed) == 1 else 1


class TokenBudgetError(SummarizerError):
    """The article's token budget (``Settings.max_tokens_per_article``) was spent, or
    would be by the next request, before any part of it was read."""

    exit_code = PARTIAL_EXIT_CODE


_RESOURCES = {
    errno.ENOSPC: "no space left on the device; free some and rerun",
    errno.EDQUOT: "the disk quota is used up; free some space and rerun",
    errno.EMFILE: "too many open files (ulimit -n{limit}): raise the limit, or lower the "
    "concurrency (-j)",
    errno.ENFILE: "too many open files in the system; lower the concurrency (-j)",
    errno.ENOMEM: "out of memory",
}
#: Running out of file handles fails on whichever file came next (a module of a library
#: imported on first use, a socket): its name says nothing about what to do.
_ANY_FILE = frozenset({errno.EMFILE, errno.ENFILE})


def resource_error(exc: BaseException, *, usage: Usage | None = None) -> ResourceError | None:
    """A ``ResourceError`` if ``exc``, or an exception it came from, is the system running
    out of disk space, file handles or memory; else ``None``. ``usage`` is what the
    attempts cost, when a model was being asked."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _RESOURCES:
            named = current.filename and current.errno not in _ANY_FILE
            where = f" ({current.filename})" if named else ""
            limit = open_file_limit()
            what = _RESOURCES[current.errno].format(limit="" if limit is None else f" is {limit}")
            return ResourceError(f"{what}{where}", usage=usage)
        current = current.__cause__ or current.__context__
    return None
