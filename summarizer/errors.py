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
import re
from collections.abc import Iterable, Mapping
from typing import Any

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
    ``_FRAGMENT`` characters of one, or of its base64 form, too), any ``Authorization``
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
    of its base64 form); unlike ``redact``, nothing else is touched, so that a model's
    text about "basic income" or "authorization: granted" stays as it was written."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, _REDACTED)
        for form in _forms(secret):
            text = _without_fragments(text, form)
    return text


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


def _forms(secret: str) -> list[str]:
    """``secret`` as a server may echo it: as it is, and base64-encoded (standard and
    URL-safe) at each of the three alignments it can have inside a longer base64 text,
    keeping only the characters that depend on the secret alone."""
    forms = [secret]
    raw = secret.encode("utf-8", "surrogatepass")
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + raw).decode("ascii")
        # The leading characters mix in the bytes before it; a last partial group, the
        # bytes after it.
        inner = encoded[(0, 2, 3)[shift] : len(encoded) - (4 if (shift + len(raw)) % 3 else 0)]
        forms += [inner, inner.replace("+", "-").replace("/", "_")]
    return [f for f in dict.fromkeys(forms) if len(f) >= _FRAGMENT]


def _without_fragments(text: str, form: str) -> str:
    """``text`` with each run of ``_FRAGMENT`` or more characters of ``form`` taken out."""
    if len(text) < _FRAGMENT:
        return text
    pieces = {form[i : i + _FRAGMENT] for i in range(len(form) - _FRAGMENT + 1)}
    covered = [False] * len(text)
    for i in range(len(text) - _FRAGMENT + 1):
        if text[i : i + _FRAGMENT] in pieces:
            covered[i : i + _FRAGMENT] = [True] * _FRAGMENT
    if not any(covered):
        return text
    out: list[str] = []
    for i, char in enumerate(text):
        if not covered[i]:
            out.append(char)
        elif i == 0 or not covered[i - 1]:
            out.append(_REDACTED)
    return "".join(out)


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
