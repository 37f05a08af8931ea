"""Whatever is in the database, the admin, the dashboard and the exports render it (issue 12).

Rows are written straight into the table (as a bad import, a script or a restore could),
with times at the ends of what Python's dates hold, in zones on both sides of UTC.
"""

import csv
import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from signups.models import SignupEvent, Subscriber
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:signups_subscriber_changelist")
EXPORT_URL = reverse("admin:signups_subscriber_export")
DASHBOARD_URL = reverse("admin:signups_subscriber_dashboard")
FIRST = datetime(1, 1, 1, tzinfo=UTC)
LAST = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
ZONES = ["UTC", "America/Los_Angeles", "Pacific/Kiritimati"]


@pytest.fixture
def awkward():
    """Subscribers no form would make: impossible times, odd text, unknown choices."""
    rows = {
        "first": SubscriberFactory(email="first@example.com"),
        "last": SubscriberFactory(email="last@example.com"),
        "backwards": SubscriberFactory(email="backwards@example.com"),
        "odd": SubscriberFactory(email="odd@example.com"),
    }
    Subscriber.objects.filter(pk=rows["first"].pk).update(
        created_at=FIRST, confirmed_at=FIRST, unsubscribed_at=FIRST, email_status_at=FIRST
    )
    Subscriber.objects.filter(pk=rows["last"].pk).update(
        created_at=LAST, confirmed_at=LAST, confirmation_requested_at=LAST, email_status_at=LAST
    )
    Subscriber.objects.filter(pk=rows["backwards"].pk).update(
        confirmed_at=datetime(2000, 1, 1, tzinfo=UTC), created_at=datetime(2020, 1, 1, tzinfo=UTC)
    )
    Subscriber.objects.filter(pk=rows["odd"].pk).update(
        status="legacy",
        email_status="bounced-hard",
        held_reason="captcha",
        first_name="<script>alert(1)</script>\u202e",
        last_name="=cmd|' /C calc'!A0",
        source_path="/" + "x" * 499,
    )
    for subscriber in rows.values():
        SignupEvent.objects.create(subscriber=subscriber, note="odd")
    SignupEvent.objects.filter(subscriber=rows["first"]).update(created_at=FIRST)
    SignupEvent.objects.filter(subscriber=rows["last"]).update(created_at=LAST)
    return rows


@pytest.mark.parametrize("zone", ZONES)
def test_the_subscriber_list_and_each_change_page_render(admin_client, awkward, settings, zone):
    settings.TIME_ZONE = zone

    listing = admin_client.get(LIST_URL)

    assert listing.status_code == 200
    assert all(f"{name}@example.com" in listing.text for name in awkward)
    assert "<script>alert(1)" not in listing.text
    for name, subscriber in awkward.items():
        page = admin_client.get(reverse("admin:signups_subscriber_change", args=[subscriber.pk]))
        assert page.status_code == 200, name
        assert f"{name}@example.com" in page.text


@pytest.mark.parametrize("zone", ZONES)
def test_the_lists_date_drill_down_and_filters_render(admin_client, awkward, settings, zone):
    settings.TIME_ZONE = zone

    for query in [
        {"created_at__year": "1"},
        {"created_at__year": "9999"},
        {"created_at__year": "9999", "created_at__month": "12"},
        {"created_at__year": "9999", "created_at__month": "12", "created_at__day": "31"},
        {"status__exact": "legacy"},
        {"held_reason__exact": "captcha"},
    ]:
        assert admin_client.get(LIST_URL, query).status_code in (200, 302), query


@pytest.mark.parametrize("zone", ZONES)
def test_the_dashboard_renders(admin_client, awkward, settings, zone):
    settings.TIME_ZONE = zone

    assert admin_client.get(DASHBOARD_URL).status_code == 200
    assert admin_client.get(DASHBOARD_URL, {"since": "2019-12-01", "until": "2020-02-01"}).status_code == 200


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("preset", ["full", "mailchimp", "ghost"])
def test_every_export_renders(admin_client, awkward, settings, zone, preset, tmp_path):
    settings.TIME_ZONE = zone
    Subscriber.objects.update(status="confirmed")

    response = admin_client.post(EXPORT_URL, {"format": "csv", "preset": preset, "include_source": "on"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(body)))) == len(awkward)

    response = admin_client.post(EXPORT_URL, {"format": "xlsx", "preset": preset})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == len(awkward) + 1

    out = tmp_path / "export.csv"
    call_command(
        "export_signups", "--preset", preset, "--status", "confirmed", "-o", str(out), stderr=io.StringIO()
    )
    assert len(list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))) == len(awkward)


def test_a_time_just_inside_the_range_is_shown_as_it_is(admin_client, awkward):
    recent = datetime.now(UTC) - timedelta(days=1)
    Subscriber.objects.filter(pk=awkward["backwards"].pk).update(created_at=recent)

    assert admin_client.get(LIST_URL).status_code == 200
