"""Every public page type against WCAG 2.2 AA in Chromium: axe-core plus the checks axe
cannot make on its own (one h1, heading order, landmarks, skip link, visible focus, no
inline script or style for the strict CSP, reduced motion) and the sign-up form by
keyboard alone, with and without JavaScript.

axe-core runs through :mod:`tests.browser.axe_core`.
"""

import re
from contextlib import contextmanager
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from signups import tokens
from signups.models import DEFAULT_ERROR, DEFAULT_SUCCESS, Subscriber
from tests.factories import SubscriberFactory

from . import axe_core

pytestmark = pytest.mark.browser

BLOCKING_IMPACTS = {"serious", "critical"}
# Moderate or minor findings we accept, by axe rule id, with the reason. Empty today:
# every page type passes all of the rules above. A new finding fails the test until it
# is fixed or listed here with its reason.
ACCEPTED = {}


def run_axe(page):
    """axe-core's violations on ``page`` (a list of axe result dicts), after checking that
    axe ran its rules and could compute every text's contrast (every node of violations
    and incomplete results is kept)."""
    results = axe_core.run_axe(page, result_types=("violations", "incomplete"))
    checked = {rule for kind in ("passes", "violations", "incomplete") for rule in results["checked"][kind]}
    assert {"color-contrast", "target-size", "landmark-one-main"} <= checked, "axe did not run its rules"
    # axe leaves contrast it cannot compute (text over a gradient or image) "incomplete":
    # no such text here, so every text's contrast is actually checked.
    unchecked = [r for r in results["incomplete"] if r["id"] == "color-contrast"]
    assert not unchecked, describe(unchecked)
    return results["violations"]


def describe(violations):
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
    )


def signup_error_page(page, live_server):
    """The form's answer to a bad address: the script's, or without it the plain form's
    (the page reloads). Either way the status says so and the field is marked."""
    page.goto(live_server.url + reverse("signups:signup"))
    block = page.locator("#signup")
    block.get_by_label("Email address").fill("not-an-address")
    block.get_by_role("button", name="Sign up").click()
    expect(block.get_by_role("status")).to_have_text(DEFAULT_ERROR)
    expect(block.get_by_label("Email address")).to_have_attribute("aria-invalid", "true")


def unsubscribed_page(page, live_server):
    subscriber = SubscriberFactory()
    page.goto(live_server.url + reverse("signups:unsubscribe", args=[subscriber.unsubscribe_token]))
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.locator("h1")).not_to_have_text("Unsubscribe from the Isha Health newsletter")


def page_types(site):
    """Each public page type: a path to open, or a function that gets the page there."""
    subscriber = SubscriberFactory()
    site["topic"].newsletter = True  # so the manage page offers a topic to choose
    site["topic"].save()
    return {
        "home": reverse("articles:list"),
        "article": site["article"].get_absolute_url(),
        "topic": site["topic"].get_absolute_url(),
        "author": site["author"].get_absolute_url(),
        "reviewer": site["reviewer"].get_absolute_url(),
        "standalone page": site["page"].get_absolute_url(),
        "search": reverse("articles:search"),
        "search results": reverse("articles:search") + "?q=ketamine",
        "search without results": reverse("articles:search") + "?q=zzzzqqq",
        "sign-up": reverse("signups:signup"),
        "sign-up error": signup_error_page,
        "sign-up thanks": reverse("signups:thanks") + "?next=/",
        "confirm": reverse("signups:confirm", args=[tokens.make_confirmation_token(subscriber)]),
        "confirmed": reverse("signups:confirmed"),
        "confirm link expired": reverse("signups:confirm", args=["not-a-token"]),
        "unsubscribe": reverse("signups:unsubscribe", args=[subscriber.unsubscribe_token]),
        "unsubscribed": unsubscribed_page,
        "manage subscription": reverse("signups:manage", args=[subscriber.unsubscribe_token]),
        "404": "/no-such-page/",
    }


PAGE_TYPES = [
    "home",
    "article",
    "topic",
    "author",
    "reviewer",
    "standalone page",
    "search",
    "search results",
    "search without results",
    "sign-up",
    "sign-up error",
    "sign-up thanks",
    "confirm",
    "confirmed",
    "confirm link expired",
    "unsubscribe",
    "unsubscribed",
    "manage subscription",
    "404",
]


@contextmanager
def reader_page(browser, live_server, serve_media, script):
    """One page for a walk through every page type, with the site's script
    (``script="js"``) or without it (``"no-js"``): both must pass the same checks.

    "Without" blocks the site's own script rather than turning JavaScript off, because
    axe-core needs JavaScript timers to run; the page is then what a reader without
    JavaScript gets.

    One browser context serves the whole walk, as one reader's tab would, and
    :func:`start_afresh` forgets what the last page type left before the next opens. A
    fresh context per page type made the walk twice as slow: each starts a renderer
    process of its own, which compiles axe-core's half a megabyte of script again.
    """
    context = browser.new_context()
    page = serve_media(context.new_page())
    if script == "no-js":
        page.route(live_server.url + "/static/js/**", lambda route: route.abort())
    page.csp_errors = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and page.csp_errors.append(message.text),
    )
    try:
        yield page
    finally:
        context.close()


def start_afresh(page):
    """Before the next page type: no cookie left by the last (the session and CSRF cookies
    are all the public pages keep in a browser; none uses web storage), and no console
    message counted against it."""
    page.context.clear_cookies()
    page.csp_errors.clear()


def open_page(page, live_server, site, name):
    target = page_types(site)[name]
    if callable(target):
        target(page, live_server)
    else:
        # goto waits for the load event: the deferred script has run and every image not
        # lazy-loaded is in. Nothing else loads later, so no wait for network idle (at
        # least 500 ms of silence per page).
        page.goto(live_server.url + target)


class Outline(HTMLParser):
    """Headings, landmarks, inline scripts and style attributes of a page's HTML."""

    def __init__(self):
        super().__init__()
        self.headings, self.tags, self.style_attributes, self.inline_scripts = [], [], [], 0
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if "style" in attrs:
            self.style_attributes.append(tag)
        if tag == "script":
            self._in_script = attrs

    def handle_data(self, data):
        if (
            self._in_script is not None
            and data.strip()
            and self._in_script.get("type") != "application/ld+json"
        ):
            self.inline_scripts += 1

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    @classmethod
    def of(cls, html):
        parser = cls()
        parser.feed(html)
        return parser


def check_outline(page, outline):
    """One h1 first, no skipped heading level, lang and title, the four landmarks, a skip
    link first, and alt on every image."""
    assert outline.headings.count(1) == 1 and outline.headings[0] == 1, outline.headings
    for previous, current in zip(outline.headings, outline.headings[1:], strict=False):
        assert current <= previous + 1, (
            f"heading level jumps from h{previous} to h{current}: {outline.headings}"
        )
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.title()
    for role in ("banner", "navigation", "main", "contentinfo"):
        expect(page.get_by_role(role).first).to_be_attached()
    expect(page.get_by_role("main")).to_have_count(1)
    skip = page.locator("a").first
    expect(skip).to_have_text("Skip to content")
    expect(skip).to_have_attribute("href", "#main")
    expect(page.locator("main#main")).to_have_count(1)
    for image in page.locator("img").all():
        assert image.get_attribute("alt") is not None, image.evaluate("img => img.outerHTML")


def check_no_inline_script_or_style(page, outline):
    """Nothing the strict CSP would refuse: no style attribute, no inline script (JSON-LD
    data apart), and no CSP report in the console."""
    assert outline.style_attributes == []
    assert outline.inline_scripts == 0
    assert page.csp_errors == []


def check_axe(page):
    """No axe-core violation of the WCAG 2.2 AA and best-practice rules, unless accepted."""
    violations = run_axe(page)

    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, describe(blocking)
    unexplained = [v for v in violations if v["id"] not in ACCEPTED]
    assert not unexplained, describe(unexplained)


@pytest.mark.parametrize("script", ["js", "no-js"])
def test_every_page_type_passes_axe_and_the_checks_axe_cannot_make(
    browser, live_server, clinic_site, serve_media, subtests, script
):
    """Each page type, with and without the site's script: one page load, three verdicts.

    The page types of one mode share one site and one browser context (see
    :func:`reader_page`): the site is made once and the live server's database flushed
    once, instead of once per page type (each costs about a second on a 2-core machine).
    The outline and CSP checks read the DOM before axe runs, so nothing axe injects can
    hide or cause a finding. Opening a page and each check are subtests (pytest's
    ``subtests`` fixture), named by page type, so a failure on one page or in one check does
    not hide the others.
    """
    with reader_page(browser, live_server, serve_media, script) as page:
        for name in PAGE_TYPES:
            start_afresh(page)
            opened = False
            with subtests.test(f"{name}: the page opens"):
                open_page(page, live_server, clinic_site, name)
                outline = Outline.of(page.content())
                opened = True
            if not opened:
                continue
            with subtests.test(f"{name}: one h1, an ordered outline, landmarks and a skip link"):
                check_outline(page, outline)
            with subtests.test(f"{name}: no inline script or style under the strict CSP"):
                check_no_inline_script_or_style(page, outline)
            with subtests.test(f"{name}: no serious or critical axe violations"):
                check_axe(page)


def test_the_skip_link_is_the_first_tab_stop_shows_itself_and_moves_focus_to_main(
    page, live_server, clinic_site
):
    page.goto(live_server.url + clinic_site["article"].get_absolute_url())
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()

    page.keyboard.press("Enter")

    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    # The next stop is inside the article, not back in the header.
    assert page.evaluate("document.activeElement.closest('main') !== null")


@pytest.mark.parametrize("path_name", ["home", "article"])
def test_every_tab_stop_shows_a_visible_focus_indicator(
    page, live_server, clinic_site, serve_media, path_name
):
    serve_media(page)
    page.goto(live_server.url + page_types(clinic_site)[path_name])
    seen = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el || el === document.body) return null;
                // A card draws the ring around itself when its title link has the focus.
                const card = el.closest('.card');
                const ring = getComputedStyle(card && card.matches(':has(:focus-visible)') ? card : el);
                return {
                    html: el.outerHTML.slice(0, 120),
                    style: ring.outlineStyle,
                    width: parseFloat(ring.outlineWidth),
                    color: ring.outlineColor,
                };
            }"""
        )
        if info is None or info["html"] in seen:
            break
        seen.add(info["html"])
        assert info["style"] in ("solid", "auto") and info["width"] >= 2, info
    assert len(seen) > 8


def test_the_learn_more_button_says_where_it_goes_to_screen_readers(page, live_server, clinic_site):
    page.goto(live_server.url + clinic_site["article"].get_absolute_url())

    link = page.get_by_role("link", name="Learn More about ketamine therapy at Isha Health")

    expect(link).to_be_visible()
    expect(link).to_have_text("Learn More about ketamine therapy at Isha Health")
    expect(link.locator(".visually-hidden")).to_have_text(" about ketamine therapy at Isha Health")


def test_corrections_and_review_state_are_said_in_words_not_only_colour(page, live_server, clinic_site):
    page.goto(live_server.url + clinic_site["article"].get_absolute_url())

    expect(page.locator(".history__item--correction")).to_contain_text("Correction:")
    expect(page.locator(".review-note")).to_contain_text("Medically reviewed by")
    # Links in running text are underlined, not told apart by colour alone.
    for link in page.locator(".article__body a, .review-note a, .sources a, .site-footer a").all():
        assert "underline" in link.evaluate("a => getComputedStyle(a).textDecorationLine"), link.inner_html()


def test_motion_is_off_for_readers_who_ask_for_less(browser, live_server, clinic_site):
    def card_motion(reduced_motion):
        context = browser.new_context(reduced_motion=reduced_motion)
        page = context.new_page()
        page.goto(live_server.url + reverse("articles:list"))
        motion = page.evaluate(
            """() => ({
                transition: getComputedStyle(document.querySelector('.card')).transitionDuration,
                scroll: getComputedStyle(document.documentElement).scrollBehavior,
            })"""
        )
        context.close()
        return motion

    assert card_motion("no-preference") == {"transition": "0.15s, 0.15s", "scroll": "smooth"}
    assert card_motion("reduce") == {"transition": "0s", "scroll": "auto"}


# The sign-up form by keyboard alone ------------------------------------------------------


def tab_to(page, locator, limit=40):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"Tab never reached {locator}")


def test_by_keyboard_alone_the_live_region_announces_the_sign_up(page, live_server, clinic_site):
    page.goto(live_server.url + clinic_site["article"].get_absolute_url())
    block = page.locator("#signup")
    email = block.get_by_label("Email address")
    status = block.get_by_role("status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text("")

    tab_to(page, email, limit=80)
    page.keyboard.type("jane@example.com")
    page.keyboard.press("Enter")

    expect(status.get_by_role("paragraph").first).to_have_text(DEFAULT_SUCCESS)
    expect(status).to_be_focused()
    assert Subscriber.objects.get().email == "jane@example.com"


def test_by_keyboard_alone_an_error_is_announced_and_tied_to_the_field(page, live_server):
    page.goto(live_server.url + reverse("signups:signup"))
    block = page.locator("#signup")
    email = block.get_by_label("Email address")
    status = block.get_by_role("status")

    tab_to(page, email)
    page.keyboard.type("jane@")
    page.keyboard.press("Enter")

    expect(status).to_have_text(DEFAULT_ERROR)
    expect(status).to_be_focused()
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(re.compile("Enter a valid email address"))
    # The message comes before the form, so the next Tab lands back in the field.
    page.keyboard.press("Tab")
    expect(email).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("jane@example.com")
    page.keyboard.press("Enter")
    expect(status.get_by_role("paragraph").first).to_have_text(DEFAULT_SUCCESS)
    expect(status).to_be_focused()
    assert Subscriber.objects.get().email == "jane@example.com"


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_without_javascript_the_keyboard_sign_up_error_takes_the_focus_and_names_the_field(
    no_js_page, live_server
):
    page = no_js_page
    page.goto(live_server.url + reverse("signups:signup"))
    email = page.locator("#signup").get_by_label("Email address")

    tab_to(page, email)
    page.keyboard.type("jane@")
    page.keyboard.press("Enter")

    status = page.locator("#signup").get_by_role("status")
    expect(status).to_have_text(DEFAULT_ERROR)
    expect(status).to_be_focused()
    email = page.locator("#signup").get_by_label("Email address")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(re.compile("Enter a valid email address"))

    page.keyboard.press("Tab")
    expect(email).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("jane@example.com")
    page.keyboard.press("Enter")

    status = page.locator("#signup").get_by_role("status")
    expect(status.get_by_role("paragraph").first).to_have_text(DEFAULT_SUCCESS)
    # The thanks page (/signup/thanks/, no #fragment, on which browsers would skip
    # autofocus) gives the message the focus, so the next Tab goes on from the message.
    expect(status).to_be_focused()
    expect(status).to_be_in_viewport()
    page.keyboard.press("Tab")
    assert status.evaluate(
        "status => status.compareDocumentPosition(document.activeElement) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    assert Subscriber.objects.get().email == "jane@example.com"
