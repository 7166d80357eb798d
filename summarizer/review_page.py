"""The HTML review page: the article with its evidence lit up, beside the items.

One self-contained file (inline CSS and a few lines of inline script, nothing fetched):
the summary, an actors table, a timeline of dated events and the quality block above
the article; every evidence span and actor mention highlighted by kind; clicking an
item marks and scrolls to its spans; hovering a span names the items that cite it.
Flagged items and evidence that could not be located are marked as such.

Everything that comes from the article or the model is HTML-escaped, control and
bidirectional characters shown as U+FFFD as in the other views; the only
attributes built from data are ids of our own making, from positions: a record's own
ids (actor ids included) may hold any string and never reach an attribute.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from .dates import parse_value
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
    located_spans,
    second_opinion_label,
    verdict_label,
    when_label,
    who,
)

__all__ = ["HTML_GENERATOR", "render_html"]


def _escape(text: str) -> str:
    """``text`` as HTML text, with control and bidirectional characters shown as U+FFFD
    (``printable``): a page read in a terminal, or a quote made to read
    backwards, shows them as marks."""
    return html.escape(printable(text))


#: Marks a page as this program's, so that ``-o`` may replace it.
HTML_GENERATOR = '<meta name="generator" content="summarizer">'

_KINDS = ("actor", "stance", "demand", "event")


@dataclass(frozen=True, slots=True)
class _Item:
    ref: str
    kind: str
    label: str
    detail: str
    evidence: Sequence[Evidence]
    flags: Sequence[Flag]
    spans: Sequence[tuple[int, int]]


def render_html(records: Sequence[ArticleSummary], *, title: str = "summarizer review") -> str:
    """A single self-contained HTML page reviewing ``records`` (one or many)."""
    sections = [_section(record, f"r{i}") for i, record in enumerate(records)]
    nav = ""
    if len(records) > 1:
        links = "".join(
            f'<li><a href="#r{i}">{_escape(r.id or r.headline)}</a></li>'
            for i, r in enumerate(records)
        )
        nav = f'<nav class="toc"><h2>{len(records)} articles</h2><ol>{links}</ol></nav>'
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">{HTML_GENERATOR}'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_escape(title)}</title><style>{_CSS}</style></head><body>"
        f"{nav}{''.join(sections)}<script>{_JS}</script></body></html>\n"
    )


def _items(record: ArticleSummary, prefix: str) -> list[_Item]:
    names = actor_names(record)
    items = [_actor_item(a, f"{prefix}-a{i}") for i, a in enumerate(record.actors)]
    items += [_stance_item(s, f"{prefix}-st{i}", names) for i, s in enumerate(record.stances)]
    items += [_demand_item(d, f"{prefix}-dm{i}", names) for i, d in enumerate(record.demands)]
    items += [_event_item(e, f"{prefix}-ev{i}", names) for i, e in enumerate(record.events)]
    return items


def _actor_item(actor: Actor, ref: str) -> _Item:
    mentions = [(m.start, m.end) for m in actor.mentions]
    detail = " · ".join(x for x in (actor.kind, actor.role, actor.country) if x)
    return _Item(
        ref,
        "actor",
        f"{actor.id} {actor.name}",
        detail,
        actor.evidence,
        actor.flags,
        [*located_spans(actor.evidence), *mentions],
    )


def _stance_item(s: Stance, ref: str, names: dict[str, str]) -> _Item:
    target = f" → {who(s.target, names)}" if s.target else ""
    return _Item(
        ref,
        "stance",
        f"{who(s.holder, names)} {s.position}{target}",
        f"{s.topic}: {s.paraphrase}{_verdict(s.verdict)}",
        s.evidence,
        s.flags,
        located_spans(s.evidence),
    )


def _demand_item(d: Demand, ref: str, names: dict[str, str]) -> _Item:
    return _Item(
        ref,
        "demand",
        f"{who(d.claimant, names)} → {who(d.addressee, names)}",
        f"{d.demand}{_verdict(d.verdict)}",
        d.evidence,
        d.flags,
        located_spans(d.evidence),
    )


def _event_item(e: Event, ref: str, names: dict[str, str]) -> _Item:
    when = f" · {e.when.text} ({when_label(e.when)})" if e.when else ""
    where = f" · {e.where}" if e.where else ""
    parties = (
        f" — {who(e.agents, names)} → {who(e.targets, names)}" if e.agents or e.targets else ""
    )
    return _Item(
        ref,
        "event",
        f"{e.type} [{e.realis}]",
        f"{e.description}{parties}{when}{where}{_verdict(e.verdict)}",
        e.evidence,
        e.flags,
        located_spans(e.evidence),
    )


def _verdict(verdict: Verdict | None) -> str:
    return f" · {verdict_label(verdict)}" if verdict is not None else ""


def _borders(record: ArticleSummary) -> dict[int, str]:
    """Where each part of a long article begins, and what to call it; none for one part."""
    chunks = record.quality.chunks
    if len(chunks) < 2:
        return {}
    marks: dict[int, str] = {}
    for c in chunks:
        state = "" if c.error is None else " — not read: " + c.error
        label = f"part {c.index} of {len(chunks)} · S{c.first_sentence}–S{c.last_sentence}"
        marks.setdefault(c.start, label + state)
    return marks


def _highlighted(text: str, items: Sequence[_Item], borders: dict[int, str] | None = None) -> str:
    """The text cut at every span boundary, each piece tagged with the items covering it;
    a marker where each part of a long article begins (``borders``)."""
    # At each boundary, how many spans of each item open (+1) or close (-1) there.
    opens_closes: dict[int, Counter[int]] = defaultdict(Counter)
    borders = {at: label for at, label in (borders or {}).items() if 0 <= at < len(text)}
    bounds = {0, len(text), *borders}
    for n, item in enumerate(items):
        for start, end in item.spans:
            if 0 <= start < end <= len(text):
                bounds.update((start, end))
                opens_closes[start][n] += 1
                opens_closes[end][n] -= 1
    out: list[str] = []
    active: Counter[int] = Counter()
    points = sorted(bounds)
    for left, right in pairwise(points):
        for n, change in opens_closes.get(left, Counter()).items():
            active[n] += change
        if left in borders:
            label = _escape(borders[left])
            out.append(f'<span class="part-border" title="{label}">{label}</span>')
        piece = _escape(text[left:right])
        live = sorted(n for n, count in active.items() if count > 0)
        if not live:
            out.append(piece)
            continue
        covering = [items[n] for n in live]
        kinds = " ".join(sorted({f"k-{i.kind}" for i in covering}))
        refs = " ".join(i.ref for i in covering)
        tip = _escape("; ".join(i.label for i in covering))
        flagged = " flagged" if any(i.flags for i in covering) else ""
        out.append(
            f'<span class="ev {kinds}{flagged}" data-items="{refs}" title="{tip}">{piece}</span>'
        )
    return "".join(out)


def _section(record: ArticleSummary, prefix: str) -> str:
    items = _items(record, prefix)
    q = record.quality
    date = f" · {_escape(record.article_date.value or '')}" if record.article_date else ""
    share = "n/a" if q.grounded_share is None else f"{q.grounded_share:.0%}"
    head = (
        f'<header><h1>{_escape(record.headline)}</h1><p class="meta">'
        f"{_escape(record.id or '')} · {_escape(record.language)}{date} · grounded {share}"
        f" · {q.flagged} flagged · {q.dropped} dropped</p>"
        f'<p class="summary">{_escape(record.summary)}</p>{_claims(record)}</header>'
    )
    return (
        f'<section class="record" id="{prefix}">{head}'
        f'<div class="cols"><aside>{_panel(items)}</aside><main>'
        f"{_actors_table(record)}{_timeline(record)}"
        f'<h2>Article</h2><div class="legend">{_legend()}</div>'
        f'<article class="text">{_highlighted(record.text, items, _borders(record))}</article>'
        f"{_quality(record)}</main></div></section>"
    )


def _claims(record: ArticleSummary) -> str:
    lines = flagged_claims(record)
    if not lines:
        return ""
    return f'<ul class="claims">{"".join(f"<li>{_escape(line)}</li>" for line in lines)}</ul>'


def _panel(items: Sequence[_Item]) -> str:
    parts = []
    for kind in _KINDS:
        of_kind = [i for i in items if i.kind == kind]
        if not of_kind:
            continue
        entries = []
        for item in of_kind:
            status = _status(item)
            flags = "".join(f'<li class="flag">⚠ {_escape(str(f))}</li>' for f in item.flags)
            quotes = "".join(
                f'<li class="quote m-{e.match}">“{_escape(e.quote)}” <em>{e.match}</em></li>'
                for e in item.evidence
            )
            entries.append(
                f'<li class="item k-{kind} {status}">'
                f'<button type="button" data-target="{item.ref}">{_escape(item.label)}</button>'
                f'<div class="detail">{_escape(item.detail)}</div>'
                f"<ul>{quotes}{flags}</ul></li>"
            )
        parts.append(f'<h3>{kind}s ({len(of_kind)})</h3><ul class="items">{"".join(entries)}</ul>')
    return "".join(parts) or "<p>No items.</p>"


def _status(item: _Item) -> str:
    if any(e.match == "unverified" for e in item.evidence) or not item.spans:
        return "unverified"
    return "flagged" if item.flags else "ok"


def _actors_table(record: ArticleSummary) -> str:
    if not record.actors:
        return ""
    rows = "".join(
        f"<tr><td>{_escape(a.id)}</td><td>{_escape(a.name)}</td><td>{_escape(a.kind)}</td>"
        f"<td>{_escape(a.role or '')}</td><td>{_escape(a.country or '')}</td>"
        f"<td>{len(a.mentions)}</td></tr>"
        for a in record.actors
    )
    return (
        "<h2>Actors</h2><table><thead><tr><th>id</th><th>name</th><th>kind</th><th>role</th>"
        f"<th>country</th><th>mentions</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _chronological(event: Event) -> tuple[bool, str, int, int]:
    """By first day, the narrower value first, then by the time of day (a day before its
    times); events with no calendar value, or only a reference to the present, past or
    future, last."""
    if event.when is None or event.when.value is None or event.when.precision == "reference":
        return (True, "", 0, 0)
    value = parse_value(event.when.value)
    moment = -1 if value.start_minute is None else value.start_minute
    return (False, value.first_day.isoformat(), (value.last_day - value.first_day).days, moment)


def _timeline(record: ArticleSummary) -> str:
    dated = [e for e in record.events if e.when is not None]
    if not dated:
        return ""
    dated.sort(key=_chronological)
    rows = "".join(
        f"<tr><td>{_escape(e.when.value or '?')}</td><td>{_escape(e.when.precision)}</td>"
        f"<td>{_escape(e.when.text)}</td><td>{_escape(e.type)}</td><td>{_escape(e.description)}</td></tr>"
        for e in dated
        if e.when is not None
    )
    return (
        "<h2>Timeline</h2><table><thead><tr><th>date</th><th>precision</th><th>as written</th>"
        f"<th>type</th><th>what</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _legend() -> str:
    return "".join(f'<span class="ev k-{k}">{k}</span> ' for k in _KINDS)


def _quality(record: ArticleSummary) -> str:
    q = record.quality
    rows = [
        ("model", f"{q.model} ({q.backend}, {q.mode})"),
        ("endpoint", q.endpoint),
        ("prompt", q.prompt_version),
        ("attempts", f"{q.attempts} ({q.reasks} re-ask(s))"),
        ("tokens", f"{q.prompt_tokens} + {q.completion_tokens}"),
        ("seconds", f"{q.seconds:.1f}"),
        ("items", ", ".join(f"{k} {v}" for k, v in q.items.items())),
        ("grounded", "n/a" if q.grounded_share is None else f"{q.grounded_share:.0%}"),
        ("summary support", "n/a" if q.summary_support is None else f"{q.summary_support:.0%}"),
        ("flagged / dropped", f"{q.flagged} / {q.dropped}"),
        ("meaning checked", fields_label(q)),
        *(("verifier", o) for o in [second_opinion_label(q)] if o is not None),
        (
            "parts",
            f"{len(q.chunks)}, {q.passes} pass(es) each, {q.duplicates} repeated item(s) merged",
        ),
        *(("not read", f"S{u.first_sentence}–S{u.last_sentence}: {u.reason}") for u in q.unread),
        *(("warning", w) for w in q.warnings),
    ]
    body = "".join(f"<tr><th>{_escape(k)}</th><td>{_escape(v)}</td></tr>" for k, v in rows)
    return f'<h2>Quality</h2><table class="quality">{body}</table>'


_CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#222;background:#fafafa;
overflow-wrap:break-word}
.record{padding:1rem 2rem;border-bottom:3px solid #ddd}
header h1{margin:.2rem 0;font-size:1.4rem}.meta{color:#666;margin:0}.summary{max-width:70rem}
.cols{display:flex;gap:1.5rem;align-items:flex-start}
aside{flex:0 0 24rem;position:sticky;top:0;max-height:100vh;overflow:auto;font-size:.9rem}
main{flex:1;min-width:0}
.text{white-space:pre-wrap;background:#fff;border:1px solid #ddd;padding:1rem;line-height:1.8}
.items{list-style:none;padding:0;margin:0}.items ul{margin:.2rem 0 .6rem 1rem;padding:0}
.item button{font:inherit;text-align:left;border:0;background:none;cursor:pointer;padding:0;
font-weight:600}.item button:hover{text-decoration:underline}.detail{color:#444}
.quote{list-style:none;color:#333}.quote em{color:#888;font-size:.8em}
.flag,.claims li{list-style:none;color:#a05a00}
.item.flagged>button::after{content:" ⚠";color:#a05a00}
.item.unverified>button{color:#b00020}.item.unverified>button::after{content:" ✗ unverified"}
.m-sentence,.m-unverified{color:#b00020}
.ev{border-bottom:2px solid;cursor:help}.ev.flagged{border-bottom-style:dashed}
.k-actor{background:#e3f0ff;border-color:#3b82f6}.k-stance{background:#f3e8ff;border-color:#9333ea}
.k-demand{background:#fff4d6;border-color:#d97706}.k-event{background:#e3f9e5;border-color:#16a34a}
.ev.active{outline:2px solid #111;background:#ffe066}
table{border-collapse:collapse;margin:.5rem 0 1rem;background:#fff;display:block;
width:max-content;max-width:100%;overflow-x:auto}
td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}
.part-border{display:block;margin:.6rem 0 .2rem;border-top:2px dashed #888;color:#666;
font-size:.8rem;line-height:1.4;user-select:none}
.legend{margin:.3rem 0}.toc{padding:1rem 2rem;background:#fff;border-bottom:1px solid #ddd}
"""

_JS = """
document.addEventListener('click', function (event) {
  var button = event.target.closest('button[data-target]');
  if (!button) return;
  var ref = button.getAttribute('data-target');
  document.querySelectorAll('.ev.active').forEach(function (e) { e.classList.remove('active'); });
  var first = null;
  document.querySelectorAll('.ev[data-items]').forEach(function (e) {
    if (e.getAttribute('data-items').split(' ').indexOf(ref) >= 0) {
      e.classList.add('active');
      if (!first) first = e;
    }
  });
  if (first) first.scrollIntoView({behavior: 'smooth', block: 'center'});
});
"""
