"""The sign-ups dashboard and export page look like the rest of the admin at phone (390 px)
and desktop (1280 px) widths, in Chromium, as a Marketing user: the breadcrumb bar is
there, nothing scrolls sideways, the charts' labels sit inside their boxes and are big
enough to read, and axe finds no serious or critical violation."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import ConfirmedSubscriberFactory, SubscriberFactory

from .admin_pages import log_in, staff_user
from .axe_core import run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1280)
# The smallest text a chart may show, in CSS pixels as rendered.
MIN_CHART_FONT_PX = 11


@pytest.fixture
def marketing(live_server, settings):
    """A Marketing user (the group is recreated: live_server flushes the database)."""
    settings.ADMIN_REQUIRE_2FA_FOR_SUBSCRIBER_DATA = False
    return staff_user("mia", "Marketing")


@pytest.fixture
def signups():
    now = timezone.now()
    for days in range(0, 40, 3):
        subscriber = (ConfirmedSubscriberFactory if days % 2 else SubscriberFactory)()
        type(subscriber).objects.filter(pk=subscriber.pk).update(created_at=now - timedelta(days=days))


def assert_fits_the_width(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"


def assert_charts_are_readable(page):
    """Every chart label lies inside its chart's box and renders at a readable size."""
    charts = page.locator(".signups-dashboard svg")
    assert charts.count() == 2
    for index in range(charts.count()):
        chart = charts.nth(index)
        box = chart.bounding_box()
        labels = chart.locator("text:visible")
        assert labels.count() >= 4  # the axis' 0 and maximum, the first and last dates
        for label_index in range(labels.count()):
            label = labels.nth(label_index)
            inner = label.bounding_box()
            text = label.text_content()
            assert inner["x"] >= box["x"] - 0.5, f"{text!r} starts left of its chart"
            assert inner["x"] + inner["width"] <= box["x"] + box["width"] + 0.5, f"{text!r} is cut off"
            assert (
                inner["y"] >= box["y"] - 0.5
                and inner["y"] + inner["height"] <= box["y"] + box["height"] + 0.5
            )
            size = label.evaluate("node => node.getBoundingClientRect().height")
            assert size >= MIN_CHART_FONT_PX, f"{text!r} is {size:.1f} px high"
        dates = sorted(
            (b["x"], b["x"] + b["width"])
            for b in (d.bounding_box() for d in chart.locator("text[text-anchor]:visible").all())
        )
        assert all(end <= start for (_s, end), (start, _e) in itertools.pairwise(dates)), "dates overlap"


def assert_like_the_admin(page):
    expect(page.locator(".breadcrumbs")).to_be_visible()
    # The admin's bar, not unstyled links: its background is the breadcrumbs colour.
    background = page.locator(".breadcrumbs").evaluate("bar => getComputedStyle(bar).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    expect(page.locator(".breadcrumbs a", has_text="Home")).to_be_visible()
    assert_fits_the_width(page)
    violations = [v for v in run_axe(page)["violations"] if v["impact"] in ("serious", "critical")]
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


def test_the_dashboard_and_export_page_at_phone_and_desktop_widths(page, live_server, marketing, signups):
    errors = []
    page.on(
        "console", lambda message: "Content Security Policy" in message.text and errors.append(message.text)
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server, marketing)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + "/admin/signups/subscriber/dashboard/")
        expect(page.locator("#total-signups")).not_to_have_text("0")
        # The figures are a list without bullets beside them.
        assert (
            page.locator(".figures li").first.evaluate("li => getComputedStyle(li).listStyleType") == "none"
        )
        assert_like_the_admin(page)
        assert_charts_are_readable(page)

        page.goto(live_server.url + "/admin/signups/subscriber/export/")
        expect(page.get_by_role("button", name="Export")).to_be_visible()
        assert_like_the_admin(page)
    assert not errors, errors
