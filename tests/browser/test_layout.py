"""Layout in a real browser: reflow at 320 CSS px and at 200% zoom without sideways
scrolling (WCAG 1.4.4, 1.4.10), the article body's measure and print styles. The page's
weight needs no browser: tests/articles/test_page_weight.py."""

import statistics

import pytest
from django.urls import reverse

pytestmark = pytest.mark.browser

NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
# Elements wider than the viewport give the culprit when the page scrolls sideways.
WIDER_THAN_VIEWPORT = """() => [...document.querySelectorAll('body *')]
    .filter(el => !el.closest('.visually-hidden'))
    .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
    .slice(0, 5).map(el => el.outerHTML.slice(0, 120))"""


def paths(site):
    return {
        "home": reverse("articles:list"),
        "article": site["article"].get_absolute_url(),
        "topic": site["topic"].get_absolute_url(),
        "author": site["author"].get_absolute_url(),
        "search": reverse("articles:search") + "?q=ketamine",
        "sign-up": reverse("signups:signup"),
        "404": "/no-such-page/",
    }


PAGES = ["home", "article", "topic", "author", "search", "sign-up", "404"]


def open_in(browser, serve_media, url, **context_options):
    context = browser.new_context(**context_options)
    page = serve_media(context.new_page())
    # goto waits for the load event (styles, the deferred script, images not lazy-loaded);
    # images keep their box from width and height before they load, so there is nothing
    # to wait for after it.
    page.goto(url)
    return context, page


@pytest.mark.parametrize(
    "viewport",
    [
        # A 320 CSS px wide phone, and 1280 px at 400%: WCAG 1.4.10 reflow.
        pytest.param({"viewport": {"width": 320, "height": 640}}, id="320px"),
        # A 1280 px window zoomed to 200%: 640 CSS px at twice the pixel density.
        pytest.param({"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2}, id="200%-zoom"),
    ],
)
def test_pages_reflow_without_horizontal_scrolling(
    browser, live_server, clinic_site, serve_media, subtests, viewport
):
    """Each page at this size, one after another in one browser context (a reader's tab);
    a subtest per page, so one page that scrolls sideways does not hide another. One site
    serves them all (made and flushed once: about a second each on a 2-core machine)."""
    context = browser.new_context(**viewport)
    page = serve_media(context.new_page())
    try:
        for name in PAGES:
            with subtests.test(name):
                # goto waits for the load event (styles, the deferred script, images not
                # lazy-loaded); images keep their box from width and height before they
                # load, so there is nothing to wait for after it.
                page.goto(live_server.url + paths(clinic_site)[name])
                assert page.evaluate(NO_HORIZONTAL_SCROLL), page.evaluate(WIDER_THAN_VIEWPORT)
                # Nothing is cut off: the header's search and the main content fit the width.
                for selector in ("#site-search-q", "main h1"):
                    box = page.locator(selector).bounding_box()
                    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["viewport"]["width"], (
                        selector
                    )
    finally:
        context.close()


def test_text_enlarged_to_200_percent_still_fits_without_horizontal_scrolling(
    browser, live_server, clinic_site, serve_media, subtests
):
    """WCAG 1.4.4: text alone at 200% (a browser's minimum font size setting does this).
    A subtest per page, one after another in one browser context."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = serve_media(context.new_page())
    try:
        for name in ["home", "article", "sign-up"]:
            with subtests.test(name):
                page.goto(live_server.url + paths(clinic_site)[name])
                # Through the CSSOM, which the CSP allows, unlike a style attribute.
                page.evaluate("document.documentElement.style.fontSize = '200%'")

                assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 32
                assert page.evaluate(NO_HORIZONTAL_SCROLL), page.evaluate(WIDER_THAN_VIEWPORT)
    finally:
        context.close()


CHARACTERS_PER_LINE = """() => {
    // The rendered lines of the body's paragraphs: characters grouped by their line's top.
    const counts = [];
    for (const paragraph of document.querySelectorAll('.article__body > p')) {
        const walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
        const lines = new Map();
        const range = document.createRange();
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (node.parentElement.closest('sup')) continue;
            for (let i = 0; i < node.length; i++) {
                range.setStart(node, i);
                range.setEnd(node, i + 1);
                const rect = range.getClientRects()[0];
                if (!rect) continue;
                const top = Math.round(rect.top / 4);
                lines.set(top, (lines.get(top) || 0) + 1);
            }
        }
        const full = [...lines.keys()].sort((a, b) => a - b).slice(0, -1);  // the last line is short
        for (const top of full) counts.push(lines.get(top));
    }
    return counts;
}"""


def test_the_article_body_has_a_readable_measure_of_60_to_75_characters(
    browser, live_server, clinic_site, serve_media
):
    context, page = open_in(
        browser,
        serve_media,
        live_server.url + clinic_site["article"].get_absolute_url(),
        viewport={"width": 1280, "height": 800},
    )

    counts = page.evaluate(CHARACTERS_PER_LINE)
    # Cross-check with the width divided by the font's average character width.
    estimate = page.evaluate(
        """() => {
            const paragraph = document.querySelector('.article__body > p');
            const canvas = document.createElement('canvas').getContext('2d');
            const style = getComputedStyle(paragraph);
            canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
            const text = paragraph.textContent.replace(/\\s+/g, ' ');
            return paragraph.clientWidth / (canvas.measureText(text).width / text.length);
        }"""
    )
    context.close()

    print(f"characters per line: median {statistics.median(counts)} of {counts}; estimate {estimate:.1f}")
    assert len(counts) >= 10
    assert 60 <= statistics.median(counts) <= 75, counts
    assert 60 <= estimate <= 75, estimate


def test_printed_articles_list_their_sources_with_urls_and_leave_out_the_site_furniture(
    page, live_server, clinic_site, serve_media
):
    serve_media(page)
    page.goto(live_server.url + clinic_site["article"].get_absolute_url())
    page.emulate_media(media="print")

    doi = page.locator(".sources a[href^='https://doi.org/']").first
    after = doi.evaluate("a => getComputedStyle(a, '::after').content")
    assert doi.get_attribute("href") in after
    for hidden in (
        ".site-header nav",
        ".site-search",
        ".site-footer",
        "#signup",
        ".cta",
        ".toc",
        ".article-grid",
    ):
        assert page.locator(hidden).first.evaluate("el => getComputedStyle(el).display") == "none", hidden
    for kept in (".article__title", ".article__body", ".sources", ".history", ".disclosure", ".review-note"):
        assert page.locator(kept).evaluate("el => getComputedStyle(el).display") != "none", kept
    assert page.pdf()[:4] == b"%PDF"
