"""The confirmation email and its delivery through django.tasks (issue 5, "Delivery")."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from signups.models import SignupFormCopy, Subscriber
from signups.tasks import retry_delay, send_confirmation
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A real SMTP backend pointed at a port where nothing listens: connecting raises at once.
DOWN_SMTP = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
    }
}


def link_in(text, name):
    return re.search(rf"https?://[^\s\"<>]+/signup/{name}/[^\s\"<>]+/", text)[0]


def test_the_email_has_both_bodies_from_the_admin_copy_and_working_links(
    sign_up, mailoutbox, client, settings
):
    settings.SITE_URL = "https://www.ishahealth.example"
    copy = SignupFormCopy.load()
    copy.email_subject = "Confirm, please"
    copy.email_text = "Hi!\n\nClick {confirm_link} to confirm."
    copy.email_html = '<p>Hi!</p><p><a href="{confirm_link}">Yes, subscribe me</a></p><script>x()</script>'
    copy.save()

    sign_up("jane@example.com")

    [message] = mailoutbox
    assert message.subject == "Confirm, please"
    assert message.body.startswith("Hi!\n\nClick https://www.ishahealth.example/signup/confirm/")
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert ">Yes, subscribe me</a>" in html
    assert "<script>" not in html
    confirm = link_in(message.body, "confirm")
    assert link_in(html, "confirm") == confirm
    unsubscribe = link_in(message.body, "unsubscribe")
    assert link_in(html, "unsubscribe") == unsubscribe
    path = confirm.removeprefix("https://www.ishahealth.example")
    assert client.post(path).status_code == 302
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_the_email_carries_list_unsubscribe_headers_for_one_click(sign_up, mailoutbox, client):
    sign_up("jane@example.com")

    [message] = mailoutbox
    headers = message.message()
    subscriber = Subscriber.objects.get()
    assert (
        headers["List-Unsubscribe"]
        == f"<http://127.0.0.1:8000/signup/unsubscribe/{subscriber.unsubscribe_token}/>"
    )
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "jane" not in headers["List-Unsubscribe"]
    one_click = headers["List-Unsubscribe"].strip("<>").removeprefix("http://127.0.0.1:8000")
    client.post(one_click, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_an_international_address_is_mailed_at_its_ascii_domain(sign_up, mailoutbox):
    sign_up("Anna@Bücher.example")

    [message] = mailoutbox
    assert message.message()["To"] == "Anna@xn--bcher-kva.example"


@pytest.mark.parametrize(
    ("typed", "delivered"),
    # Python's IDNA 2003 codec would send these to fass.de and xn--0xahb.gr (someone else's).
    [("Jo@faß.de", "Jo@xn--fa-hia.de"), ("jo@σος.gr", "jo@xn--0xagb.gr")],
)
def test_the_confirmation_reaches_the_domain_the_person_typed(sign_up, smtp_sink, typed, delivered):
    sign_up(typed)

    [received] = smtp_sink
    assert received["rcpt_to"] == [delivered]
    assert f"To: {delivered}".encode() in received["data"]
    assert Subscriber.objects.get().email_status == Subscriber.EmailStatus.SENT


def test_a_stored_address_that_cannot_be_encoded_gives_up_without_a_traceback(settings, mailoutbox):
    # Rows written around the form (an old import, the shell) must not crash the task.
    address = "x@" + "a" * 64 + ".example"  # a label over 63 octets: no domain name at all
    subscriber = SubscriberFactory(status=Subscriber.Status.PENDING, email=address, email_normalized=address)

    assert send_confirmation.call(subscriber.pk) == "failed"

    subscriber.refresh_from_db()
    assert mailoutbox == []
    assert subscriber.email_status == Subscriber.EmailStatus.GAVE_UP
    assert subscriber.email_error == "ValueError: The address's domain is not a valid domain name."


def test_the_admin_copy_must_keep_the_confirm_link_in_both_bodies():
    copy = SignupFormCopy.load()
    copy.email_text = "No link here."
    copy.email_html = '<p><a href="javascript:{confirm_link}">sneaky</a></p>'

    with pytest.raises(ValidationError) as excinfo:
        copy.full_clean()

    assert set(excinfo.value.message_dict) == {"email_text", "email_html"}


def test_a_held_or_confirmed_subscriber_is_never_sent_the_task_email(mailoutbox):
    held = SubscriberFactory(status=Subscriber.Status.HELD)
    confirmed = SubscriberFactory(status=Subscriber.Status.CONFIRMED)

    assert send_confirmation.call(held.pk) == "skipped"
    assert send_confirmation.call(confirmed.pk) == "skipped"
    assert send_confirmation.call(10**9) == "skipped"
    assert mailoutbox == []


def test_the_task_is_idempotent_a_duplicate_run_sends_nothing_more(sign_up, mailoutbox):
    sign_up("jane@example.com")
    subscriber = Subscriber.objects.get()

    assert send_confirmation.call(subscriber.pk) == "skipped"
    assert len(mailoutbox) == 1


def test_a_mail_server_that_is_down_keeps_the_sign_up_and_the_task_retries_later(
    sign_up, settings, run_on_commit
):
    settings.TASKS = DATABASE_TASKS
    settings.MAILERS = DOWN_SMTP
    settings.SIGNUP_EMAIL_RETRY_SECONDS = 60

    response = sign_up("jane@example.com")
    assert response.status_code == 302
    [queued] = DBTaskResult.objects.all()
    subscriber = Subscriber.objects.get()
    assert queued.args_kwargs == {"args": [subscriber.pk], "kwargs": {}}
    assert "jane" not in str(queued.args_kwargs)

    before = timezone.now()
    # What db_worker does with the row (the worker itself closes the test's connection).
    with run_on_commit():
        assert queued.task.call(*queued.args_kwargs["args"]) == "retry"

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.email_status == Subscriber.EmailStatus.FAILED
    assert subscriber.email_attempts == 1
    assert "ConnectionRefusedError" in subscriber.email_error
    assert subscriber.events.filter(kind="email_failed").count() == 1
    retry = DBTaskResult.objects.exclude(pk=queued.pk).get()
    assert retry.status == "READY"
    assert retry.args_kwargs == {"args": [subscriber.pk, 2], "kwargs": {}}
    assert before + timedelta(seconds=59) <= retry.run_after <= timezone.now() + timedelta(seconds=61)


def test_when_the_mail_server_is_back_the_retry_sends_and_the_admin_sees_it(
    settings, mailoutbox, run_on_commit
):
    settings.TASKS = DATABASE_TASKS
    subscriber = SubscriberFactory(
        email_status=Subscriber.EmailStatus.FAILED, email_attempts=1, email_error="boom"
    )

    assert send_confirmation.call(subscriber.pk, 2) == "sent"

    subscriber.refresh_from_db()
    assert (subscriber.email_status, subscriber.email_attempts, subscriber.email_error) == ("sent", 2, "")
    assert len(mailoutbox) == 1


def test_retries_stop_after_the_last_try(settings, run_on_commit):
    settings.TASKS = DATABASE_TASKS
    settings.MAILERS = DOWN_SMTP
    settings.SIGNUP_EMAIL_MAX_ATTEMPTS = 3
    subscriber = SubscriberFactory()

    with run_on_commit():
        assert send_confirmation.call(subscriber.pk, 3) == "failed"

    subscriber.refresh_from_db()
    assert subscriber.email_status == Subscriber.EmailStatus.GAVE_UP
    assert not DBTaskResult.objects.exists()


def test_the_immediate_backend_cannot_defer_so_a_failure_is_recorded_without_a_retry(settings, sign_up):
    settings.MAILERS = DOWN_SMTP

    response = sign_up("jane@example.com")

    assert response.status_code == 302
    subscriber = Subscriber.objects.get()
    assert subscriber.email_status == Subscriber.EmailStatus.GAVE_UP


def test_the_retry_delay_grows_and_is_capped(settings):
    settings.SIGNUP_EMAIL_RETRY_SECONDS = 60

    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert retry_delay(30) == timedelta(hours=6)
