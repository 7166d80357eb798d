"""The HTML review page in a real browser: headless Chromium driven by Playwright.

The page is opened from a ``file://`` URL, as a reviewer opens what ``-f html -o`` wrote.
Every payload below would set ``window.__pwned`` (or open a dialog, add an element or
attribute, or fetch something) if any text from the article, the model or the ids reached
the page as markup instead of text.

Needs the ``playwright`` package (the ``dev`` extra) and a Chromium on ``PATH`` (Debian:
``apt-get install chromium``); Playwright's own browser download is never used. Without
them these tests skip, unless ``SUMMARIZER_REQUIRE_BROWSER`` is set (as ``.ci/run`` does),
in which case a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from summarizer import review_page
from summarizer.record import (
    Actor,
    ArticleSummary,
    DateValue,
    Demand,
    Event,
    Evidence,
    Flag,
    Mention,
    Stance,
    located_spans,
)
from summarizer.review_page import render_html

from .records import hand_built_record

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

REQUIRED = "SUMMARIZER_REQUIRE_BROWSER"
#: Flags for a headless browser that stays off the network by itself (no updates,
#: sync or prefetching) and runs as root in a container.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

PWN = "window.__pwned=1;alert(1)"
#: Markup that runs PWN, adds an element or attribute, or fetches, if not escaped;
#: one per way out of a text node, an attribute value, or the page's style and script.
PAYLOADS = [
    f"<script>{PWN}</script>",
    f"<img src=x onerror={PWN}>",
    f"<svg onload={PWN}></svg>",
    '<iframe src="javascript:parent.__pwned=1"></iframe>',
    f'<a href="javascript:{PWN}">link</a>',
    f"</style><script>{PWN}</script>",
    f"</script><script>{PWN}</script>",
    f"</title></textarea><script>{PWN}</script>",
    f'" onmouseover="{PWN}" autofocus onfocus="{PWN}" x="',
    f"' onmouseover='{PWN}' x='",
    '<img src="http://127.0.0.1:9/pixel.png">',
    "<style>@import url(http://127.0.0.1:9/x.css);</style>",
    "&lt;b&gt; &amp;amp; ]]>",
]
ARTICLE = (
    "date: 2024-05-02\n"
    f"Le préfet {PAYLOADS[0]} a déclaré « nous évacuerons » jeudi.\n"
    f"Les habitants {PAYLOADS[1]} ont protesté devant la mairie {PAYLOADS[2]}.\n"
    f"Un porte-parole {PAYLOADS[8]} a répondu {PAYLOADS[4]} puis {PAYLOADS[5]}.\n"
    f"Le maire {PAYLOADS[9]} exige {PAYLOADS[10]} {PAYLOADS[11]} {PAYLOADS[12]}.\n"
    # An unescaped comment opener would swallow the rest of the page: keep it last.
    f"{PAYLOADS[3]} {PAYLOADS[6]} {PAYLOADS[7]} <!-- fin"
)
#: Ids as hostile as names: quotes, spaces, markup. Records loaded from a file or built
#: by a library user carry any string here.
HOSTILE_IDS = [f'A1" onmouseover="{PWN}" x="', "A 2", f"</script><script>{PWN}</script>"]


def _evidence(text: str, quote: str, sentence: int = 1) -> Evidence:
    start = text.index(quote)
    return Evidence(
        sentence=sentence,
        quote=quote,
        start=start,
        end=start + len(quote),
        match="exact",
        grounded=True,
    )


def _mention(text: str, words: str) -> Mention:
    start = text.index(words)
    return Mention(text=words, start=start, end=start + len(words))


def _hostile(n: int) -> str:
    return PAYLOADS[n % len(PAYLOADS)]


def _hostile_flag(n: int) -> Flag:
    return Flag(code="words_changed", message=_hostile(n))


def hostile_record(record_id: str, text: str = ARTICLE) -> ArticleSummary:
    """A record whose every string from the article or the model is a payload."""
    a1, a2, a3 = HOSTILE_IDS
    actors = [
        Actor(
            id=a1, name=f"préfet {_hostile(0)}", kind="person", role=_hostile(1),
            country=_hostile(2), mentions=[_mention(text, "Le préfet")],
            evidence=[_evidence(text, f"Le préfet {PAYLOADS[0]}")], flags=[_hostile_flag(3)],
        ),
        Actor(
            id=a2, name=f"habitants {_hostile(8)}", kind="group",
            mentions=[_mention(text, "Les habitants")],
            evidence=[_evidence(text, f"Les habitants {PAYLOADS[1]} ont protesté", 2)],
        ),
        Actor(
            id=a3, name=_hostile(9), kind="person", mentions=[],
            evidence=[Evidence(sentence=None, quote=_hostile(4), start=None, end=None,
                               match="unverified", grounded=False)],
            flags=[Flag(code="no_span", message="quote not found in the text")],
        ),
    ]  # fmt: skip
    stance = Stance(
        holder=a1, target=a2, topic=_hostile(5), position="warn", paraphrase=_hostile(6),
        speech="direct_quote", evidence=[_evidence(text, "« nous évacuerons »")],
    )  # fmt: skip
    demand = Demand(
        claimant=a3, addressee=a1, demand=_hostile(7),
        evidence=[_evidence(text, f"Le maire {PAYLOADS[9]} exige {PAYLOADS[10]}", 4)],
    )  # fmt: skip
    event = Event(
        type="protest", description=_hostile(10), agents=[a2], targets=[a1],
        when=DateValue(text=_hostile(11), value="2024-05-02", precision="day"),
        where=_hostile(12), realis="occurred",
        evidence=[_evidence(text, f"ont protesté devant la mairie {PAYLOADS[2]}", 2)],
        flags=[_hostile_flag(8)],
    )  # fmt: skip
    quality = {
        "model": _hostile(0), "endpoint": _hostile(4), "backend": _hostile(1),
        "mode": _hostile(2), "prompt_version": _hostile(5), "prompt_tokens": 1,
        "completion_tokens": 1, "seconds": 0.1, "items": {_hostile(6): 1},
        "grounded_share": 0.75, "flagged": 2, "warnings": [_hostile(7), _hostile(9)],
    }  # fmt: skip
    return hand_built_record(
        text, id=record_id, title=_hostile(3), headline=f"Évacuation {_hostile(0)} {_hostile(8)}",
        summary=f"{_hostile(5)} {_hostile(1)} {_hostile(12)}", language=_hostile(2),
        output_language="fr", article_date=DateValue(text=_hostile(3), value=_hostile(6),
                                                     precision="day"),
        actors=actors, stances=[stance], demands=[demand], events=[event], quality=quality,
    )  # fmt: skip


RECORDS = [hostile_record(f"<img src=x onerror={PWN}>.txt"), hostile_record(PAYLOADS[8])]


def _item_spans(record: ArticleSummary) -> list[list[tuple[int, int]]]:
    """Each item's spans in the order the page lists them: actors (evidence and
    mentions), stances, demands, events."""
    spans = [
        [*located_spans(a.evidence), *((m.start, m.end) for m in a.mentions)] for a in record.actors
    ]
    spans += [located_spans(item.evidence) for item in (*record.stances, *record.demands)]
    spans += [located_spans(e.evidence) for e in record.events]
    return spans


def _covered(text: str, spans: list[tuple[int, int]]) -> str:
    """The characters of ``text`` inside any of ``spans``, in order."""
    inside = {i for start, end in spans for i in range(start, end)}
    return "".join(c for i, c in enumerate(text) if i in inside)


def _need(reason: str) -> None:
    if os.environ.get(REQUIRED):
        pytest.fail(f"{reason} ({REQUIRED} is set)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not os.environ.get(REQUIRED):
        pytest.importorskip(
            "playwright.sync_api", reason="Playwright is not installed: pip install -e '.[dev]'"
        )
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        _need("no chromium on PATH: install it (Debian: apt-get install chromium)")
    with sync_playwright() as playwright:
        # launch() gives the browser a new, empty user-data-dir of its own.
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class Opened:
    """A review page loaded in the browser, with everything it did on the way."""

    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url
        self.dialogs: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.requests: list[str] = []

    def pwned(self) -> Any:
        return self.page.evaluate("() => window.__pwned")


@pytest.fixture
def open_page(browser: Browser, tmp_path: Path) -> Iterator[Callable[[str], Opened]]:
    context = browser.new_context()
    # Nothing may leave the page: record every request, and let only the file through.
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort(),
    )

    def open_(html: str) -> Opened:
        path = tmp_path / "review.html"
        path.write_text(html, encoding="utf-8")
        page = context.new_page()
        opened = Opened(page, path.as_uri())
        page.on("dialog", lambda dialog: (opened.dialogs.append(dialog.message), dialog.dismiss()))
        page.on(
            "console",
            lambda msg: opened.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: opened.page_errors.append(str(exc)))
        page.on("request", lambda request: opened.requests.append(request.url))
        page.goto(opened.url, wait_until="load")
        return opened

    yield open_
    context.close()


def _provoke(opened: Opened) -> None:
    """Fire what an injected handler would wait for: mouse over, focus and a click on
    every element, and a real click on every item."""
    opened.page.evaluate(
        """() => document.querySelectorAll('body *').forEach(e => {
             for (const type of ['mouseover', 'focus', 'click'])
               e.dispatchEvent(new Event(type, {bubbles: false}));
           })"""
    )
    for button in opened.page.locator("button[data-target]").all():
        button.click()
    # Dialogs and console messages reach Python as events: give the last ones time to land.
    opened.page.wait_for_timeout(100)


_INJECTED = """() => {
  const allowed = new Set(['class', 'id', 'href', 'data-items', 'data-target', 'title', 'type',
                           'lang', 'charset', 'name', 'content']);
  const all = [...document.querySelectorAll('*')];
  return {
    scripts: document.querySelectorAll('script').length,
    styles: document.querySelectorAll('style').length,
    embedded: document.querySelectorAll(
      'img, svg, iframe, object, embed, video, audio, link, base, form, input, textarea').length,
    links: [...document.querySelectorAll('a')].map(a => a.getAttribute('href')),
    attributes: [...new Set(all.flatMap(e => [...e.attributes].map(a => a.name)))]
      .filter(name => !allowed.has(name)),
  };
}"""


def test_hostile_article_answer_and_ids_run_no_script_and_inject_nothing(
    open_page: Callable[[str], Opened], report: Callable[[str, str], None]
) -> None:
    opened = open_page(render_html(RECORDS, title=PAYLOADS[7]))
    _provoke(opened)

    assert opened.pwned() is None
    assert opened.dialogs == []
    assert opened.page_errors == []
    assert opened.console_errors == []
    found = opened.page.evaluate(_INJECTED)
    assert found == {
        "scripts": 1, "styles": 1, "embedded": 0, "links": ["#r0", "#r1"], "attributes": [],
    }  # fmt: skip
    # Nothing lost either: every payload reads as the text it is.
    for n, record in enumerate(RECORDS):
        section = opened.page.locator(f"#r{n}")
        assert section.locator("article.text").text_content() == record.text
        assert section.locator("h1").text_content() == record.headline
        assert section.locator("p.summary").text_content() == record.summary
    assert opened.page.title() == PAYLOADS[7]
    assert opened.page.locator("nav a").all_text_contents() == [r.id for r in RECORDS]
    report(
        "review page with markup, handlers, javascript: links and quote-breakers in the "
        "article, the answer and the ids, in headless Chromium",
        "no script ran, no element or attribute injected, no request; every payload shown as text",
    )


def test_detectors_catch_a_page_whose_escaping_is_broken(
    open_page: Callable[[str], Opened], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(review_page, "_escape", lambda text: text)
    opened = open_page(render_html(RECORDS, title=PAYLOADS[7]))
    _provoke(opened)

    assert opened.pwned() == 1
    assert opened.dialogs
    found = opened.page.evaluate(_INJECTED)
    assert found["scripts"] > 1
    assert found["embedded"] > 0
    assert "onmouseover" in found["attributes"]
    assert any(not url.startswith("file:") for url in opened.requests)


def test_clicking_an_item_highlights_exactly_its_spans(
    open_page: Callable[[str], Opened],
) -> None:
    opened = open_page(render_html(RECORDS))
    page = opened.page
    for n, record in enumerate(RECORDS):
        buttons = page.locator(f"#r{n} button[data-target]").all()
        expected = _item_spans(record)
        assert len(buttons) == len(expected)
        for button, spans in zip(buttons, expected, strict=True):
            button.click()
            active = page.locator(".ev.active")
            assert page.locator(f"#r{n} .ev.active").count() == active.count(), (
                "only spans of the clicked record light up"
            )
            assert "".join(active.all_text_contents()) == _covered(record.text, spans)
    # What "highlighted" looks like: the page's .ev.active style, on lit spans only.
    page.locator("#r0 button[data-target]").first.click()
    lit = page.locator(".ev.active").first
    unlit = page.locator(".ev:not(.active)").first
    style = "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).outlineStyle]"
    assert lit.evaluate(style) == ["rgb(255, 224, 102)", "solid"]
    assert unlit.evaluate(style) != ["rgb(255, 224, 102)", "solid"]
    assert opened.page_errors == []


def test_unverified_item_lights_nothing_and_clears_the_last_highlight(
    open_page: Callable[[str], Opened],
) -> None:
    page = open_page(render_html(RECORDS)).page
    page.locator("#r0 li.item.k-actor button").first.click()
    assert page.locator(".ev.active").count() > 0
    page.locator("#r0 li.item.unverified button").click()
    assert page.locator(".ev.active").count() == 0


def test_page_works_offline_with_no_request_but_itself(
    open_page: Callable[[str], Opened],
) -> None:
    opened = open_page(render_html(RECORDS))
    _provoke(opened)
    assert opened.requests == [opened.url]
    # Cut off from any network, the page still loads and still works.
    opened.page.context.set_offline(True)
    opened.page.reload(wait_until="load")
    opened.page.locator("#r1 button[data-target]").first.click()

    assert opened.requests == [opened.url, opened.url]
    assert opened.page.locator("#r1 .ev.active").count() > 0
    assert opened.page_errors == []
    assert opened.console_errors == []


def test_long_unbroken_words_wrap_instead_of_widening_the_page(
    open_page: Callable[[str], Opened],
) -> None:
    url = "https://www.interieur.gouv.fr/Actualites/Communiques/2024/05/02/" + "x" * 120
    text = f"Le préfet a publié {url} jeudi.\nLes habitants ont protesté devant la mairie."
    record = hostile_record("long.txt", text=ARTICLE + "\n" + text)
    actors = [a.model_copy(update={"role": url, "country": url}) for a in record.actors]
    events = [e.model_copy(update={"description": url, "where": url}) for e in record.events]
    record = record.model_copy(update={"actors": actors, "events": events, "summary": url})
    page = open_page(render_html([record])).page
    page.set_viewport_size({"width": 1280, "height": 800})

    widths = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    page_width, window_width = page.evaluate(widths)
    assert page_width <= window_width
    aside = page.locator("aside")
    assert aside.evaluate("e => e.scrollWidth <= e.clientWidth"), "nothing cut off in the panel"


def test_clicking_an_item_scrolls_its_first_span_into_view(
    open_page: Callable[[str], Opened],
) -> None:
    from playwright.sync_api import expect

    page = open_page(render_html(RECORDS)).page
    page.set_viewport_size({"width": 1280, "height": 500})
    first_span = page.locator("#r1 .ev").first
    expect(first_span).not_to_be_in_viewport()
    page.locator("#r1 li.item.k-actor button").first.click()
    expect(page.locator(".ev.active").first).to_be_in_viewport()


def test_a_span_names_the_items_citing_it_verbatim(open_page: Callable[[str], Opened]) -> None:
    record = RECORDS[0]
    page = open_page(render_html([record])).page
    prefect = record.actors[0]
    first = page.locator("article.text .ev").first
    assert first.text_content() == "Le préfet"
    assert first.get_attribute("title") == f"{prefect.id} {prefect.name}"
