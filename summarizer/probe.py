"""Internal: ``summarizer check``: is an endpoint reachable, and does it give valid
structured output?"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import openai

from .errors import SummarizerError
from .pipeline import Summarizer

__all__ = ["Probe", "probe"]

_PROBE_TEXT = (
    "date: 2024-03-04\n"
    "The mayor of Lyon, Grégory Doucet, on Monday asked the government to fund the new tram line."
)


@dataclass(slots=True)
class Probe:
    """What ``probe`` found: the report's lines, and the exit status it calls for.

    ``exit_code`` is 0 when the extraction in the configured mode worked (and, with
    ``all_modes``, some mode did), else the status of the error that made it fail, so
    that a script can tell from ``summarizer check`` alone whether the endpoint is
    usable as configured. A mode that fails under ``all_modes`` is only advice.
    """

    lines: list[str] = field(default_factory=list)
    exit_code: int = 0
    #: With ``all_modes``: the first mode that gave a valid answer (``Settings.mode``),
    #: or ``None`` when none did or none was tried.
    recommended_mode: str | None = None


def probe(summarizer: Summarizer, *, all_modes: bool = False) -> Probe:
    """Report on the summarizer's endpoint, line by line.

    Lists the models the server offers, then summarises a one-sentence article and
    reports whether the answer validated, how many attempts it took and how long. With
    ``all_modes``, tries every structured-output mode once and says which to use.

    Raises:
        SummarizerError: The endpoint cannot be resolved or reached.
    """
    report = Probe()
    endpoint = summarizer.endpoint
    lines = [
        f"endpoint: {endpoint.base_url}",
        f"backend:  {endpoint.backend.name} ({endpoint.backend.description})",
        f"mode:     {endpoint.mode}",
        f"model:    {endpoint.model}",
    ]
    lines.append(f"models:   {asyncio.run(_models(summarizer))}")
    started = time.perf_counter()
    try:
        record = summarizer.summarize(_PROBE_TEXT)
    except SummarizerError as exc:
        lines.append(f"extract:  FAILED: {exc}")
        report.exit_code = exc.exit_code
    else:
        q = record.quality
        verdict = "ok" if not q.warnings else "answered, with problems"
        lines.append(
            f"extract:  {verdict}: {q.attempts} attempt(s), {q.reasks} re-ask(s), "
            f"{q.prompt_tokens}+{q.completion_tokens} tokens, {time.perf_counter() - started:.1f}s"
        )
        lines += [f"warning:  {w}" for w in q.warnings]
    if all_modes:
        mode_lines, mode_failure, report.recommended_mode = _try_modes(summarizer)
        lines += mode_lines
        report.exit_code = report.exit_code or mode_failure
    report.lines = lines
    return report


# Best first: constrained decoding beats a schema that is only asked for in the prompt.
_PREFERENCE = ("json_schema", "json_object_schema", "tools", "json_object", "md_json")


def _try_modes(summarizer: Summarizer) -> tuple[list[str], int, str | None]:
    """The line for each mode; 0 if one worked, else the last failure's exit status; the
    first mode that worked."""
    endpoint = summarizer.endpoint
    working = []
    lines = []
    failure = 6  # no error, but no mode gave a valid answer: the model's fault
    for mode in _PREFERENCE:
        settings = summarizer.settings.replace(
            # The settings' URL keeps any credentials it carries; the endpoint's shows none.
            base_url=summarizer.settings.base_url or endpoint.base_url,
            backend=endpoint.backend.name,
            model=endpoint.model,
            mode=mode,
            max_attempts=1,
            max_reasks=0,
            # The probe article is one sentence: a longer answer is a model running on.
            max_output_tokens=min(summarizer.settings.max_output_tokens, 1024),
        )
        started = time.perf_counter()
        try:
            with Summarizer(settings) as trial:
                record = trial.summarize(_PROBE_TEXT)
        except SummarizerError as exc:
            lines.append(f"mode {mode:18} FAILED: {exc}")
            failure = exc.exit_code
            continue
        elapsed = time.perf_counter() - started
        verdict = "ok" if not record.quality.warnings else "answered, with problems"
        lines.append(f"mode {mode:18} {verdict} ({elapsed:.1f}s)")
        if verdict == "ok":
            working.append(mode)
    if working:
        return lines, 0, working[0]
    return lines, failure, None


async def _models(summarizer: Summarizer) -> str:
    endpoint = summarizer.endpoint
    client = openai.AsyncOpenAI(
        **endpoint.client_options(),
        max_retries=0,
        timeout=min(summarizer.settings.timeout, 30),
    )
    models = client.models  # imported on first use: outside the deadline
    try:
        async with asyncio.timeout(min(summarizer.settings.timeout, 30)):
            page = await models.list()
        names = [model.id for model in page.data]
    except (openai.OpenAIError, TimeoutError) as exc:
        return f"not listed ({type(exc).__name__})"
    finally:
        await client.close()
    return ", ".join(names[:20]) + (f" … ({len(names)} in all)" if len(names) > 20 else "")
