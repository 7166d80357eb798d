"""What calls cost: usage arithmetic and the cost estimate from the price table."""

from __future__ import annotations

from summarizer import Usage
from summarizer.connection import BACKENDS, Endpoint


def test_usages_add_up_call_by_call_and_token_by_token() -> None:
    assert Usage(1, 10, 5) + Usage(2, 20, 7) == Usage(3, 30, 12)


def test_cost_is_estimated_from_the_price_table_or_said_unknown() -> None:
    million = Usage(prompt_tokens=1_000_000, completion_tokens=1_000_000)
    # gpt-4o-mini: $0.15 per million input tokens, $0.60 per million output tokens.
    assert million.cost("gpt-4o-mini", provider="openai").startswith("$0.7500 (genai-prices ")
    assert million.cost("some-new-model", provider="openai").startswith("unknown")
    assert million.cost("x", provider=None).startswith("unknown")
    assert million.cost("gemma-3-270m", provider=None, local=True) == "$0 (local)"


def test_each_backend_profile_says_how_its_tokens_are_priced() -> None:
    spent = Usage(prompt_tokens=1_000_000, completion_tokens=0)
    hosted = Endpoint("https://api.openai.com/v1", "gpt-4o-mini", BACKENDS["openai"], "json_schema")
    assert hosted.cost(spent).startswith("$0.1500")
    for name in ("ollama", "llama-server", "lmstudio", "llama-cpp-python"):
        assert Endpoint("http://h/v1", "m", BACKENDS[name], "json_schema").cost(spent) == (
            "$0 (local)"
        ), name
    for name in ("vllm", "generic"):
        assert (
            Endpoint("http://h/v1", "m", BACKENDS[name], "md_json")
            .cost(spent)
            .startswith("unknown")
        ), name
