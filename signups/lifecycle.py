"""A subscriber's status changes: confirmation requested, confirmed, unsubscribed, released.

Each change is one conditional ``UPDATE`` (``filter(status=...).update(...)``), so two
requests racing for the same change make it once, and each made change adds one
:class:`SignupEvent` to the subscriber's history. Emails are enqueued so that they go
only if the transaction commits (:func:`enqueue_on_commit`): a rolled-back sign-up sends nothing.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.tasks import Task
from django.utils import timezone

from .models import SignupEvent, Subscriber, new_token

Status = Subscriber.Status
Kind = SignupEvent.Kind


def enqueue_on_commit(task: Task, *args: object) -> None:
    """Enqueue ``task(*args)`` (a ``django.tasks`` task) to run only if the current
    transaction commits.

    With django-tasks-db's queue (production) the task's row is written now, inside the
    transaction: it commits or rolls back with the change that asked for it, in the same
    commit (no second transaction per sign-up, and no moment in which the change is
    committed but its email not yet queued). Any other backend (development's immediate
    one runs the task at once) is called from ``transaction.on_commit``.
    """
    from .apps import uses_database_queue

    if uses_database_queue():
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))


def request_confirmation(subscriber: Subscriber, *, force: bool = False) -> bool:
    """Enqueue the confirmation email for a pending ``subscriber``; return True if enqueued.

    Without ``force`` at most one email per ``SIGNUP_RESEND_INTERVAL`` seconds: a repeat
    sign-up within the interval only records its event. Staff actions pass ``force``.
    Does nothing (returns False) for anyone not pending.
    """
    from .tasks import send_confirmation

    now = timezone.now()
    rows = Subscriber.objects.filter(pk=subscriber.pk, status=Status.PENDING)
    if not force:
        since = now - timedelta(seconds=settings.SIGNUP_RESEND_INTERVAL)
        rows = rows.filter(
            Q(confirmation_requested_at__isnull=True) | Q(confirmation_requested_at__lte=since)
        )
    if not rows.update(
        confirmation_requested_at=now,
        email_status=Subscriber.EmailStatus.QUEUED,
        email_status_at=now,
        email_attempts=0,
        email_error="",
    ):
        return False
    enqueue_on_commit(send_confirmation, subscriber.pk)
    return True


@transaction.atomic
def confirm(subscriber: Subscriber, nonce: str) -> bool:
    """Confirm ``subscriber`` if still pending with ``nonce``; return True if this call did.

    Clears the nonce, so the link that carried it cannot be used again, and enqueues the
    welcome email after the commit (each new confirmation gets one, a returning person too).
    """
    from .tasks import send_welcome

    now = timezone.now()
    done = Subscriber.objects.filter(
        pk=subscriber.pk, status=Status.PENDING, confirmation_nonce=nonce
    ).update(status=Status.CONFIRMED, confirmed_at=now, confirmation_nonce="", changed_at=now)
    if done:
        SignupEvent.objects.create(subscriber=subscriber, kind=Kind.CONFIRMED)
        enqueue_on_commit(send_welcome, subscriber.pk)
    return bool(done)


@transaction.atomic
def unsubscribe(subscriber: Subscriber, *, note: str = "") -> bool:
    """Unsubscribe ``subscriber`` at once; idempotent (True only if this call changed it).

    Pending links stop working (the nonce is cleared). Erased people stay erased.
    """
    done = Subscriber.objects.filter(pk=subscriber.pk, status__in=Status.can_unsubscribe()).update(
        status=Status.UNSUBSCRIBED,
        unsubscribed_at=timezone.now(),
        confirmation_nonce="",
        changed_at=timezone.now(),
    )
    if done:
        SignupEvent.objects.create(subscriber=subscriber, kind=Kind.UNSUBSCRIBED, note=note)
    return bool(done)


@transaction.atomic
def release(subscriber: Subscriber, *, note: str = "") -> bool:
    """Move a held ``subscriber`` to pending and send the confirmation; True if released."""
    done = Subscriber.objects.filter(pk=subscriber.pk, status=Status.HELD).update(
        status=Status.PENDING, confirmation_nonce=new_token(), changed_at=timezone.now()
    )
    if done:
        SignupEvent.objects.create(subscriber=subscriber, kind=Kind.RELEASED, note=note)
        request_confirmation(subscriber, force=True)
    return bool(done)


@transaction.atomic
def return_to_pending(subscriber: Subscriber, *, consent_version_id: int | None = None) -> bool:
    """An unsubscribed person signed up again: pending, with a new link; True if changed.

    ``consent_version_id`` (the :class:`SignupFormCopyVersion` they saw this time)
    replaces the recorded one: it is this consent that a confirmation would confirm.
    """
    changes: dict[str, object] = {
        "status": Status.PENDING,
        "confirmation_nonce": new_token(),
        "unsubscribed_at": None,
        "changed_at": timezone.now(),
    }
    if consent_version_id is not None:
        changes["consent_version_id"] = consent_version_id
    done = Subscriber.objects.filter(pk=subscriber.pk, status=Status.UNSUBSCRIBED).update(**changes)
    if done:
        request_confirmation(subscriber, force=True)
    return bool(done)
