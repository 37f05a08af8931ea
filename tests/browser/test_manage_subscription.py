"""A reader's subscription in Chromium, from the sign-up form to the "manage your
subscription" page: they sign up, confirm from the email's link, get the welcome email,
and from its manage link choose newsletter topics, keep them, then unsubscribe."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Topic
from signups.models import DEFAULT_SUCCESS, SignupFormCopy, Subscriber

pytestmark = pytest.mark.browser


def path_of(body, name):
    """The path of the ``/signup/<name>/<token>/`` link in an email's text (the links carry
    SITE_URL's origin, not the test server's)."""
    return re.search(rf"/signup/{name}/[^\s/]+/", body)[0]


def test_a_reader_signs_up_confirms_is_welcomed_and_manages_topics_then_unsubscribes(
    page, live_server, mailoutbox, settings
):
    settings.SIGNUP_MIN_FILL_SECONDS = 0
    for name in ("Depression", "PTSD"):
        Topic.objects.create(name=name, newsletter=True)
    Topic.objects.create(name="Clinic news")  # not offered

    # Sign up, then confirm from the confirmation email's link.
    page.goto(live_server.url + reverse("signups:signup"))
    page.locator("#signup").get_by_label("Email address").fill("jane@example.com")
    page.locator("#signup").get_by_role("button", name=SignupFormCopy.load().button_label).click()
    expect(page.locator("#signup").get_by_role("status")).to_contain_text(DEFAULT_SUCCESS)
    [confirmation] = mailoutbox
    page.goto(live_server.url + path_of(confirmation.body, "confirm"))
    page.get_by_role("button", name="Confirm").click()
    jane = Subscriber.objects.get(email="jane@example.com")
    assert jane.status == Subscriber.Status.CONFIRMED

    # One welcome email, with the manage link.
    [welcome] = [m for m in mailoutbox if m.subject == SignupFormCopy.load().welcome_subject]
    assert welcome.to == ["jane@example.com"]
    page.goto(live_server.url + path_of(welcome.body, "manage"))
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
