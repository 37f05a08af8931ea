"""The sign-up use case: one subscriber per address, every attempt recorded.

What a sign-up does depends on who is signing up (issue 5, "Lifecycle"):

- a new address becomes a pending subscriber and is sent the confirmation email, or a
  held one (not emailed) when the form looked automated;
- pending: the confirmation is sent again, at most once per ``SIGNUP_RESEND_INTERVAL``;
- unsubscribed: back to pending, with a new confirmation email;
- held, confirmed, bounced: the attempt is only recorded.

The visitor is told the same thing in every case, so the form never reveals who is on
the list. A sign-up that looked automated never changes an existing subscriber.
"""

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve
from django.utils import timezone

from . import lifecycle
from .abuse import Hold
from .models import SignupEvent, SignupFormCopy, Subscriber, new_token

Status = Subscriber.Status
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign")


def article_for_path(path: str) -> int | None:
    """Return the id of the published article whose page is ``path``, or ``None``.

    Only the path is trusted, never an ID from the form: a visitor can only name an
    article that is publicly visible anyway. Only the id is read: the sign-up records
    which article, and the article's row (its body among it) is large.
    """
    from articles.models import Article

    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name != "articles:detail":
        return None
    found: int | None = (
        Article.objects.published().filter(slug=match.kwargs.get("slug")).values_list("pk", flat=True).first()
    )
    return found


def subscribe(
    email: str,
    email_normalized: str,
    path: str = "",
    *,
    utm: Mapping[str, str] | None = None,
    referrer: str = "",
    copy_version_id: int | None = None,
    hold: Hold | None = None,
) -> tuple[Subscriber, bool]:
    """Record a sign-up for ``email`` from the page at ``path``; return ``(subscriber, created)``.

    ``email`` is the address as typed (trimmed) and ``email_normalized`` its comparison
    key (:func:`signups.addresses.validate_address` checks the one and gives the other);
    ``utm`` maps ``utm_source``/``utm_medium``/``utm_campaign`` to the visit's values;
    ``referrer`` is the referring site; ``copy_version_id`` the id of the
    :class:`~signups.models.SignupFormCopyVersion` the visitor saw (default: the current
    one); ``hold`` (:func:`signups.abuse.hold_for`), when given, says why the form looked
    automated: a new subscriber is then held for review, with its reason, instead of emailed.

    Creates the subscriber on first sign-up (its source is this page, article, visit
    and copy); any sign-up adds a :class:`SignupEvent`. Each sign-up is one transaction
    (a first one: the subscriber, its event and its email's task, one commit). Safe
    under concurrency: the database's unique constraint decides which of two
    simultaneous first sign-ups creates the row, and the other becomes a repeat.
    Raises ``IntegrityError`` for any other constraint the rows break.
    """
    if copy_version_id is None:
        copy_version_id = SignupFormCopy.load().current_version_id
    evidence = {**dict.fromkeys(UTM_KEYS, ""), **(utm or {}), "referrer": referrer}
    event = {"path": path, "article_id": article_for_path(path) if path else None, **evidence}
    try:
        with transaction.atomic():
            subscriber = _create(email, email_normalized, copy_version_id, hold, event)
        return subscriber, True
    except IntegrityError:
        existing = Subscriber.objects.filter(email_normalized=email_normalized).first()
        if existing is None:
            raise  # not the address's unique constraint
    with transaction.atomic():
        note = _follow_up(existing, copy_version_id, hold)
        SignupEvent.objects.create(subscriber=existing, copy_version_id=copy_version_id, note=note, **event)
    return existing, False


def _create(
    email: str, email_normalized: str, copy_version_id: int | None, hold: Hold | None, event: dict[str, Any]
) -> Subscriber:
    """A first sign-up: the subscriber (pending with its confirmation requested, or held),
    its event and, when pending, the confirmation email's task."""
    now = timezone.now()
    requested = (
        {}
        if hold
        else {
            "confirmation_requested_at": now,
            "email_status": Subscriber.EmailStatus.QUEUED,
            "email_status_at": now,
        }
    )
    subscriber = Subscriber.objects.create(
        email=email,
        email_normalized=email_normalized,
        status=Status.HELD if hold else Status.PENDING,
        held_reason=hold.reason if hold else "",
        source_path=event["path"],
        source_article_id=event["article_id"],
        consent_version_id=copy_version_id,
        confirmation_nonce=new_token(),
        **{name: event[name] for name in (*UTM_KEYS, "referrer")},
        **requested,
    )
    note = f"Held: {hold.note}" if hold else ""
    SignupEvent.objects.create(subscriber=subscriber, copy_version_id=copy_version_id, note=note, **event)
    if not hold:
        from .tasks import send_confirmation

        lifecycle.enqueue_on_commit(send_confirmation, subscriber.pk)
    return subscriber


def _follow_up(subscriber: Subscriber, copy_version_id: int | None, hold: Hold | None) -> str:
    """A repeat sign-up: email, re-email or return to pending as the subscriber's status
    says; the event's note."""
    if hold:
        return f"Looked automated, only recorded: {hold.note}"
    if subscriber.status == Status.PENDING and lifecycle.request_confirmation(subscriber):
        return "Confirmation email sent again."
    if subscriber.status == Status.UNSUBSCRIBED and lifecycle.return_to_pending(
        subscriber, consent_version_id=copy_version_id
    ):
        return "Signed up again after unsubscribing: back to pending."
    return ""
