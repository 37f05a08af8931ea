"""The "manage your subscription" page: newsletter topics, unsubscribing, the link in every email."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Topic
from signups.models import SignupEvent, Subscriber
from tests.factories import ConfirmedSubscriberFactory

pytestmark = pytest.mark.django_db


def manage_url(subscriber):
    return reverse("signups:manage", args=[subscriber.unsubscribe_token])


@pytest.fixture
def topics():
    return {
        name: Topic.objects.create(name=name, newsletter=newsletter)
        for name, newsletter in (("Depression", True), ("PTSD", True), ("Clinic news", False))
    }


def test_every_email_has_the_manage_link_that_opens_the_page(sign_up, mailoutbox, client, settings):
    settings.SITE_URL = "https://www.ishahealth.example"
    sign_up("jane@example.com")

    [message] = mailoutbox
    link = re.search(r"Manage your subscription: (\S+)", message.body)[1]
    [(html, _)] = message.alternatives
    assert f'<a href="{link}">Manage your subscription</a>' in html
    response = client.get(link.removeprefix("https://www.ishahealth.example"))
    assert response.status_code == 200
    assert "Manage your subscription" in response.text
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_choosing_topics_saves_them_records_the_change_and_offers_only_newsletter_topics(client, topics):
    jane = ConfirmedSubscriberFactory(email="jane@example.com")
    page = client.get(manage_url(jane)).text
    assert "Depression" in page and "PTSD" in page and "Clinic news" not in page
    assert "jane@example.com" not in page  # the link may be forwarded: no address shown

    response = client.post(manage_url(jane), {"topics": [topics["PTSD"].pk], "action": "save"})
    client.post(manage_url(jane), {"topics": [topics["PTSD"].pk], "action": "save"})  # no change

    assert "Your choices are saved." in response.text
    assert list(jane.topics.all()) == [topics["PTSD"]]
    [event] = jane.events.filter(kind=SignupEvent.Kind.PREFERENCES)
    assert event.note == "Topics: PTSD"
    assert re.search(rf'value="{topics["PTSD"].pk}"[^>]*checked', client.get(manage_url(jane)).text)


def test_a_topic_no_longer_offered_gets_a_message_not_an_error(client, topics):
    jane = ConfirmedSubscriberFactory(email="jane@example.com")

    response = client.post(manage_url(jane), {"topics": [topics["Clinic news"].pk, topics["PTSD"].pk]})

    assert response.status_code == 400
    assert "That topic is no longer offered" in response.text
    assert not jane.topics.exists()


def test_unsubscribing_from_the_page_works_without_a_cookie_and_a_forged_post_is_refused(topics):
    jane = ConfirmedSubscriberFactory(email="jane@example.com")
    browser = Client(enforce_csrf_checks=True)

    forged = browser.post(
        manage_url(jane), {"action": "unsubscribe"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert forged.status_code == 403
    response = browser.post(
        manage_url(jane), {"action": "unsubscribe"}, headers={"Sec-Fetch-Site": "same-origin"}
    )

    assert response.status_code == 200
    jane.refresh_from_db()
    assert jane.status == Subscriber.Status.UNSUBSCRIBED
    assert jane.events.get(kind=SignupEvent.Kind.UNSUBSCRIBED).note == "Manage your subscription page."


def test_an_unknown_or_erased_token_is_a_404(client):
    from signups.erasure import erase

    jane = ConfirmedSubscriberFactory(email="jane@example.com")
    old = manage_url(jane)
    erase(jane)

    assert client.get(old).status_code == 404
    assert client.get(reverse("signups:manage", args=["nope"])).status_code == 404
