"""Who gets which email when they sign up, and what every visitor is told (issue 5, "Lifecycle")."""

import pytest
import time_machine
from django.utils import timezone

from signups.models import DEFAULT_CHECK_INBOX, DEFAULT_SUCCESS, SignupEvent, Subscriber
from tests.factories import SubscriberFactory
from tests.signups.conftest import JSON

pytestmark = pytest.mark.django_db

Status = Subscriber.Status


def test_a_new_sign_up_is_pending_and_gets_one_confirmation_email(sign_up, mailoutbox):
    sign_up("jane@example.com")

    subscriber = Subscriber.objects.get()
    assert subscriber.status == Status.PENDING
    assert subscriber.email_status == Subscriber.EmailStatus.SENT
    [message] = mailoutbox
    assert message.to == ["jane@example.com"]
    assert list(subscriber.events.order_by("pk").values_list("kind", flat=True)) == ["signed_up", "emailed"]


def test_signing_up_again_while_pending_resends_at_most_once_per_interval(sign_up, mailoutbox, settings):
    settings.SIGNUP_RESEND_INTERVAL = 600
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_up("jane@example.com")
        sign_up("JANE@example.com")
        assert len(mailoutbox) == 1

        traveller.shift(601)
        sign_up("jane@example.com")
        sign_up("jane@example.com")

    assert len(mailoutbox) == 2
    assert Subscriber.objects.count() == 1
    assert SignupEvent.objects.filter(kind="signed_up").count() == 4


def test_signing_up_again_after_unsubscribing_returns_to_pending_with_a_new_email(sign_up, mailoutbox):
    subscriber = SubscriberFactory(
        email="jane@example.com", status=Status.UNSUBSCRIBED, unsubscribed_at=timezone.now()
    )

    sign_up("jane@example.com")

    subscriber.refresh_from_db()
    assert subscriber.status == Status.PENDING
    assert subscriber.unsubscribed_at is None
    assert subscriber.confirmation_nonce
    assert len(mailoutbox) == 1
    assert "back to pending" in subscriber.events.get(kind="signed_up").note


@pytest.mark.parametrize("status", [Status.HELD, Status.CONFIRMED, Status.BOUNCED])
def test_signing_up_again_while_held_confirmed_or_bounced_only_records_the_event(sign_up, mailoutbox, status):
    subscriber = SubscriberFactory(email="jane@example.com", status=status)

    sign_up("jane@example.com", "/signup/")

    subscriber.refresh_from_db()
    assert subscriber.status == status
    assert mailoutbox == []
    assert subscriber.events.get().kind == "signed_up"


@pytest.mark.parametrize("status", [None, *Status.values])
def test_every_visitor_is_told_the_same_thing_whoever_they_are(sign_up, client, status):
    if status:
        SubscriberFactory(email="jane@example.com", status=status)

    redirect = sign_up("jane@example.com", "/signup/")
    as_json = sign_up("jane@example.com", "/signup/", **JSON)

    assert redirect.status_code == 302
    assert redirect["Location"] == "/signup/thanks/?next=%2Fsignup%2F"
    assert as_json.json() == {
        "ok": True,
        "message": DEFAULT_SUCCESS,
        "detail": DEFAULT_CHECK_INBOX,
        "errors": {},
    }


def test_a_sign_up_records_its_evidence_on_the_subscriber_and_the_event(sign_up):
    sign_up(
        "jane@example.com",
        "/signup/",
        data={
            "utm_source": "newsletter",
            "utm_medium": "email",
            "utm_campaign": "spring",
            "referrer": "https://www.google.com/search?q=private+words",
        },
    )

    subscriber = Subscriber.objects.get()
    event = subscriber.events.get(kind="signed_up")
    for row in (subscriber, event):
        assert (row.utm_source, row.utm_medium, row.utm_campaign) == ("newsletter", "email", "spring")
        # The referring site, not what the visitor searched for there.
        assert row.referrer == "https://www.google.com"
    assert subscriber.consent_version is not None
    assert event.copy_version == subscriber.consent_version


@pytest.mark.parametrize(
    "fields",
    [
        {"utm_source": "x" * 5000},
        {"referrer": "javascript:alert(1)"},
        {"referrer": "not a url at all"},
        {"utm_campaign": "a\x00b"},
        {"copy_version": "999999"},
        {"copy_version": "²"},
        {"copy_version": "-1"},
    ],
)
def test_odd_evidence_never_costs_a_sign_up(sign_up, fields):
    response = sign_up("jane@example.com", data=fields)

    assert response.status_code == 302
    subscriber = Subscriber.objects.get()
    assert len(subscriber.utm_source) <= 200
    assert subscriber.referrer == ""
    assert subscriber.consent_version is not None
