"""The sign-ups dashboard in the admin: chart, confirmation rate, top articles (issue 6)."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from signups import dashboard
from signups.models import Subscriber
from tests.factories import ArticleFactory, ConfirmedSubscriberFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

Status = Subscriber.Status
DASHBOARD_URL = reverse("admin:signups_subscriber_dashboard")
LIST_URL = reverse("admin:signups_subscriber_changelist")
EXPORT_URL = reverse("admin:signups_subscriber_export")
PERIOD = {"since": "2026-03-01", "until": "2026-03-14"}


def signed_up_at(subscriber, when):
    Subscriber.objects.filter(pk=subscriber.pk).update(created_at=when)
    return subscriber


@pytest.fixture
def march(settings):
    """Sign-ups in early March 2026 (New York time), from two articles, plus some outside it."""
    settings.TIME_ZONE = "America/New_York"
    sleep, mood = (
        ArticleFactory(title="Ketamine and sleep", slug="sleep"),
        ArticleFactory(title="Mood", slug="mood"),
    )
    for day, factory, article in [
        (2, ConfirmedSubscriberFactory, sleep),
        (2, SubscriberFactory, sleep),
        (3, ConfirmedSubscriberFactory, sleep),
        (9, ConfirmedSubscriberFactory, mood),
        (10, SubscriberFactory, None),
    ]:
        signed_up_at(factory(source_article=article), datetime(2026, 3, day, 15, tzinfo=UTC))
    # Unsubscribed and erased people still count as sign-ups of their day.
    signed_up_at(
        SubscriberFactory(status=Status.UNSUBSCRIBED, source_article=sleep),
        datetime(2026, 3, 3, 15, tzinfo=UTC),
    )
    # 23:30 on 14 March in New York (in the period), and 00:30 on 15 March (not).
    signed_up_at(SubscriberFactory(), datetime(2026, 3, 15, 3, 30, tzinfo=UTC))
    signed_up_at(SubscriberFactory(), datetime(2026, 3, 15, 4, 30, tzinfo=UTC))
    signed_up_at(ConfirmedSubscriberFactory(source_article=mood), datetime(2026, 2, 20, 15, tzinfo=UTC))
    return {"sleep": sleep, "mood": mood}


def test_marketing_sees_the_numbers_for_the_chosen_period(marketing_client, march):
    response = marketing_client.get(DASHBOARD_URL, PERIOD)

    assert response.status_code == 200
    numbers = response.context["numbers"]
    assert (numbers["total"], numbers["confirmed"]) == (7, 3)
    assert '<strong id="total-signups">7</strong>' in response.text
    assert '<strong id="confirmation-rate">43&nbsp;%</strong>' in response.text
    top = [(row["source_article__slug"], row["signups"], row["confirmed"]) for row in numbers["top_articles"]]
    assert top == [("sleep", 4, 2), ("mood", 1, 1)]
    assert "Ketamine and sleep" in response.text


def test_the_chart_is_an_accessible_server_side_svg(marketing_client, march):
    response = marketing_client.get(DASHBOARD_URL, PERIOD)

    text = response.text
    assert text.count('role="img"') == 2
    assert '<title id="per-day-title">Sign-ups per day</title>' in text
    assert '<title id="per-week-title">Sign-ups per week</title>' in text
    assert "7 sign-ups over 14 days, from 2026-03-01 to 2026-03-14" in text  # the text summary
    content = text.split('id="content-main"')[1]
    assert "<script" not in content
    assert 'src="http' not in text and 'href="http' not in text  # no CDN
    daily = response.context["numbers"]["daily"]
    assert [bar.count for bar in daily.bars][:4] == [0, 2, 2, 0]
    assert daily.bars[13].count == 1  # 14 March, counted in New York time
    tallest = max(daily.bars, key=lambda bar: bar.height)
    assert tallest.height == daily.baseline - daily.top


def test_weeks_start_on_monday():
    numbers = dashboard.stats(date(2026, 3, 1), date(2026, 3, 14))

    assert [bar.label for bar in numbers["weekly"].bars] == ["2026-02-23", "2026-03-02", "2026-03-09"]


def test_the_dashboards_numbers_match_the_export_for_the_same_period(marketing_client, march):
    numbers = marketing_client.get(DASHBOARD_URL, PERIOD).context["numbers"]
    out = io.StringIO()
    call_command(
        "export_signups",
        "--status",
        "all",
        "--since",
        PERIOD["since"],
        "--until",
        PERIOD["until"],
        "--include-source",
        stdout=out,
        stderr=io.StringIO(),
    )
    rows = list(csv.DictReader(io.StringIO(out.getvalue().removeprefix("\ufeff"))))

    assert len(rows) == numbers["total"]
    assert sum(1 for row in rows if row["Confirmed"]) == numbers["confirmed"]
    assert sum(1 for row in rows if row["Source article"] == "sleep") == numbers["top_articles"][0]["signups"]


def test_the_dashboards_links_open_the_same_sign_ups_in_the_list_and_its_export(marketing_client, march):
    response = marketing_client.get(DASHBOARD_URL, PERIOD)
    numbers = response.context["numbers"]
    period_url = response.context["period_list_url"]
    sleep_url = numbers["top_articles"][0]["list_url"]

    listed = marketing_client.get(period_url).context["cl"]
    assert listed.result_count == numbers["total"]
    assert marketing_client.get(sleep_url).context["cl"].result_count == 4
    query = sleep_url.split("?", 1)[1]
    exported = marketing_client.post(f"{EXPORT_URL}?{query}", {"format": "csv", "preset": "full"})
    body = b"".join(exported.streaming_content).decode()
    assert len(list(csv.DictReader(io.StringIO(body)))) == 4


@time_machine.travel(datetime(2026, 3, 14, 16, tzinfo=UTC), tick=False)
def test_without_dates_the_dashboard_shows_the_last_30_days(marketing_client, march):
    response = marketing_client.get(DASHBOARD_URL)

    numbers = response.context["numbers"]
    assert (numbers["since"], numbers["until"]) == (date(2026, 2, 13), date(2026, 3, 14))
    assert numbers["total"] == 8


def test_a_period_that_ends_before_it_starts_is_explained(marketing_client, march):
    response = marketing_client.get(DASHBOARD_URL, {"since": "2026-03-14", "until": "2026-03-01"})

    assert response.status_code == 400
    assert "The period must start before it ends." in response.text


def test_the_list_links_to_the_dashboard_and_editors_cannot_open_it(marketing_client, editor_client):
    assert DASHBOARD_URL in marketing_client.get(LIST_URL).text
    assert editor_client.get(DASHBOARD_URL).status_code == 403


def test_an_empty_period_shows_no_rate_rather_than_an_error(marketing_client):
    response = marketing_client.get(DASHBOARD_URL, PERIOD)

    assert response.status_code == 200
    assert response.context["numbers"]["rate"] is None
    assert "No sign-ups from an article in this period." in response.text
