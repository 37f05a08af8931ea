"""Erasing a person on request (GDPR art. 17): their data goes, a one-way hash stays.

:func:`erase` removes everything that identifies a subscriber (address, evidence,
history, names, queued and finished task rows and export-log filters that mention them)
and keeps:

- the subscriber row itself, anonymous, with status ``erased`` (so counts of past
  sign-ups per day and per article stay true);
- :class:`~signups.models.ErasedAddress`, an HMAC-SHA256 of the normalised address under
  ``SIGNUP_ERASURE_KEY``, so an import can ask :func:`is_erased` and skip the person;
- one :class:`~signups.models.ErasureLog` row: when, by which staff member, how.

Other parts of the site that hold personal data register a step with
:func:`erasure_step` (as the export logs' recorded filters do below); each step is
called inside the erasure's transaction as ``step(subscriber, email_normalized)``.
"""

import hashlib
import hmac

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .addresses import normalize_email
from .export.audit import mask_email
from .models import ErasedAddress, ErasureLog, ExportLog, SignupEvent, Subscriber, new_token

STEPS = []


def erasure_step(func):
    """Register ``func(subscriber, email_normalized)`` to run on every erasure; returns it."""
    STEPS.append(func)
    return func


def address_digest(email_normalized):
    """Hex HMAC-SHA256 of a normalised address under ``SIGNUP_ERASURE_KEY``.

    Keyed, so the stored hashes cannot be checked against a list of guessed addresses
    without the key.
    """
    key = settings.SIGNUP_ERASURE_KEY.encode()
    return hmac.new(key, email_normalized.lower().encode(), hashlib.sha256).hexdigest()


def is_erased(email_normalized):
    """True if the address (already normalised) was erased: importers must not re-add it."""
    return ErasedAddress.objects.filter(digest=address_digest(email_normalized)).exists()


@erasure_step
def _remove_task_rows(subscriber, email_normalized):
    # The queue's table (production) holds our tasks' arguments (the subscriber id) and,
    # for a failed run, a traceback that may quote the address.
    if not apps.is_installed("django_tasks_db"):
        return
    from django_tasks_db.models import DBTaskResult

    mentions = Q(args_kwargs__args__0=subscriber.pk) & Q(task_path__startswith="signups.")
    if subscriber.email:
        mentions |= Q(traceback__icontains=subscriber.email) | Q(traceback__icontains=email_normalized)
    DBTaskResult.objects.filter(mentions).delete()


@erasure_step
def _remove_admin_log_entries(subscriber, email_normalized):
    # The admin's "recent actions" name the object by its str(): the address.
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Subscriber), object_id=str(subscriber.pk)
    ).delete()


ERASED_FILTER = "[erased]"


@erasure_step
def _remove_from_export_logs(subscriber, email_normalized):
    # Export logs keep the filters used: a search for the person's address is recorded
    # masked (j***@example.com), but a search for part of it ("jane.doe") as typed.
    addresses = {a.lower() for a in (subscriber.email, email_normalized) if a}
    masks = {mask_email(a) for a in addresses}
    local = email_normalized.rpartition("@")[0]

    def mentions(key, value):
        value = value.strip().lower()
        if not value:
            return False
        if any(a in value for a in addresses) or value in masks:
            return True
        # The admin's free-text search: any term holding the local part names the person.
        return key == "q" and len(local) >= 3 and local in value

    def scrub(key, value):
        if isinstance(value, str):
            return ERASED_FILTER if mentions(key, value) else value
        if isinstance(value, list):
            return [scrub(key, item) for item in value]
        return value

    for log in ExportLog.objects.exclude(filters={}).only("filters").iterator():
        scrubbed = {key: scrub(key, value) for key, value in log.filters.items()}
        if scrubbed != log.filters:
            ExportLog.objects.filter(pk=log.pk).update(filters=scrubbed)


@erasure_step
def _remove_background_exports(subscriber, email_normalized):
    # One being made may have read them already: fail it; its worker then keeps nothing
    # (signups.export.background). Any finished export file made before now may hold the
    # person: delete them all (on commit). In that order: a job finishing meanwhile is
    # skipped by the first statement (on PostgreSQL it waits for the worker's commit, then
    # finds the job done) and seen done by the second, which starts after it. A queued
    # one reads after this erasure.
    from .export import background
    from .models import ExportJob

    when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    ExportJob.objects.filter(state=ExportJob.State.RUNNING).update(
        state=ExportJob.State.FAILED,
        finished_at=timezone.now(),
        query=b"",
        message=f"Stopped at {when}: someone who may be in it asked to be erased. Export again.",
    )
    background.delete_files(
        ExportJob.objects.filter(state=ExportJob.State.DONE),
        f"Deleted at {when}: someone who may be in it asked to be erased. Export again.",
    )


@transaction.atomic
def erase(subscriber, *, staff=None, via="admin"):
    """Erase ``subscriber`` (a :class:`Subscriber`) and log it; returns the subscriber.

    ``staff`` is the user who did it (``None`` from the command line without ``--by``);
    ``via`` says how ("admin", "command"). Already erased rows are left as they are.
    """
    if subscriber.status == Subscriber.Status.ERASED:
        return subscriber
    _erase_one(subscriber)
    _log(staff, via, 1)
    return subscriber


@transaction.atomic
def erase_address(email, *, staff=None, via="command"):
    """Erase whoever signed up as ``email`` (any letter case or IDN form) and log it.

    The address's hash is recorded even if nobody has it, so a later import cannot add
    it. Returns the number of subscriber rows erased (0 or 1). Raises ``ValueError`` for
    a string that is not an address (see :func:`signups.addresses.normalize_email`).
    """
    email_normalized = normalize_email(email)
    subscriber = Subscriber.objects.filter(email_normalized=email_normalized).first()
    if subscriber is None:
        ErasedAddress.objects.get_or_create(digest=address_digest(email_normalized))
        _log(staff, via, 0)
        return 0
    _erase_one(subscriber)
    _log(staff, via, 1)
    return 1


def _erase_one(subscriber):
    email_normalized = subscriber.email_normalized
    ErasedAddress.objects.get_or_create(digest=address_digest(email_normalized))
    for step in STEPS:
        step(subscriber, email_normalized)
    SignupEvent.objects.filter(subscriber=subscriber).delete()
    # The topics chosen are interests, for a clinic possibly health data: gone with the rest.
    subscriber.topics.clear()
    Subscriber.objects.filter(pk=subscriber.pk).update(
        email="",
        first_name="",
        last_name="",
        # Unique, and not derived from the address: nothing to match it against.
        email_normalized=f"erased-{subscriber.pk}",
        status=Subscriber.Status.ERASED,
        changed_at=timezone.now(),
        utm_source="",
        utm_medium="",
        utm_campaign="",
        referrer="",
        unsubscribe_token=new_token(),
        confirmation_nonce="",
        email_status="",
        email_error="",
    )
    subscriber.refresh_from_db()


def _log(staff, via, count):
    ErasureLog.objects.create(
        staff=staff if staff is not None and staff.pk else None,
        staff_name=staff.get_username() if staff is not None else "",
        via=via,
        subscribers=count,
    )
