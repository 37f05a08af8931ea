"""Retention (issue 14): sign-ups never confirmed are deleted after 30 days (held: 90),
leaving an anonymous count per day; only superusers change the days."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from isha import periodic
from signups import lifecycle
from signups.models import ErasedAddress, ExpiredSignupCount, RetentionSettings, Subscriber
from tests.signups.conftest import staff_in

pytestmark = pytest.mark.django_db

Status = Subscriber.Status


def expire():
    from io import StringIO

    out = StringIO()
    call_command("expire_signups", stdout=out)
    return out.getvalue()


def test_unconfirmed_sign_ups_go_after_30_days_held_after_90_leaving_counts(sign_up, mailoutbox):
    start = timezone.now().replace(hour=12)
    with time_machine.travel(start, tick=False) as traveller:
        sign_up("pending@example.com")
        sign_up("held@example.com", data={"rendered_at": None})
        sign_up("confirmed@example.com")
        confirmed = Subscriber.objects.get(email="confirmed@example.com")
        assert lifecycle.confirm(confirmed, confirmed.confirmation_nonce)
        assert Subscriber.objects.get(email="held@example.com").status == Status.HELD

        traveller.shift(timedelta(days=29))
        assert "Deleted 0 pending" in expire()
        assert Subscriber.objects.count() == 3

        traveller.shift(timedelta(days=2))
        assert "Deleted 1 pending sign-ups (older than 30 days) and 0 held" in expire()
        assert set(Subscriber.objects.values_list("email", flat=True)) == {
            "held@example.com",
            "confirmed@example.com",
        }

        traveller.shift(timedelta(days=60))
        assert "and 1 held ones (older than 90 days)" in expire()
        assert list(Subscriber.objects.values_list("email", flat=True)) == ["confirmed@example.com"]

        day = timezone.localdate(start)
        assert set(ExpiredSignupCount.objects.values_list("day", "status", "count")) == {
            (day, "pending", 1),
            (day, "held", 1),
        }
        # No hash: the same person may sign up again as anyone new would.
        assert not ErasedAddress.objects.exists()
        sign_up("pending@example.com")
        assert Subscriber.objects.get(email="pending@example.com").status == Status.PENDING


def test_a_held_sign_up_released_late_gets_its_full_30_days_as_pending(sign_up):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_up("late@example.com", data={"rendered_at": None})
        traveller.shift(timedelta(days=80))
        assert lifecycle.release(Subscriber.objects.get())
        traveller.shift(timedelta(days=20))
        expire()
        assert Subscriber.objects.get().status == Status.PENDING
        traveller.shift(timedelta(days=11))
        expire()
        assert not Subscriber.objects.exists()


def test_the_days_come_from_the_settings_and_the_scheduler_runs_it_daily(sign_up):
    RetentionSettings.objects.update_or_create(pk=1, defaults={"pending_days": 3})
    command = {c.name: c for c in periodic.registered()}["expire_signups"]
    assert command.every == timedelta(days=1)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_up("soon@example.com")
        traveller.shift(timedelta(days=4))
        assert periodic.run_due(only=("expire_signups",)) == [("expire_signups", "ok")]
        assert not Subscriber.objects.exists()
        assert ExpiredSignupCount.objects.get().count == 1


def test_only_superusers_see_and_change_the_retention_settings(client, django_user_model):
    url = reverse("admin:signups_retentionsettings_change", args=[1])
    RetentionSettings.load()
    marketing = staff_in("Marketing", django_user_model)
    # Even a user granted the model's permissions outright may not.
    from django.contrib.auth.models import Permission

    marketing.user_permissions.add(*Permission.objects.filter(codename__endswith="retentionsettings"))
    client.force_login(marketing)
    assert client.get(url).status_code == 403
    assert client.post(url, {"pending_days": 1, "held_days": 1}).status_code == 403

    boss = django_user_model.objects.create_superuser("boss", "boss@example.com", "x")
    client.force_login(boss)
    assert client.get(url).status_code == 200
    response = client.post(url, {"pending_days": 0, "held_days": 90})
    assert response.status_code == 200  # the form again, with its message
    assert "Ensure this value is greater than or equal to 1" in response.content.decode()
    response = client.post(url, {"pending_days": 14, "held_days": 60})
    assert response.status_code == 302
    assert (RetentionSettings.load().pending_days, RetentionSettings.load().held_days) == (14, 60)
