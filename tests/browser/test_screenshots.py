"""Full-page screenshots of the home and article pages, for a person to look at.

They land in the git-ignored ``test-output/screenshots/`` folder, named by page and
width (390 px: a common phone; 1280 px: a laptop). The test only checks that each was
written; judging them is a person's job.
"""

import pytest
from django.urls import reverse

from .conftest import TEST_OUTPUT

pytestmark = pytest.mark.browser

WIDTHS = [390, 1280]
SCREENSHOTS = TEST_OUTPUT / "screenshots"


def test_a_full_page_screenshot_is_saved(browser, live_server, clinic_site, serve_media, subtests):
    """Each page at each width; one browser context per width, and one site (made once)
    serves all four."""
    paths = {"home": reverse("articles:list"), "article": clinic_site["article"].get_absolute_url()}
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900})
        try:
            page = serve_media(context.new_page())
            for name, path in paths.items():
                with subtests.test(f"{name}-{width}"):
                    target = screenshot(page, live_server.url + path, name, width)
                    assert target.stat().st_size > 10_000
        finally:
            context.close()


def screenshot(page, url, name, width):
    """Open ``url`` in ``page`` (``width`` CSS px wide), save the page whole and answer the
    PNG's path."""
    page.goto(url)
    # Lazy images below the fold load only once scrolled to; the wait below is for all.
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(img => img.loading = 'eager')")
    # A function, not an expression string: Playwright polls a string with eval(), which
    # the site's Content Security Policy (no 'unsafe-eval') rightly refuses.
    page.wait_for_function("() => [...document.images].every(img => img.complete)")

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}-{width}.png"
    page.screenshot(path=target, full_page=True)
    return target
