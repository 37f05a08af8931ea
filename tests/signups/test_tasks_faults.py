"""Worker killed mid-task, worker stopped, mail server down: every confirmation is
delivered at least once when things come back (issue 12). The queue is django-tasks-db's,
worked by its real ``db_worker`` in this process; time is moved forward, never waited for."""

import io
import signal
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from signups import lifecycle
from signups.models import Subscriber
from tests.factories import SubscriberFactory
from tests.signups.test_delivery import DATABASE_TASKS, DOWN_SMTP

# The worker commits as it goes, as in production: no test transaction around it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = DATABASE_TASKS
    settings.SIGNUP_TASK_STALE_SECONDS = 600


def run_worker():
    """What ``manage.py db_worker`` does until the queue has nothing due, then stops.
    The worker installs its own SIGINT/SIGTERM handlers; the test process gets its own back."""
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        _run_worker()
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def _run_worker():
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval=0", stdout=io.StringIO()
    )


def requeue():
    out = io.StringIO()
    call_command("requeue_stale_tasks", stdout=out)
    return out.getvalue()


def later(seconds):
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=True)


def sent_to(mailoutbox):
    return [address for message in mailoutbox for address in message.to]


def test_a_task_left_running_by_a_killed_worker_is_run_again_after_the_stale_time(mailoutbox):
    subscriber = SubscriberFactory(email="jane@example.com")
    lifecycle.request_confirmation(subscriber)
    [task] = DBTaskResult.objects.all()
    task.claim("worker-killed-with-sigkill")  # claimed, then the process died

    run_worker()
    assert mailoutbox == []
    assert requeue().startswith("0 abandoned")  # still within SIGNUP_TASK_STALE_SECONDS

    with later(601):
        assert requeue().startswith("1 abandoned task(s) made ready again")
        assert requeue().startswith("0 abandoned")  # idempotent
        run_worker()

    assert sent_to(mailoutbox) == ["jane@example.com"]
    subscriber.refresh_from_db()
    assert subscriber.email_status == Subscriber.EmailStatus.SENT
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_worker_killed_after_recording_the_email_causes_no_second_one(mailoutbox):
    subscriber = SubscriberFactory()
    lifecycle.request_confirmation(subscriber)
    [task] = DBTaskResult.objects.all()
    task.claim("worker-killed-after-sending")
    assert task.task.call(subscriber.pk) == "sent"  # sent and recorded; then the worker died

    with later(601):
        requeue()
        run_worker()

    assert len(mailoutbox) == 1
    assert DBTaskResult.objects.get().return_value == "skipped"


def test_sign_ups_wait_in_the_queue_while_no_worker_runs(sign_up, mailoutbox):
    for email in ("a@example.com", "b@example.com"):
        assert sign_up(email).status_code == 302
    assert mailoutbox == []
    assert Subscriber.objects.filter(email_status=Subscriber.EmailStatus.QUEUED).count() == 2

    run_worker()  # the worker is started again

    assert sorted(sent_to(mailoutbox)) == ["a@example.com", "b@example.com"]


def test_a_mail_server_that_was_down_gets_the_email_on_a_later_try(settings, smtp_sink):
    working_mailer = settings.MAILERS
    settings.MAILERS = DOWN_SMTP
    subscriber = SubscriberFactory(email="jane@example.com")
    lifecycle.request_confirmation(subscriber)

    run_worker()
    subscriber.refresh_from_db()
    assert subscriber.email_status == Subscriber.EmailStatus.FAILED
    assert smtp_sink == []

    settings.MAILERS = working_mailer  # the mail server is back
    run_worker()
    assert smtp_sink == []  # the retry is not due yet
    with later(settings.SIGNUP_EMAIL_RETRY_SECONDS + 1):
        run_worker()

    [received] = smtp_sink
    assert received["rcpt_to"] == ["jane@example.com"]
    subscriber.refresh_from_db()
    assert (subscriber.email_status, subscriber.email_attempts) == (Subscriber.EmailStatus.SENT, 2)


def test_a_confirmation_whose_task_was_lost_is_queued_again(mailoutbox):
    """The enqueue after the commit never happened (the database went away in between),
    or the task itself failed outright: the subscriber waits with no task."""
    subscriber = SubscriberFactory(email="lost@example.com")
    lifecycle.request_confirmation(subscriber)
    DBTaskResult.objects.all().delete()
    failing = SubscriberFactory(email="failed@example.com")
    lifecycle.request_confirmation(failing)
    DBTaskResult.objects.filter(args_kwargs__args__0=failing.pk).update(status="FAILED")

    assert requeue().endswith("0 lost email(s) queued.\n")
    with later(601):
        assert requeue().endswith("2 lost email(s) queued.\n")
        assert requeue().endswith("0 lost email(s) queued.\n")
        run_worker()

    assert sorted(sent_to(mailoutbox)) == ["failed@example.com", "lost@example.com"]
