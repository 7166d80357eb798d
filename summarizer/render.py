"""Rendering a record: JSON, Markdown, or a terminal view.

Everything in a record that came from the article or the model is data, never
formatting: the terminal and text views hand it to Rich as ``Text`` (never as
markup, so ``[sic]`` stays and ``[/]`` cannot break the view), and every view takes
out control characters (``printable``), so no escape sequence, hidden link or
carriage-return overwrite reaches the terminal.
"""

from __future__ import annotations

import io
import re

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .choices import FORMATS, Format
from .jsonl import dump_json
from .printable import printable
from .record import (
    Actor,
    ArticleSummary,
    Demand,
    Event,
    Evidence,
    Flag,
    Stance,
    Verdict,
    actor_names,
    fields_label,
    flagged_claims,
    second_opinion_label,
    verdict_label,
    when_label,
    who,
)

__all__ = [
    "FORMATS",
    "MARKDOWN_MARKER",
    "TEXT_MARKER",
    "Format",
    "printable",
    "render",
    "render_terminal",
]

# The first line of a markdown or text report, and a tag in the review page's <head>:
# they tell a report of ours from a file -o must not replace.
MARKDOWN_MARKER = "<!-- summarizer report -->"
TEXT_MARKER = "summarizer report"


def render(record: ArticleSummary, fmt: Format) -> str:
    """Render ``record`` as ``json``, ``markdown`` or plain ``text``."""
    if fmt == "json":
        return dump_json(record, indent=2)
    if fmt == "markdown":
        return f"{MARKDOWN_MARKER}\n{printable(_markdown(record))}"
    if fmt == "html":
        from .review_page import render_html

        return render_html([record], title=record.headline)
    console = Console(width=100, file=io.StringIO(), color_system=None)
    console.print(render_terminal(record))
    # The id tells the articles of a multi-article view apart.
    article = f"article: {printable(' '.join(record.id.split()))}\n" if record.id else ""
    return f"{TEXT_MARKER}\n{article}{console.file.getvalue()}"  # type: ignore[attr-defined]


def _quote(evidence: list[Evidence]) -> str:
    if not evidence:
        return ""
    first = evidence[0]
    return f"“{first.quote}” ({first.match}{f', S{first.sentence}' if first.sentence else ''})"


# Markdown and the HTML it may carry are data here too: ``&``, ``<`` and ``>`` become
# entities (no tag, comment or autolink), the inline markers are backslash-escaped (no
# link, image, emphasis, code span or table cell break), and a line cannot open a block
# (heading, quote, list, fence, rule, indented code). ``_`` is left alone: inside a word
# (flag codes, identifiers) it is never emphasis.
_MD_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_MD_INLINE = re.compile(r"([\\`*\[\]|])")
_MD_BLOCK_OPENER = re.compile(r"^(?:[#>+=~-]|\d+[.)])")


def _md_line(text: str) -> str:
    """Model or article text as one line of markdown that renders as the text itself."""
    line = " ".join(text.split())
    line = _MD_INLINE.sub(r"\\\1", line.translate(_MD_ENTITIES))
    return _MD_BLOCK_OPENER.sub(lambda m: m.group()[:-1] + "\\" + m.group()[-1], line)


def _md_paragraphs(text: str) -> str:
    """Model text as markdown paragraphs: its blank-line breaks kept, nothing else."""
    paragraphs = (_md_line(p) for p in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)


def _markdown(record: ArticleSummary) -> str:
    names = actor_names(record)
    q = record.quality
    lines = [f"# {_md_line(record.headline)}", ""]
    meta = [f"article: {_md_line(record.id)}"] if record.id else []
    meta.append(f"language: {_md_line(record.language)}")
    if record.article_date:
        meta.append(f"date: {_md_line(record.article_date.value or '')}")
    meta.append(f"model: {_md_line(q.model)}")
    meta.append(f"grounded: {_share(q.grounded_share)}")
    lines += [" · ".join(meta), "", _md_paragraphs(record.summary), ""]
    if claims := flagged_claims(record):
        lines += [*(f"- {_md_line(line)}" for line in claims), ""]
    if record.actors:
        lines += [
            "## Actors",
            "",
            "| id | name | kind | role | country | evidence |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {_md_line(a.id)} | {_md_line(a.name)} | {a.kind} | {_md_line(a.role or '')} | "
            f"{_md_line(a.country or '')} | {_md_line(_quote(a.evidence) + _flag_mark(a.flags))} |"
            for a in record.actors
        ]
        lines.append("")
    if record.stances:
        lines += ["## Stances", ""]
        lines += [
            f"- **{_md_line(who(s.holder, names))}** {s.position} *{_md_line(s.topic)}*"
            f"{' → ' + _md_line(who(s.target, names)) if s.target else ''}: "
            f"{_md_line(s.paraphrase)} — {_md_line(_marks(s))}"
            for s in record.stances
        ]
        lines.append("")
    if record.demands:
        lines += ["## Demands", ""]
        lines += [
            f"- **{_md_line(who(d.claimant, names))}** → {_md_line(who(d.addressee, names))}: "
            f"{_md_line(d.demand)} — {_md_line(_marks(d))}"
            for d in record.demands
        ]
        lines.append("")
    if record.events:
        lines += ["## Events", ""]
        for e in record.events:
            when = f" ({e.when.text} → {when_label(e.when)})" if e.when else ""
            where = f" in {e.where}" if e.where else ""
            place = f" {_md_line(when + where)}" if when or where else ""
            lines.append(
                f"- **{e.type}** \\[{e.realis}\\]{place}: "
                f"{_md_line(e.description)} "
                f"(by {_md_line(who(e.agents, names))}; to {_md_line(who(e.targets, names))}) — "
                f"{_md_line(_marks(e))}"
            )
        lines.append("")
    lines += ["## Quality", "", *(f"- {_md_line(line)}" for line in _quality_items(record)), ""]
    return "\n".join(lines)


def _flag_mark(flags: list[Flag]) -> str:
    return f" ⚠ {'; '.join(map(str, flags))}" if flags else ""


def _marks(item: Stance | Demand | Event) -> str:
    """An item's quote, flags and verifier's verdict, for the markdown and text views."""
    verdict = f" · {verdict_label(item.verdict)}" if item.verdict is not None else ""
    return _quote(item.evidence) + _flag_mark(item.flags) + verdict


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _quality_items(record: ArticleSummary) -> list[str]:
    q = record.quality
    items = ", ".join(f"{k} {v}" for k, v in q.items.items())
    lines = [
        f"model {q.model} at {q.endpoint} ({q.backend}, {q.mode}), prompt {q.prompt_version}",
        f"{q.attempts} attempt(s), {q.reasks} re-ask(s), "
        f"{q.prompt_tokens}+{q.completion_tokens} tokens, {q.seconds:.1f}s",
        f"items: {items}; grounded {_share(q.grounded_share)}, "
        f"{q.flagged} flagged, {q.dropped} dropped; summary support {_share(q.summary_support)}",
        f"meaning: {fields_label(q)}",
    ]
    if (opinion := second_opinion_label(q)) is not None:
        lines.append(f"verifier {opinion}")
    lines += [f"warning: {w}" for w in q.warnings]
    return lines


def render_terminal(record: ArticleSummary) -> Group:
    """A rich renderable for a terminal: summary, tables of items, quality."""
    names = actor_names(record)
    parts: list[Panel | Table | Text] = [
        Panel(
            _text(record.summary),
            title=_text(record.headline),
            subtitle=_text(
                record.language + (f" · {record.article_date.value}" if record.article_date else "")
            ),
        )
    ]
    if claims := flagged_claims(record):
        parts.append(_text("\n".join(claims), style="yellow"))
    if record.actors:
        parts.append(_actors_table(record.actors))
    if record.stances:
        table = _table("Stances", "holder", "position", "topic", "target", "evidence")
        for s in record.stances:
            table.add_row(
                *_texts(who(s.holder, names), s.position, s.topic, who(s.target, names)),
                _evidence_cell(s.evidence, s.flags, s.verdict),
            )
        parts.append(table)
    if record.demands:
        table = _table("Demands", "claimant", "addressee", "demand", "evidence")
        for d in record.demands:
            table.add_row(
                *_texts(who(d.claimant, names), who(d.addressee, names), d.demand),
                _evidence_cell(d.evidence, d.flags, d.verdict),
            )
        parts.append(table)
    if record.events:
        table = _table("Events", "type", "when", "who → whom", "description", "evidence")
        for e in record.events:
            when = f"{e.when.text} ({when_label(e.when)})" if e.when else "—"
            table.add_row(
                *_texts(
                    f"{e.type}\n{e.realis}",
                    when,
                    f"{who(e.agents, names)} → {who(e.targets, names)}",
                    e.description,
                ),
                _evidence_cell(e.evidence, e.flags, e.verdict),
            )
        parts.append(table)
    parts.append(_text("\n".join(f"- {item}" for item in _quality_items(record)), style="dim"))
    return Group(*parts)


def _text(value: str, style: str = "") -> Text:
    """Data for Rich: plain text, never markup, without control characters."""
    return Text(printable(value), style=style)


def _texts(*values: str) -> list[Text]:
    return [_text(v) for v in values]


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", expand=True, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _actors_table(actors: list[Actor]) -> Table:
    table = _table("Actors", "id", "name", "kind", "role", "mentions", "evidence")
    for a in actors:
        table.add_row(
            *_texts(a.id, a.name, a.kind, a.role or "", str(len(a.mentions))),
            _evidence_cell(a.evidence, a.flags),
        )
    return table


def _evidence_cell(
    evidence: list[Evidence], flags: list[Flag], verdict: Verdict | None = None
) -> Text:
    text = _text(_quote(evidence))
    if flags:
        text.append(printable("\n⚠ " + "; ".join(map(str, flags))), style="yellow")
    if verdict is not None:
        style = "red" if verdict.label == "unsupported" else "dim"
        text.append(printable("\n" + verdict_label(verdict)), style=style)
    return text
