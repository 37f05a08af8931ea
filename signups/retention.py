"""Retention: sign-ups never confirmed are deleted after a while, leaving a count per day.

A pending sign-up (its confirmation link never used) is deleted ``pending_days`` after it
became pending; a held one (a suspected bot never released) ``held_days`` after it was
held (:class:`~signups.models.RetentionSettings`, defaults 30 and 90 days). "Became" is
``changed_at`` (set by every status change), or ``created_at`` for rows older than that
field. The GDPR's storage-limitation principle (art. 5(1)(e)) is the reason: an address
nobody confirmed is not consent, only personal data.

What is left is :class:`~signups.models.ExpiredSignupCount`: per sign-up day (site's zone)
and status, how many were deleted. No address and no hash are kept, unlike an erasure
(:mod:`signups.erasure`), so these people may sign up again or be imported.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, F
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from .models import ExpiredSignupCount, RetentionSettings, Subscriber

Status = Subscriber.Status


def expiring(status: str, now: datetime | None = None):
    """The sign-ups in ``status`` (pending or held) that retention deletes at ``now``.

    Raises ``ValueError`` for any other status: confirmed, unsubscribed, bounced and
    erased people are never deleted by retention.
    """
    settings = RetentionSettings.load()
    days = {Status.PENDING: settings.pending_days, Status.HELD: settings.held_days}
    if status not in days:
        raise ValueError(f"Retention deletes pending and held sign-ups only, not {status!r}.")
    cutoff = (now or timezone.now()) - timedelta(days=days[Status(status)])
    return (
        Subscriber.objects.filter(status=status)
        .alias(since=Coalesce("changed_at", "created_at"))
        .filter(since__lt=cutoff)
    )


@transaction.atomic
def expire(now: datetime | None = None) -> dict[str, int]:
    """Delete the expired pending and held sign-ups; return how many of each, by status.

    One transaction: the counts per day and the deletions are kept together or not at
    all. A sign-up confirmed or released meanwhile is not deleted (the ``DELETE`` asks
    for the status again).
    """
    deleted = {}
    zone = timezone.get_current_timezone()
    for status in (Status.PENDING, Status.HELD):
        rows = expiring(status, now).select_for_update()
        ids = list(rows.values_list("pk", flat=True))
        per_day = (
            Subscriber.objects.filter(pk__in=ids, status=status)
            .annotate(day=TruncDate("created_at", tzinfo=zone))
            .order_by()
            .values("day")
            .annotate(n=Count("pk"))
        )
        for entry in per_day:
            counter, _created = ExpiredSignupCount.objects.get_or_create(day=entry["day"], status=status)
            ExpiredSignupCount.objects.filter(pk=counter.pk).update(count=F("count") + entry["n"])
        deleted[str(status)] = (
            Subscriber.objects.filter(pk__in=ids, status=status).delete()[1].get(Subscriber._meta.label, 0)
        )
    return deleted
