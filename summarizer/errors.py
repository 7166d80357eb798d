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
    │   └── RequestRejectedError      another 4xx, e.g. a response format the server lacks
    └── ModelOutputError            the model answered, but not with a usable draft (6)
        └── OutputTruncatedError      the answer hit the token limit

Library errors are raised ``from`` the exception that caused them, so the original
traceback stays available to programs while the CLI prints only the message.
"""

from __future__ import annotations

__all__ = [
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
    "ServerError",
    "SummarizerError",
]


class SummarizerError(Exception):
    """Base class of every error raised by summarizer.

    Attributes:
        exit_code: The CLI's exit status for this kind of error.
        usage: For errors met while talking to a model, what the attempts cost
            (``summarizer.llm.Usage``); otherwise ``None``.
    """

    exit_code: int = 1
    usage: object | None = None


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

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
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


class ModelOutputError(SummarizerError):
    """The model answered, but no usable draft could be read from its answer."""

    exit_code = 6


class OutputTruncatedError(ModelOutputError):
    """The model's answer was cut off by the output token limit."""
