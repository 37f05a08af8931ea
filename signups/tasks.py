"""Background work for sign-ups (``django.tasks``): the confirmation and welcome emails.

``django.tasks`` has no retries, so the task retries itself: on failure it records the
error on the subscriber (shown in the admin) and enqueues itself again with a growing
delay (``run_after``), up to ``SIGNUP_EMAIL_MAX_ATTEMPTS`` tries. Arguments are ids and
counters only (JSON-safe, and no address in the queue's table).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .mailing import confirmation_message, welcome_message
from .models import SignupEvent, SignupFormCopy, Subscriber

logger = logging.getLogger(__name__)

MAX_RETRY_DELAY = timedelta(hours=6)


def retry_delay(attempt):
    """Wait before try ``attempt + 1``: the base, doubled for each try so far, at most 6 hours."""
    base = timedelta(seconds=settings.SIGNUP_EMAIL_RETRY_SECONDS)
    return min(base * 2 ** (attempt - 1), MAX_RETRY_DELAY)


@task
def send_confirmation(subscriber_id, attempt=1):
    """Send the confirmation email to subscriber ``subscriber_id``; return what happened.

    Returns ``"sent"``, ``"skipped"`` (no longer pending, erased, or this request's email
    already went: the task is idempotent, so a duplicate run sends nothing), ``"retry"``
    (failed, enqueued again) or ``"failed"`` (failed on the last try, the backend
    cannot defer, e.g. the immediate backend in development, or the stored address has
    no ASCII form to send to, which no retry can change). Never raises for a mail
    error: the failure is on the subscriber, not in the task result, where a traceback
    could hold the address.
    """
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or subscriber.status != Subscriber.Status.PENDING:
        return "skipped"
    if (
        subscriber.email_status == Subscriber.EmailStatus.SENT
        and subscriber.confirmation_requested_at
        and subscriber.email_status_at >= subscriber.confirmation_requested_at
    ):
        return "skipped"
    try:
        message = confirmation_message(subscriber, SignupFormCopy.load())
    except ValueError as exc:  # a stored address with no ASCII form: no retry can help
        return _failed(subscriber, attempt, exc, final=True)
    try:
        message.send()
    except Exception as exc:
        return _failed(subscriber, attempt, exc)
    now = timezone.now()
    Subscriber.objects.filter(pk=subscriber.pk).update(
        email_status=Subscriber.EmailStatus.SENT, email_status_at=now, email_attempts=attempt, email_error=""
    )
    SignupEvent.objects.create(subscriber=subscriber, kind=SignupEvent.Kind.EMAILED)
    return "sent"


def _failed(subscriber, attempt, exc, *, final=False):
    now = timezone.now()
    error = f"{type(exc).__name__}: {exc}"[:1000]
    can_defer = send_confirmation.get_backend().supports_defer
    retry = not final and can_defer and attempt < settings.SIGNUP_EMAIL_MAX_ATTEMPTS
    status = Subscriber.EmailStatus.FAILED if retry else Subscriber.EmailStatus.GAVE_UP
    Subscriber.objects.filter(pk=subscriber.pk).update(
        email_status=status, email_status_at=now, email_attempts=attempt, email_error=error
    )
    note = f"Try {attempt}: {type(exc).__name__}."
    if retry:
        run_after = now + retry_delay(attempt)
        note += f" Next try at {run_after:%Y-%m-%d %H:%M} UTC."
        subscriber_id = subscriber.pk
        transaction.on_commit(
            lambda: send_confirmation.using(run_after=run_after).enqueue(subscriber_id, attempt + 1)
        )
    SignupEvent.objects.create(subscriber=subscriber, kind=SignupEvent.Kind.EMAIL_FAILED, note=note)
    logger.warning(
        "Confirmation email to subscriber %s failed (try %s, %s): %s",
        subscriber.pk,
        attempt,
        "will retry" if retry else "giving up",
        type(exc).__name__,
    )
    return "retry" if retry else "failed"


@task
def send_welcome(subscriber_id, attempt=1):
    """Send the welcome email to subscriber ``subscriber_id`` once per confirmation.

    Returns ``"sent"``, ``"skipped"`` (not confirmed any more, or this confirmation's
    welcome already went: a duplicate run sends nothing), ``"retry"`` or ``"failed"``, as
    :func:`send_confirmation`. Each outcome is an event in the subscriber's history
    (``welcomed`` or ``email_failed``); the "last email" fields stay the confirmation's.
    """
    subscriber = Subscriber.objects.filter(pk=subscriber_id, status=Subscriber.Status.CONFIRMED).first()
    if subscriber is None or subscriber.confirmed_at is None:
        return "skipped"
    welcomed = subscriber.events.filter(
        kind=SignupEvent.Kind.WELCOMED, created_at__gte=subscriber.confirmed_at
    )
    if welcomed.exists():
        return "skipped"
    try:
        welcome_message(subscriber, SignupFormCopy.load()).send()
    except Exception as exc:
        final = isinstance(exc, ValueError)  # no ASCII form of the address: no retry can help
        retry = (
            not final
            and send_welcome.get_backend().supports_defer
            and attempt < settings.SIGNUP_EMAIL_MAX_ATTEMPTS
        )
        note = f"Welcome email, try {attempt}: {type(exc).__name__}."
        SignupEvent.objects.create(subscriber=subscriber, kind=SignupEvent.Kind.EMAIL_FAILED, note=note)
        if not retry:
            return "failed"
        run_after = timezone.now() + retry_delay(attempt)
        transaction.on_commit(
            lambda: send_welcome.using(run_after=run_after).enqueue(subscriber_id, attempt + 1)
        )
        return "retry"
    SignupEvent.objects.create(subscriber=subscriber, kind=SignupEvent.Kind.WELCOMED)
    return "sent"


def requeue_stale(now=None):
    """Make sure every pending confirmation is on its way; return ``(requeued, enqueued)``.

    For when a worker was killed (``kill -9``, a lost host) or a write was lost with the
    database: run it now and then (``manage.py requeue_stale_tasks``, a periodic command).
    Both parts are idempotent and look only at what is older than
    ``SIGNUP_TASK_STALE_SECONDS`` (``now``, an aware datetime, defaults to the present):

    - *requeued*: ``send_confirmation`` tasks left RUNNING by a worker that is gone are
      made READY again, for the next worker (django-tasks-db has no heartbeat, so a task
      running that long counts as abandoned). The task is idempotent: a run that had sent
      and recorded the email sends nothing more; one killed between the mail server's
      acceptance and the record sends a second email, the only duplicate possible.
    - *enqueued*: pending subscribers whose email is queued or failing but who have no
      task waiting or running (the enqueue after a commit, or a task that failed outright,
      was lost) get a new task, as the next try. Only with django-tasks-db's queue, the
      one that can be searched.
    """
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    cutoff = (now or timezone.now()) - timedelta(seconds=settings.SIGNUP_TASK_STALE_SECONDS)
    ours = DBTaskResult.objects.filter(task_path=send_confirmation.module_path)
    requeued = ours.filter(status="RUNNING", started_at__lt=cutoff).update(status="READY", started_at=None)
    if not isinstance(send_confirmation.get_backend(), DatabaseBackend):
        return requeued, 0
    waiting = ours.filter(status__in=("READY", "RUNNING"))
    stuck = Subscriber.objects.filter(
        status=Subscriber.Status.PENDING,
        email_status__in=(Subscriber.EmailStatus.QUEUED, Subscriber.EmailStatus.FAILED),
        email_status_at__lt=cutoff,
    ).values_list("pk", "email_attempts")
    enqueued = 0
    for subscriber_id, attempts in stuck.iterator():
        if not waiting.filter(args_kwargs__args__0=subscriber_id).exists():
            send_confirmation.enqueue(subscriber_id, attempts + 1)
            enqueued += 1
    return requeued, enqueued
