"""The welcome email after each new confirmation, and the consent line (issue 14)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Page, SiteSettings
from signups import tokens
from signups.models import SignupEvent, SignupFormCopy, Subscriber
from signups.tasks import send_welcome
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

COPY_URL = reverse("admin:signups_signupformcopy_change", args=[1])


def copy_form_data(**changes):
    """Everything the copy's change page posts, from the current row, with ``changes``."""
    copy = SignupFormCopy.load()
    fields = [f.name for f in SignupFormCopy._meta.fields if f.editable and f.name != "id"]
    return {name: getattr(copy, name) for name in fields} | changes


def live_page(purpose, title, slug):
    return Page.objects.create(
        status=Page.Status.PUBLISHED, title=title, slug=slug, body="<p>Text.</p>", purpose=purpose
    )


def press_confirm(client, subscriber, run_on_commit, token=None):
    """Press "Confirm" on the emailed link (``token``, or a fresh one); return the token."""
    subscriber.refresh_from_db()
    token = token or tokens.make_confirmation_token(subscriber)
    with run_on_commit():
        response = client.post(reverse("signups:confirm", args=[token]))
    assert response.status_code in (302, 410)
    return token


def welcomes(mailoutbox):
    return [m for m in mailoutbox if m.subject == SignupFormCopy.load().welcome_subject]


def test_confirming_sends_one_welcome_with_the_admin_copy_crisis_line_standards_and_one_click(
    admin_client, client, mailoutbox, run_on_commit, settings
):
    settings.SITE_URL = "https://www.ishahealth.example"
    live_page(Page.Purpose.EDITORIAL_STANDARDS, "Editorial standards", "editorial-standards")
    site = SiteSettings.load()
    site.crisis_line = "In crisis? Call or text 988."
    site.save()
    page = admin_client.get(COPY_URL).text
    assert "Welcome email" in page and 'name="welcome_subject"' in page
    response = admin_client.post(
        COPY_URL,
        copy_form_data(
            welcome_subject="Welcome to Isha notes",
            welcome_text="Two issues a month, on ketamine therapy.",
            welcome_html="<p>Two issues a month.</p><script>x()</script>",
        ),
    )
    assert response.status_code == 302
    jane = SubscriberFactory(email="jane@example.com")

    link = press_confirm(client, jane, run_on_commit)
    press_confirm(client, jane, run_on_commit, link)  # a used link: no second confirmation

    [welcome] = welcomes(mailoutbox)
    assert welcome.to == ["jane@example.com"]
    assert welcome.body.startswith("Two issues a month, on ketamine therapy.")
    assert "In crisis? Call or text 988." in welcome.body
    assert "Editorial standards: https://www.ishahealth.example/" in welcome.body
    [(html, _)] = welcome.alternatives
    assert "<p>Two issues a month.</p>" in html and "<script>" not in html
    assert "In crisis? Call or text 988." in html
    unsubscribe = re.search(r"https://\S+/signup/unsubscribe/[^\s/]+/", welcome.body)[0]
    assert welcome.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert welcome.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    kinds = list(jane.events.order_by("pk").values_list("kind", flat=True))
    assert kinds == [SignupEvent.Kind.CONFIRMED, SignupEvent.Kind.WELCOMED]


def test_a_person_who_unsubscribed_and_confirms_again_is_welcomed_again(
    client, sign_up, mailoutbox, run_on_commit
):
    sign_up("jane@example.com")
    jane = Subscriber.objects.get()
    press_confirm(client, jane, run_on_commit)
    client.post(reverse("signups:unsubscribe", args=[jane.unsubscribe_token]))

    sign_up("jane@example.com")
    press_confirm(client, jane, run_on_commit)

    assert len(welcomes(mailoutbox)) == 2
    assert jane.events.filter(kind=SignupEvent.Kind.WELCOMED).count() == 2


def test_the_welcome_task_is_idempotent_and_skips_anyone_not_confirmed(client, mailoutbox, run_on_commit):
    jane = SubscriberFactory(email="jane@example.com")
    assert send_welcome.call(jane.pk) == "skipped"  # still pending
    press_confirm(client, jane, run_on_commit)

    assert send_welcome.call(jane.pk) == "skipped"  # this confirmation was welcomed already
    assert len(welcomes(mailoutbox)) == 1


def test_a_failing_mail_server_keeps_the_confirmation_and_the_welcome_is_retried_later(
    client, run_on_commit, settings, mailoutbox
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    mailers = settings.MAILERS
    # A real SMTP backend pointed at a port where nothing listens: connecting raises at once.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    jane = SubscriberFactory(email="jane@example.com")
    press_confirm(client, jane, run_on_commit)
    [queued] = DBTaskResult.objects.all()
    assert queued.args_kwargs == {"args": [jane.pk], "kwargs": {}}

    with run_on_commit():
        assert send_welcome.call(jane.pk) == "retry"

    jane.refresh_from_db()
    assert jane.status == Subscriber.Status.CONFIRMED
    assert jane.events.get(kind=SignupEvent.Kind.EMAIL_FAILED).note.startswith("Welcome email, try 1:")
    retry = DBTaskResult.objects.exclude(pk=queued.pk).get()
    assert retry.args_kwargs == {"args": [jane.pk, 2], "kwargs": {}}
    assert retry.run_after > timezone.now()

    settings.MAILERS = mailers
    assert send_welcome.call(jane.pk, 2) == "sent"
    assert len(welcomes(mailoutbox)) == 1


# The consent line


def test_the_consent_line_is_admin_copy_with_the_privacy_link_and_each_sign_up_records_its_version(
    admin_client, client, sign_up
):
    live_page(Page.Purpose.PRIVACY, "Privacy notice", "privacy-notice")
    first = SignupFormCopy.load().current_version
    assert first.consent_text == SignupFormCopy.load().consent_text != ""

    admin_client.post(COPY_URL, copy_form_data(consent_text="I agree to two emails a month."))

    page = client.get(reverse("signups:signup")).text
    assert re.search(
        r'I agree to two emails a month\. <a href="/[^"]*privacy-notice/">Privacy notice</a>', page
    )
    sign_up("jane@example.com")
    version = Subscriber.objects.get().consent_version
    assert version != first
    assert version.consent_text == "I agree to two emails a month."
    first.refresh_from_db()
    assert first.consent_text != "I agree to two emails a month."
