"""The subscriber list built for a million rows: counts, search, source filter, date drill-down.

Runs on SQLite and PostgreSQL; the estimated count and the index checks need PostgreSQL.
"""

import re
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from django.urls import reverse

from signups import admin_list
from signups.admin_times import distinct_periods
from signups.models import Subscriber
from tests.factories import ArticleFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:signups_subscriber_changelist")
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")


def listed(response):
    """The addresses on the page, in order."""
    return [subscriber.email for subscriber in response.context["cl"].result_list]


def drill_down(response):
    """The date drill-down's choices as the page shows them (the way back left out)."""
    links = response.text.split('class="toplinks"')[1].split("</nav>")[0]
    return re.findall(r'<a href="[^"]*">([^<]+)</a>', links)


def signed_up(email, when, **fields):
    subscriber = SubscriberFactory(email=email, **fields)
    Subscriber.objects.filter(pk=subscriber.pk).update(created_at=when)
    return subscriber


def test_a_short_list_is_counted_exactly(marketing_client):
    SubscriberFactory.create_batch(3)

    response = marketing_client.get(LIST_URL)

    assert '<span class="result-count">3 subscribers</span>' in response.text
    assert "about" not in response.text.split('class="paginator"')[1]


@pytest.fixture
def long_list(monkeypatch):
    """130 subscribers (two pages), with "long" meaning over 120 (more than a page, as the
    real limit is), and PostgreSQL's statistics fresh."""
    monkeypatch.setattr(admin_list, "EXACT_COUNT_LIMIT", 120)
    SubscriberFactory.create_batch(130)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE signups_subscriber")


@postgresql_only
def test_a_long_list_shows_an_estimate_and_says_so(marketing_client, long_list):
    SubscriberFactory(email="one.of.a.kind@example.net")

    response = marketing_client.get(LIST_URL)

    cl = response.context["cl"]
    assert cl.paginator.count_is_estimate
    assert 121 <= cl.result_count <= 260  # the planner's estimate, at least what was counted
    assert f'<span class="result-count">about {cl.result_count} subscribers</span>' in response.text
    assert f"Select all (about {cl.result_count}) subscribers" in response.text
    # Filtered down below the limit, the count is exact again.
    response = marketing_client.get(LIST_URL, {"q": "one.of.a.kind"})
    assert not response.context["cl"].paginator.count_is_estimate
    assert '<span class="result-count">1 subscriber</span>' in response.text


@postgresql_only
@pytest.mark.parametrize("page", ["999", str(10**30)])
def test_a_page_past_an_estimated_end_is_empty_not_an_error(marketing_client, long_list, page):
    response = marketing_client.get(LIST_URL, {"p": page})

    assert response.status_code == 200
    assert listed(response) == []


@postgresql_only
def test_a_long_search_result_says_more_than_the_limit(marketing_client, long_list):
    response = marketing_client.get(LIST_URL, {"q": "@example.com"})

    assert response.context["cl"].paginator.count_is_lower_bound
    assert "more than 120 results" in response.text
    assert '<span class="result-count">more than 120 subscribers</span>' in response.text
    assert len(listed(response)) == 100


@pytest.mark.parametrize(
    "typed",
    ["Jane.Doe@Example.ORG", "jane.do", "@example.org", "EXAMPLE.ORG", '"jane.doe@example.org"'],
)
def test_search_finds_an_address_by_its_whole_its_start_or_its_domain(marketing_client, typed):
    SubscriberFactory(email="Jane.Doe@example.org")
    SubscriberFactory(email="john@example.com")

    response = marketing_client.get(LIST_URL, {"q": typed})

    assert listed(response) == ["Jane.Doe@example.org"]


def test_search_finds_an_international_domain_typed_either_way(marketing_client):
    SubscriberFactory(email="jo@bücher.example")
    SubscriberFactory(email="jo@other.example")

    for typed in ("jo@Bücher.example", "xn--bcher-kva"):
        assert listed(marketing_client.get(LIST_URL, {"q": typed})) == ["jo@bücher.example"]


def test_search_finds_names_in_any_case_and_needs_every_word(marketing_client):
    # (SQLite folds the case of ASCII letters only.)
    SubscriberFactory(email="a@example.com", first_name="Zoë", last_name="Núñez")
    SubscriberFactory(email="b@example.com", first_name="Zoë", last_name="Smith")

    assert listed(marketing_client.get(LIST_URL, {"q": "ZOë"})) == ["b@example.com", "a@example.com"]
    assert listed(marketing_client.get(LIST_URL, {"q": "zoë núñez"})) == ["a@example.com"]


def test_the_source_filter_offers_only_articles_someone_signed_up_from(marketing_client):
    used, unused = ArticleFactory(title="Sleep and ketamine"), ArticleFactory(title="Never a source")
    SubscriberFactory(source_article=used)

    response = marketing_client.get(LIST_URL)

    assert "Sleep and ketamine" in response.text
    assert "Never a source" not in response.text
    filtered = marketing_client.get(LIST_URL, {"source_article__id__exact": used.pk})
    assert len(listed(filtered)) == 1
    assert unused.pk  # the unused article exists; it is simply not offered


def test_the_date_drill_down_offers_only_periods_with_sign_ups(marketing_client, settings):
    settings.TIME_ZONE = "America/New_York"
    signed_up("a@example.com", datetime(2024, 12, 31, 23, tzinfo=UTC))  # 18:00 on 31 Dec in New York
    signed_up("b@example.com", datetime(2025, 1, 1, 4, 30, tzinfo=UTC))  # still 31 Dec in New York
    signed_up("c@example.com", datetime(2026, 3, 9, 15, tzinfo=UTC))

    assert drill_down(marketing_client.get(LIST_URL)) == ["2024", "2026"]
    days = marketing_client.get(LIST_URL, {"created_at__year": "2024", "created_at__month": "12"})
    assert drill_down(days) == ["December 31"]


@pytest.mark.parametrize("kind", ["year", "month", "day"])
def test_distinct_periods_equal_djangos_datetimes(kind, settings):
    settings.TIME_ZONE = "Asia/Kolkata"
    for n, when in enumerate(
        [
            datetime(2023, 5, 1, 20, tzinfo=UTC),
            datetime(2023, 5, 1, 17, tzinfo=UTC),
            datetime(2023, 12, 31, 19, tzinfo=UTC),
            datetime(2025, 2, 28, 1, tzinfo=UTC),
        ]
    ):
        signed_up(f"p{n}@example.com", when)
    queryset = Subscriber.objects.filter(status=Subscriber.Status.PENDING)

    assert distinct_periods(queryset, "created_at", kind) == list(queryset.datetimes("created_at", kind))


def plan(queryset, *, avoid=("seqscan",)):
    """PostgreSQL's plan for ``queryset`` with the scans in ``avoid`` priced out, so that the
    index that can serve the query shows in it (the test table is too small to need one)."""
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:  # SET LOCAL needs a transaction
        for scan in avoid:
            cursor.execute(f"SET LOCAL enable_{scan} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@postgresql_only
@pytest.mark.parametrize("typed", ["jane.doe@example.org", "@example.org", "Smith"])
def test_the_search_is_served_by_the_trigram_indexes(typed):
    queryset = admin_list.search_subscribers(Subscriber.objects.all(), typed)

    # Bitmap scans only: the list's order could otherwise come from the sign-up time's index.
    shown = plan(queryset, avoid=("seqscan", "indexscan"))

    assert "signups_sub_email_trgm" in shown
    assert "signups_sub_first_trgm" in shown and "signups_sub_last_trgm" in shown
    assert "Seq Scan" not in shown


@postgresql_only
def test_held_reasons_are_served_by_their_index():
    held = plan(Subscriber.objects.filter(held_reason="trap").order_by("-created_at"))

    assert "signups_sub_held_reason" in held


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_dashboards_counts_read_the_index_alone():
    SubscriberFactory.create_batch(20)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE signups_subscriber")  # the visibility map index-only scans need

    period = plan(
        Subscriber.objects.filter(created_at__gte=datetime(2026, 1, 1, tzinfo=UTC))
        .order_by()
        .values("created_at", "confirmed_at", "source_article"),
        avoid=("seqscan", "bitmapscan"),
    )

    assert "Index Only Scan using signups_sub_period_counts" in period
