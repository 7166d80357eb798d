"""Internal: Record assembly: a model's draft and the article it read become an ``ArticleSummary``.

Everything here is pure: the draft is verified against the article (``verify``), the
headline and summary are checked (``claims``), and the quality block says who answered,
what it cost and how much of the answer is proven. No request is made.
"""

from __future__ import annotations

from collections.abc import Sequence

from .article import Article
from .claims import check_claims
from .connection import Endpoint
from .draft import Draft
from .record import ArticleSummary, ChunkReport, DateValue, Quality, Unread
from .usage import Usage
from .verify import verify_draft

__all__ = ["assemble_record"]


def assemble_record(
    article: Article,
    draft: Draft,
    *,
    endpoint: Endpoint,
    prompt_version: str,
    usage: Usage | None = None,
    reasks: int = 0,
    unresolved: str | None = None,
    repairs: Sequence[str] = (),
    output_language: str | None = None,
    strict: bool = False,
    seconds: float = 0.0,
    chunks: Sequence[ChunkReport] = (),
    passes: int = 1,
    duplicates: int = 0,
    unread: Sequence[Unread] = (),
    notes: Sequence[str] = (),
) -> ArticleSummary:
    """Verify ``draft`` against ``article`` and build the record.

    Args:
        article: The article as read.
        draft: The model's answer.
        endpoint: Who answered (model, URL, backend, mode), for the quality block.
        prompt_version: The template's version.
        usage: What the extraction cost; nothing when omitted.
        reasks: Attempts spent asking the model to fix its answer.
        unresolved: The validation error the answer still had when it was read
            leniently; it leads the warnings.
        repairs: What reading the answer leniently dropped or noted.
        output_language: The summary's language; the article's when omitted.
        strict: Drop items whose evidence is not in the text instead of flagging them.
        seconds: Wall time of the whole summarisation.
        chunks: The parts the article was read in; one part, the whole article, read
            once at the cost of ``usage``, when omitted.
        passes: Passes asked for over each part.
        duplicates: Items the merge of several answers left out as found twice.
        unread: The sentences no answer covers; the record is then partial.
        notes: Further warnings on how the article was read (a later pass that failed).
    """
    usage = usage or Usage()
    if not chunks and article.sentences:
        chunks = [
            ChunkReport(
                index=1,
                first_sentence=1,
                last_sentence=len(article.sentences),
                start=article.sentences[0].start,
                end=article.sentences[-1].end,
                passes=1,
                attempts=usage.calls,
                prompt_tokens=usage.prompt_tokens,
                completion_tokens=usage.completion_tokens,
            )
        ]
    output_language = output_language or article.language
    checked = verify_draft(draft, article, strict=strict, output_language=output_language)
    claims = check_claims(draft.headline, draft.summary, article, output_language)
    warnings = [*article.warnings, *notes, *repairs, *checked.warnings, *claims.warnings]
    warnings[len(article.warnings) : len(article.warnings)] = [
        f"not read: sentences {u.first_sentence} to {u.last_sentence} ({u.reason})" for u in unread
    ]
    if unresolved:
        warnings.insert(
            0,
            f"the answer still failed validation after {reasks} re-ask(s); "
            f"faulty items were flagged or dropped: {unresolved}",
        )
    quality = Quality(
        model=endpoint.model,
        endpoint=endpoint.base_url,
        backend=endpoint.backend.name,
        mode=endpoint.mode,
        prompt_version=prompt_version,
        attempts=usage.calls,
        reasks=reasks,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        seconds=round(seconds, 3),
        items={
            "actors": len(checked.actors),
            "stances": len(checked.stances),
            "demands": len(checked.demands),
            "events": len(checked.events),
        },
        grounded_share=checked.grounded_share,
        summary_support=claims.summary_support,
        claims=claims.claims,
        flagged=checked.flagged,
        fields=checked.fields,
        dropped=checked.dropped + len(repairs),
        warnings=warnings,
        chunks=list(chunks),
        passes=passes,
        duplicates=duplicates,
        partial=bool(unread),
        unread=list(unread),
    )
    return ArticleSummary(
        id=article.id,
        title=article.title,
        headline=draft.headline,
        summary=draft.summary,
        language=article.language,
        output_language=output_language,
        article_date=(
            DateValue(
                text=article.date_text or article.date.isoformat(),
                value=article.date.isoformat(),
                precision=article.date.precision,
            )
            if article.date
            else None
        ),
        actors=checked.actors,
        stances=checked.stances,
        demands=checked.demands,
        events=checked.events,
        quality=quality,
        text=article.text,
    )
