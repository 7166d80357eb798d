"""The HTML review page: highlighting, navigation, escaping, self-containment."""

from __future__ import annotations

import re
from typing import Any

from click.testing import CliRunner

from summarizer import load_article
from summarizer.record import ArticleSummary
from summarizer.review_page import render_html

from .records import verified_record

HOSTILE_TEXT = (
    "date: 2024-05-02\n"
    "Le préfet <script>alert('article')</script> a déclaré « nous évacuerons » jeudi.\n"
    "Les habitants ont protesté devant la mairie."
)


def _record(text: str = HOSTILE_TEXT, **draft_changes: Any) -> ArticleSummary:
    """A record built by the real verifier from a hand-built draft."""
    article = load_article(text, language="fr", article_id="hostile.txt")
    data: dict[str, Any] = {
        "headline": "<img src=x onerror=alert('headline')>",
        "summary": "Le préfet </section><script>alert('summary')</script> évacue.",
        "actors": [
            {"id": "A1", "name": "préfet", "kind": "person", "sentences": [1],
             "quote": "Le préfet <script>alert('article')</script>"},
            {"id": "A2", "name": "Les habitants", "kind": "group", "sentences": [2],
             "quote": "une phrase inventée"},
        ],
        "stances": [],
        "demands": [],
        "events": [
            {"type": "protest", "description": "<b>protest</b>", "agents": ["A2"],
             "when": "jeudi", "realis": "occurred", "sentences": [2],
             "quote": "Les habitants ont protesté"},
        ],
    }  # fmt: skip
    data.update(draft_changes)
    return verified_record(article, data, repairs=["<script>alert('warning')</script>"])


def test_article_and_model_html_render_as_text() -> None:
    page = render_html([_record()])
    assert page.count("<script>") == 1, "only the page's own script"
    assert "<img" not in page
    assert "&lt;script&gt;alert(&#x27;article&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(&#x27;headline&#x27;)&gt;" in page
    assert "&lt;/section&gt;&lt;script&gt;alert(&#x27;summary&#x27;)" in page
    assert "&lt;b&gt;protest&lt;/b&gt;" in page
    assert "&lt;script&gt;alert(&#x27;warning&#x27;)" in page


def test_page_is_self_contained() -> None:
    page = render_html([_record()])
    assert not re.search(r"<(link|iframe|object|embed)\b", page)
    assert not re.search(r"\ssrc=\"", page)
    assert "@import" not in page


def test_every_located_span_is_highlighted_with_the_items_citing_it() -> None:
    record = _record()
    page = render_html([record])
    spans = re.findall(
        r'<span class="ev ([^"]*)" data-items="([^"]*)" title="([^"]*)">(.*?)</span>', page
    )
    cited = {ref for _, refs, _, _ in spans for ref in refs.split()}
    assert {"r0-a0", "r0-a1", "r0-ev0"} <= cited
    event_text = "".join(piece for _, refs, _, piece in spans if "r0-ev0" in refs.split())
    assert event_text == "Les habitants ont protesté"
    # The protest sentence is cited by the event and by A2's sentence-level evidence.
    assert any("k-actor" in classes and "k-event" in classes for classes, _, _, _ in spans)


def test_flagged_and_unverified_items_are_marked() -> None:
    page = render_html([_record()])
    assert 'class="item k-actor flagged"' in page, "A2's quote is not in the text"
    assert "quote not found in the text" in page
    unverified = _record(
        actors=[
            {"id": "A1", "name": "Personne", "kind": "person", "sentences": [9], "quote": "rien"},
        ],
        events=[],
    )
    assert 'class="item k-actor unverified"' in render_html([unverified])


def test_accented_text_is_kept_and_the_timeline_shows_dated_events() -> None:
    page = render_html([_record()])
    assert "« nous évacuerons »" in page
    assert "<h2>Timeline</h2>" in page
    assert "<td>2024-05-02</td>" in page or "<td>2024-04-25</td>" in page


def test_several_records_get_navigation_and_distinct_ids() -> None:
    page = render_html([_record(), _record()])
    assert '<a href="#r0">hostile.txt</a>' in page
    assert '<a href="#r1">hostile.txt</a>' in page
    assert 'data-target="r1-a0"' in page
    assert len(re.findall(r'<section class="record" id="r\d">', page)) == 2


def test_cli_writes_one_page_for_several_inputs_when_reviewing(tmp_path: Any) -> None:
    from summarizer.cli import cli

    out = tmp_path / "review.html"
    result = CliRunner().invoke(
        cli, [str(tmp_path / "missing.txt"), "--format", "html", "-o", str(out)]
    )
    assert result.exit_code == 3
    assert not out.exists(), "no page, not even an empty file, for articles that all failed"


def test_timeline_orders_weeks_decades_and_days_by_their_first_day() -> None:
    from summarizer.record import DateValue

    record = _record()
    event = record.events[0]
    whens = [
        DateValue(text="la semaine du 15 avril", value="2024-W16", precision="week"),
        DateValue(text="les années 60", value="196X", precision="decade"),
        DateValue(text="le 20 avril", value="2024-04-20", precision="day"),
        DateValue(text="désormais", value=None, precision="unknown"),
    ]
    events = [event.model_copy(update={"when": w}) for w in whens]
    page = render_html([record.model_copy(update={"events": events})])
    timeline = page[page.index("<h2>Timeline</h2>") :]
    cells = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td>", timeline)
    assert cells == [
        ("196X", "decade"),
        ("2024-W16", "week"),
        ("2024-04-20", "day"),
        ("?", "unknown"),
    ]


def test_markdown_and_text_views_carry_no_control_characters() -> None:
    from summarizer.render import Format, render

    record = _record(headline="Évacuation\x1b[2J \x1b]8;;http://x/\x07lien\r\n", summary="a\x9bb")
    formats: tuple[Format, ...] = ("markdown", "text")
    for fmt in formats:
        view = render(record, fmt)
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", view), fmt
        escaped = "\\[" if fmt == "markdown" else "["
        assert f"Évacuation\ufffd{escaped}2J" in view


def test_markdown_report_renders_model_html_and_block_markdown_as_text() -> None:
    from summarizer.render import render

    record = _record(
        headline="Titre\n\n## fake section\n<details open>",
        summary=(
            "# Not a heading\n> not a quote\n- not a list\n1. nor this\n```\n"
            "[click](javascript:alert(1)) <iframe src=x></iframe> <style>body{}</style>"
        ),
    )
    md = render(record, "markdown")
    lines = md.splitlines()
    assert lines[lines.index("# Titre ## fake section &lt;details open&gt;") + 1] == ""
    assert [line for line in lines if line.startswith("## ")] == [
        "## Actors", "## Events", "## Quality"
    ]  # fmt: skip
    for tag in ("<script", "<img", "<iframe", "<style", "<details", "<b>", "</section"):
        assert tag not in md, tag
    assert not re.search(r"(?<!\\)\]\(javascript:", md)
    assert "\\[click\\](javascript:alert(1))" in md
    # Our own list items (quality lines, flagged claims) open with "**" or "⚠".
    assert not re.search(r"^(>|[-*+] (?!\*\*|⚠)|\d+\.|```|~~~)", md.split("## Actors")[0], re.M)
    assert "\\# Not a heading &gt; not a quote - not a list 1. nor this \\`\\`\\`" in md


def test_markdown_and_text_views_show_bidirectional_controls_as_replacement_marks() -> None:
    from summarizer.render import Format, render

    bidi = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
    record = _record(headline=f"Évacuation {bidi}", summary=f"a\u202eb{bidi}")
    views: tuple[Format, ...] = ("markdown", "text")
    for fmt in views:
        view = render(record, fmt)
        assert not set(bidi) & set(view), fmt
        assert "Évacuation " + "\ufffd" * len(bidi) in view, fmt


def test_timeline_orders_times_of_day_within_their_day() -> None:
    from summarizer.record import DateValue

    record = _record()
    event = record.events[0]
    whens = [
        DateValue(text="le 20 avril à 22 h", value="2024-04-20T22:00", precision="time"),
        DateValue(text="le 20 avril au soir", value="2024-04-20TEV", precision="part_of_day"),
        DateValue(text="le 20 avril", value="2024-04-20", precision="day"),
        DateValue(text="le 20 avril à 8 h 30", value="2024-04-20T08:30", precision="time"),
        DateValue(text="le 20 avril au matin", value="2024-04-20TMO", precision="part_of_day"),
    ]
    events = [event.model_copy(update={"when": w}) for w in whens]
    page = render_html([record.model_copy(update={"events": events})])
    timeline = page[page.index("<h2>Timeline</h2>") :]
    cells = re.findall(r"<tr><td>([^<]*)</td>", timeline)
    assert cells == [
        "2024-04-20",
        "2024-04-20TMO",
        "2024-04-20T08:30",
        "2024-04-20TEV",
        "2024-04-20T22:00",
    ]


def test_when_label_shows_a_clock_time_bare_and_names_a_part_of_day() -> None:
    from summarizer.record import DateValue, when_label

    clock = DateValue(text="20 h", value="2002-03-31T20:00", precision="time")
    evening = DateValue(text="dimanche soir", value="2002-03-31TEV", precision="part_of_day")
    assert when_label(clock) == "2002-03-31T20:00"
    assert when_label(evening) == "2002-03-31TEV, part_of_day"


def test_timeline_puts_weekends_by_their_saturday_and_references_last() -> None:
    from summarizer.record import DateValue

    record = _record()
    event = record.events[0]
    whens = [
        DateValue(text="actuellement", value="PRESENT_REF", precision="reference"),
        DateValue(text="le 21 avril", value="2024-04-21", precision="day"),
        DateValue(text="ce week-end", value="2024-W16-WE", precision="weekend"),
        DateValue(text="le 19 avril", value="2024-04-19", precision="day"),
    ]
    events = [event.model_copy(update={"when": w}) for w in whens]
    page = render_html([record.model_copy(update={"events": events})])
    timeline = page[page.index("<h2>Timeline</h2>") :]
    cells = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td>", timeline)
    assert cells == [
        ("2024-04-19", "day"),
        ("2024-W16-WE", "weekend"),
        ("2024-04-21", "day"),
        ("PRESENT_REF", "reference"),
    ]


def test_when_label_names_weekends_and_references() -> None:
    from summarizer.record import DateValue, when_label

    weekend = DateValue(text="this weekend", value="2024-W16-WE", precision="weekend")
    soon = DateValue(text="soon", value="FUTURE_REF", precision="reference")
    assert when_label(weekend) == "2024-W16-WE, weekend"
    assert when_label(soon) == "FUTURE_REF, reference"


def test_the_page_marks_where_each_part_of_a_long_article_begins() -> None:
    from summarizer.record import ChunkReport, Unread

    text = "First part here. Second one starts. Third one now. And the end."
    article = load_article(text, language="en")
    record = verified_record(article, {"headline": "Parts", "summary": "Parts.", "actors": []})
    s = article.sentences
    chunks = [
        ChunkReport(index=i, first_sentence=a, last_sentence=b, start=s[a - 1].start,
                    end=s[b - 1].end, passes=1, attempts=1)
        for i, (a, b) in enumerate([(1, 2), (2, 3), (3, 4)], start=1)
    ]  # fmt: skip
    chunks[2] = chunks[2].model_copy(update={"passes": 0, "error": "HTTP 500"})
    unread = Unread(first_sentence=4, last_sentence=4, start=s[3].start, end=s[3].end,
                    reason="part 3 of 3: HTTP 500")  # fmt: skip
    quality = record.quality.model_copy(
        update={"chunks": chunks, "partial": True, "unread": [unread]}
    )
    page = render_html([record.model_copy(update={"quality": quality})])
    borders = re.findall(r'<span class="part-border"[^>]*>([^<]*)</span>([^<]{0,12})', page)
    assert [(label, after[:6]) for label, after in borders] == [
        ("part 1 of 3 · S1–S2", "First "),
        ("part 2 of 3 · S2–S3", "Second"),
        ("part 3 of 3 · S3–S4 — not read: HTTP 500", "Third "),
    ]
    assert "S4–S4: part 3 of 3: HTTP 500" in page
    assert 'class="part-border"' not in render_html([record]), "a short article has no borders"


def test_the_page_shows_control_and_bidirectional_characters_as_replacement_marks() -> None:
    osc = "\x1b]8;;http://x/\x07lien\x1b]8;;\x07"
    record = _record(headline=f"Évacuation {osc}", summary="a\u202eb\x9bc")
    page = render_html([record])
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", page)
    assert "Évacuation \ufffd]8;;http://x/\ufffdlien" in page
    assert "a\ufffdb\ufffdc" in page
