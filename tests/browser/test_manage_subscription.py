"""The "manage your subscription" page in Chromium, as the subscriber who opened the link."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Topic
from signups.models import SignupFormCopy, Subscriber
from tests.factories import ConfirmedSubscriberFactory

pytestmark = pytest.mark.browser


def test_a_subscriber_chooses_topics_keeps_them_and_then_unsubscribes(page, live_server):
    for name in ("Depression", "PTSD"):
        Topic.objects.create(name=name, newsletter=True)
    Topic.objects.create(name="Clinic news")  # not offered
    jane = ConfirmedSubscriberFactory(email="jane@example.com")
    url = live_server.url + reverse("signups:manage", args=[jane.unsubscribe_token])

    page.goto(url)
    expect(page.get_by_role("heading", name="Manage your subscription")).to_be_visible()
    topics = page.get_by_role("group", name="Newsletter topics")
    expect(topics.get_by_role("checkbox")).to_have_count(2)
    topics.get_by_label("PTSD").check()
    page.get_by_role("button", name="Save my choices").click()

    expect(page.get_by_role("status")).to_have_text("Your choices are saved.")
    page.reload()
    expect(page.get_by_label("PTSD")).to_be_checked()
    expect(page.get_by_label("Depression")).not_to_be_checked()
    assert [topic.name for topic in jane.topics.all()] == ["PTSD"]

    page.get_by_role("button", name="Unsubscribe").click()
    heading = SignupFormCopy.load().unsubscribed_heading
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    jane.refresh_from_db()
    assert jane.status == Subscriber.Status.UNSUBSCRIBED
    # The page's own sign-up link leads back to the form.
    page.get_by_role("main").get_by_role("link", name="Sign up for the newsletter").click()
    expect(page.get_by_role("button", name=SignupFormCopy.load().button_label)).to_be_visible()
