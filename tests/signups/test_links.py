"""The links in the emails: confirm (GET shows, POST confirms) and unsubscribe (RFC 8058)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from signups import tokens
from signups.models import SignupFormCopy, Subscriber
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

Status = Subscriber.Status


def confirm_url(subscriber):
    return reverse("signups:confirm", args=[tokens.make_confirmation_token(subscriber)])


def unsubscribe_url(subscriber):
    return reverse("signups:unsubscribe", args=[subscriber.unsubscribe_token])


@pytest.fixture
def pending():
    return SubscriberFactory(email="jane@example.com")


@pytest.fixture
def csrf_client():
    """Checks CSRF like production, and never had a cookie: a mail provider's client."""
    return Client(enforce_csrf_checks=True)


def status_of(subscriber):
    subscriber.refresh_from_db()
    return subscriber.status


# Confirming


def test_following_the_confirm_link_with_get_confirms_nothing_and_shows_a_button(client, pending):
    for method in (client.get, client.head):
        response = method(confirm_url(pending))
        assert response.status_code == 200

    assert status_of(pending) == Status.PENDING
    assert '<button type="submit"' in client.get(confirm_url(pending)).text
    assert not pending.events.exists()


def test_pressing_confirm_confirms_and_shows_the_admin_edited_page(client, pending):
    copy = SignupFormCopy.load()
    copy.confirmed_heading = "Welcome aboard"
    copy.save()

    response = client.post(confirm_url(pending), follow=True)

    assert response.status_code == 200
    assert "Welcome aboard" in response.text
    pending.refresh_from_db()
    assert pending.status == Status.CONFIRMED
    assert pending.confirmed_at is not None
    assert pending.events.get().kind == "confirmed"


def test_confirming_works_without_a_cookie_from_our_own_page_and_refuses_a_forged_post(csrf_client, pending):
    url = confirm_url(pending)

    forged = csrf_client.post(url, HTTP_SEC_FETCH_SITE="cross-site", HTTP_ORIGIN="https://evil.example")
    assert forged.status_code == 403
    assert status_of(pending) == Status.PENDING

    ours = csrf_client.post(url, HTTP_SEC_FETCH_SITE="same-origin")
    assert ours.status_code == 302
    assert status_of(pending) == Status.CONFIRMED


def test_a_used_link_cannot_confirm_again_and_explains_itself(client, pending):
    url = confirm_url(pending)
    client.post(url)
    # Unsubscribed later: the old confirmation link must not bring them back.
    Subscriber.objects.filter(pk=pending.pk).update(status=Status.UNSUBSCRIBED)

    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 410
        assert SignupFormCopy.load().expired_heading in response.text
        assert 'name="email"' in response.text  # a fresh email is one sign-up away

    assert status_of(pending) == Status.UNSUBSCRIBED


def test_an_expired_link_fails_safely_and_offers_a_fresh_email(
    client, pending, mailoutbox, run_on_commit, settings
):
    settings.SIGNUP_CONFIRM_MAX_AGE_DAYS = 7
    url = confirm_url(pending)

    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        shown = client.get(url)
        pressed_confirm = client.post(url)
        with run_on_commit():
            resent = client.post(url, {"action": "resend"})

    assert shown.status_code == 410
    assert "Email me a new link" in shown.text
    assert pressed_confirm.status_code == 410
    assert status_of(pending) == Status.PENDING
    assert resent.status_code == 200
    assert SignupFormCopy.load().check_inbox_message in resent.text
    [message] = mailoutbox
    fresh = re.search(r"/signup/confirm/[^/\s]+/", message.body)[0]
    assert fresh != url
    assert client.post(fresh).status_code == 302
    assert status_of(pending) == Status.CONFIRMED


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature changed
        lambda t: "x" + t,  # nonce changed
        lambda t: t.split(":")[0],  # signature removed
        lambda t: "not-a-token",
        lambda t: "a" * 300,
    ],
    ids=["signature", "nonce", "unsigned", "garbage", "overlong"],
)
def test_a_tampered_token_fails_safely(client, pending, mangle):
    url = reverse("signups:confirm", args=[mangle(tokens.make_confirmation_token(pending))])

    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 400
        assert SignupFormCopy.load().expired_heading in response.text
        assert "Email me a new link" not in response.text

    assert status_of(pending) == Status.PENDING


def test_the_confirmation_token_holds_neither_the_address_nor_the_row_id(pending):
    token = tokens.make_confirmation_token(pending)

    # nonce:timestamp:signature, and the nonce is random, not derived from the person.
    nonce, _timestamp, _signature = token.split(":")
    assert nonce == pending.confirmation_nonce
    assert len(nonce) >= 43
    assert "jane" not in token


def test_a_held_subscriber_cannot_be_confirmed_by_a_link(client, pending):
    url = confirm_url(pending)
    Subscriber.objects.filter(pk=pending.pk).update(status=Status.HELD)

    assert client.post(url).status_code == 410
    assert status_of(pending) == Status.HELD


# Unsubscribing


def test_the_unsubscribe_link_shows_a_button_and_get_changes_nothing(client, pending):
    response = client.get(unsubscribe_url(pending))

    assert response.status_code == 200
    assert '<button type="submit"' in response.text
    assert status_of(pending) == Status.PENDING


def test_one_click_unsubscribe_works_without_a_csrf_token_or_cookie(csrf_client):
    subscriber = SubscriberFactory(status=Status.CONFIRMED)

    # What a mail provider sends (RFC 8058 §3.2): a cross-site POST with this body.
    response = csrf_client.post(
        unsubscribe_url(subscriber),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
        HTTP_SEC_FETCH_SITE="cross-site",
        HTTP_ORIGIN="https://mail.provider.example",
    )

    assert response.status_code == 200
    assert SignupFormCopy.load().unsubscribed_heading in response.text
    subscriber.refresh_from_db()
    assert subscriber.status == Status.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None
    assert not csrf_client.cookies


def test_unsubscribing_is_idempotent(client):
    subscriber = SubscriberFactory(status=Status.CONFIRMED)

    first = client.post(unsubscribe_url(subscriber))
    subscriber.refresh_from_db()
    when = subscriber.unsubscribed_at
    second = client.post(unsubscribe_url(subscriber))

    assert first.status_code == second.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at == when
    assert subscriber.events.filter(kind="unsubscribed").count() == 1


def test_one_subscribers_token_cannot_unsubscribe_another(client):
    jane = SubscriberFactory(status=Status.CONFIRMED)
    omar = SubscriberFactory(status=Status.CONFIRMED)

    client.post(unsubscribe_url(jane))

    assert status_of(jane) == Status.UNSUBSCRIBED
    assert status_of(omar) == Status.CONFIRMED
    assert jane.unsubscribe_token != omar.unsubscribe_token


@pytest.mark.parametrize("token", ["nope", "a" * 43, "a" * 300])
def test_an_unknown_unsubscribe_token_is_a_404_that_changes_nothing(client, token):
    subscriber = SubscriberFactory(status=Status.CONFIRMED)

    assert client.post(reverse("signups:unsubscribe", args=[token])).status_code == 404
    assert status_of(subscriber) == Status.CONFIRMED


def test_unsubscribing_a_pending_subscriber_also_kills_their_confirmation_link(client, pending):
    url = confirm_url(pending)

    client.post(unsubscribe_url(pending))

    assert client.post(url).status_code == 410
    assert status_of(pending) == Status.UNSUBSCRIBED


def test_link_pages_are_not_cached(client, pending):
    for url in (confirm_url(pending), unsubscribe_url(pending)):
        assert "no-cache" in client.get(url)["Cache-Control"]
