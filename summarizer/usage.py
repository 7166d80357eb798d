"""What calls to a model cost: requests, tokens, and what those tokens are worth.

A ``Usage`` travels with every record (in its quality block) and with every error met
while talking to a model (``SummarizerError.usage``), so a batch counts what failed
articles spent too. Prices come from ``genai-prices``, a maintained table of hosted
models' prices shipped with the package (no lookup over the network); local servers
cost nothing, and a model it does not know has no estimate rather than a guess.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["TokenBudget", "Usage"]


@dataclass(frozen=True, slots=True)
class Usage:
    """Requests sent and tokens spent, failed attempts included."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.calls + other.calls,
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
        )

    def to_dict(self, *, calls: bool = True) -> dict[str, int]:
        """The usage as JSON data, which ``from_dict`` reads back; without ``calls``, the
        tokens alone (an error line's ``usage``)."""
        data = {"calls": self.calls} if calls else {}
        return {
            **data,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | Sequence[Any]) -> Usage:
        """The usage ``to_dict`` wrote (a count it left out is 0; other keys are ignored,
        so a row that holds the counts among other columns is read too), or the
        ``[calls, prompt, completion]`` list earlier versions wrote.

        Raises:
            ValueError: A count that is not a whole number.
            TypeError: Neither a mapping nor a list of three counts.
        """
        if isinstance(data, Mapping):
            return cls(*(int(data.get(name, 0)) for name in _COUNTS))
        calls, prompt, completion = (int(value) for value in data)
        return cls(calls, prompt, completion)

    def cost(
        self, model: str, *, provider: str | None, local: bool = False, batch: bool = False
    ) -> str:
        """Estimated cost in US dollars, or why there is none.

        Args:
            model: The model name sent to the server.
            provider: Whose price list applies (``"openai"``); ``None`` when the server
                is not a hosted API with published prices.
            local: The server runs on this machine: it costs nothing per token.
            batch: The calls went through the provider's batch API, at its batch prices
                (half the standard rate at OpenAI).
        """
        if local:
            return "$0 (local)"
        if provider is None:
            return "unknown (no price for this model)"
        # Loaded only when a cost is asked for: the price table takes a second to load.
        from importlib.metadata import version

        from genai_prices import Usage as TokenCount
        from genai_prices import calc_price

        tokens = TokenCount(input_tokens=self.prompt_tokens, output_tokens=self.completion_tokens)
        try:
            price = calc_price(
                tokens,
                model_ref=model,
                provider_id=provider,
                price_context={"processing": "batch"} if batch else None,
            )
        except LookupError:
            return "unknown (no price for this model)"
        prices = "batch prices, " if batch else ""
        return f"${price.total_price:.4f} ({prices}genai-prices {version('genai-prices')})"


_COUNTS = ("calls", "prompt_tokens", "completion_tokens")


class TokenBudget:
    """The tokens one article may spend over all its requests, and what it has spent.

    Before every request (re-asks and retries included) what its prompt is likely to
    take is reserved, and the request is not sent when what is spent and reserved would
    pass the limit; when the answer comes the reservation becomes what the server says
    the call cost. Requests sent at once for the parts of a long article so never
    overshoot together; only an answer longer than foreseen can pass the limit, by at
    most its completion.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.spent = 0
        self.reserved = 0
        self._settled: asyncio.Condition | None = None

    async def reserve(self, prompt_tokens: int) -> bool:
        """Reserve room for a request whose prompt takes about ``prompt_tokens``; whether
        there was room (nothing is reserved when there was not).

        While other requests hold reservations, waits for them to settle: what they
        really cost decides whether this one fits.
        """
        if self._settled is None:
            self._settled = asyncio.Condition()
        async with self._settled:
            while self.spent + self.reserved + prompt_tokens > self.limit:
                if not self.reserved:
                    return False
                await self._settled.wait()
            self.reserved += prompt_tokens
            return True

    async def settle(self, prompt_tokens: int, usage: Usage | None = None) -> None:
        """Turn a reservation into what the request cost (nothing, when it brought no answer)."""
        self.reserved -= prompt_tokens
        if usage is not None:
            self.spent += usage.prompt_tokens + usage.completion_tokens
        if self._settled is not None:
            async with self._settled:
                self._settled.notify_all()
