"""The next review date: what readers and editors see once a sign-off's interval runs out,
and that no cached page keeps saying "Next review due" past that date."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from articles.models import Article, SiteSettings
from articles.review_dates import add_months, due_date, overdue_cutoff
from tests.factories import ArticleFactory, ReviewerFactory, record_sign_off

from .admin_support import change_url

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("America/New_York")


@pytest.fixture(autouse=True)
def site_zone(settings):
    # Not UTC, so a date taken in the wrong zone shows.
    settings.TIME_ZONE = "America/New_York"


def at(day, hour=12, minute=0):
    """An aware moment on ``day`` (a date) in the site's zone."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


def reader_text(article, client=None):
    """The public page's text, tags removed and spaces collapsed."""
    html = (client or Client()).get(article.get_absolute_url()).content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def signed_off():
    """A published article signed off at noon on 15 March 2027, site time."""
    with time_machine.travel(at(date(2027, 3, 15)), tick=False):
        article = ArticleFactory(title="Ketamine and sleep", published_at=at(date(2027, 3, 1)))
        return record_sign_off(article, ReviewerFactory(name="Dr. Ada Reyes"), when=at(date(2027, 3, 15)))


# The dates


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 3, 15), 12, date(2028, 3, 15)),
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2027, 3, 31), -1, date(2027, 2, 28)),
    ],
)
def test_calendar_months_keep_the_day_and_clamp_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize("months", [1, 6, 12, 36])
def test_the_database_bound_agrees_with_the_due_date_for_every_day(months):
    # Sign-offs on each day of two years, the leap day and month ends included, against
    # a "today" in each of them: overdue exactly when the due date is before today.
    start = date(2027, 1, 1)
    days = [start + timedelta(days=n) for n in range(0, 800, 1)]
    for today in days[::37]:
        cutoff = overdue_cutoff(months, today)
        for signed in days:
            overdue = due_date(at(signed), months) < today
            assert (at(signed, 0, 1) < cutoff) is overdue, (signed, today)


# What readers see


def test_a_current_sign_off_shows_the_next_review_date_until_the_day_has_passed(signed_off):
    with time_machine.travel(at(date(2028, 3, 15), 23, 59), tick=False):
        text = reader_text(signed_off)
    assert "Medically reviewed by Dr. Ada Reyes" in text
    assert "Next review due March 15, 2028" in text
    assert "Last reviewed" not in text

    with time_machine.travel(at(date(2028, 3, 16), 0, 1), tick=False):
        text = reader_text(signed_off)
    assert "Next review due" not in text
    assert "Medically reviewed by Dr. Ada Reyes" in text
    assert "Last reviewed March 15, 2027" in text


def test_the_review_interval_comes_from_the_site_settings(signed_off):
    settings = SiteSettings.load()
    settings.review_interval_months = 6
    settings.save()

    with time_machine.travel(at(date(2027, 4, 1)), tick=False):
        assert "Next review due September 15, 2027" in reader_text(signed_off)


def test_an_article_changed_since_its_review_has_no_next_review_date(signed_off):
    signed_off.body = "<p>Rewritten after the review.</p>"
    signed_off.save()

    with time_machine.travel(at(date(2027, 4, 1)), tick=False):
        text = reader_text(signed_off)
    assert "This article has changed since that review" in text
    assert "Next review due" not in text and "Last reviewed March" not in text


def test_an_article_never_reviewed_has_no_next_review_date():
    text = reader_text(ArticleFactory())
    assert "not yet been medically reviewed" in text and "Next review due" not in text


# The page cache


def test_no_cached_page_says_next_review_due_after_the_date(settings, signed_off):
    settings.PAGE_CACHE_SECONDS = 7 * 24 * 3600
    settings.PAGE_CACHE_BROWSER_SECONDS = 7 * 24 * 3600
    with time_machine.travel(at(date(2028, 3, 15), 23, 0), tick=False):
        first = Client().get(signed_off.get_absolute_url())
        assert first["X-Page-Cache"] == "miss"
        # An hour to go: neither the server's cache nor a browser keeps it longer.
        assert "max-age=3600" in first["Cache-Control"]
        assert Client().get(signed_off.get_absolute_url())["X-Page-Cache"] == "hit"
    with time_machine.travel(
        at(
            date(2028, 3, 16),
            0,
            0,
        )
        + timedelta(seconds=1),
        tick=False,
    ):
        text = reader_text(signed_off)
    assert "Next review due" not in text and "Last reviewed March 15, 2027" in text


def test_pages_stay_cached_while_no_review_date_is_near(settings, signed_off):
    settings.PAGE_CACHE_SECONDS = 600
    with time_machine.travel(at(date(2027, 6, 1)), tick=False):
        Client().get(signed_off.get_absolute_url())
        assert Client().get(signed_off.get_absolute_url())["X-Page-Cache"] == "hit"


# What editors see


def test_the_admin_says_review_overdue_in_the_list_and_on_the_change_page(client, publisher, signed_off):
    fresh = ArticleFactory(title="Fresh")
    with time_machine.travel(at(date(2028, 3, 10)), tick=False):
        record_sign_off(fresh, ReviewerFactory(), when=at(date(2028, 3, 10)))

    with time_machine.travel(at(date(2028, 3, 20)), tick=False):
        publisher_client = client
        publisher_client.force_login(publisher)  # a session of that day
        listing = publisher_client.get(reverse("admin:articles_article_changelist"))
        overdue_page = publisher_client.get(change_url(signed_off)).content.decode()
        current_page = publisher_client.get(change_url(fresh)).content.decode()
        due = publisher_client.get(reverse("admin:articles_article_changelist"), {"review": "due"})

    html = listing.content.decode()
    assert "Review overdue (reviewed March 15, 2027)" in html
    assert "Reviewed March 10, 2028" in html
    assert "Review overdue:" in overdue_page and "the next review was due on March 15, 2028" in overdue_page
    assert "Next review due March 10, 2029" in current_page and "Review overdue" not in current_page
    assert {article.title for article in due.context["cl"].result_list} == {"Ketamine and sleep"}


def test_the_review_due_list_takes_an_article_on_the_day_after_its_due_date(signed_off):
    def due_titles():
        return set(Article.objects.review_due(12).values_list("title", flat=True))

    with time_machine.travel(at(date(2028, 3, 15), 23, 59), tick=False):
        assert due_titles() == set()
    with time_machine.travel(at(date(2028, 3, 16), 0, 1), tick=False):
        assert due_titles() == {"Ketamine and sleep"}
