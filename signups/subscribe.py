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
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve

from . import lifecycle
from .abuse import Hold
from .models import SignupEvent, SignupFormCopy, SignupFormCopyVersion, Subscriber, new_token

if TYPE_CHECKING:
    from articles.models import Article

Status = Subscriber.Status
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign")


def article_for_path(path: str) -> "Article | None":
    """Return the published article whose page is ``path``, or ``None``.

    Only the path is trusted, never an ID from the form: a visitor can only name an
    article that is publicly visible anyway.
    """
    from articles.models import Article

    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name != "articles:detail":
        return None
    article: Article | None = Article.objects.published().filter(slug=match.kwargs.get("slug")).first()
    return article


@transaction.atomic
def subscribe(
    email: str,
    email_normalized: str,
    path: str = "",
    *,
    utm: Mapping[str, str] | None = None,
    referrer: str = "",
    copy_version: SignupFormCopyVersion | None = None,
    hold: Hold | None = None,
) -> tuple[Subscriber, bool]:
    """Record a sign-up for ``email`` from the page at ``path``; return ``(subscriber, created)``.

    ``email`` is the address as typed (trimmed) and ``email_normalized`` its comparison
    key (:func:`signups.addresses.validate_address` checks the one and gives the other);
    ``utm`` maps ``utm_source``/``utm_medium``/``utm_campaign`` to the visit's values;
    ``referrer`` is the referring site; ``copy_version`` the
    :class:`~signups.models.SignupFormCopyVersion` the visitor saw (default: the current
    one); ``hold`` (:func:`signups.abuse.hold_for`), when given, says why the form looked
    automated: a new subscriber is then held for review, with its reason, instead of emailed.

    Creates the subscriber on first sign-up (its source is this page, article, visit
    and copy); any sign-up adds a :class:`SignupEvent`. Safe under concurrency: the
    database's unique constraint decides which of two simultaneous first sign-ups
    creates the row, and the other becomes a repeat.
    """
    article = article_for_path(path) if path else None
    if copy_version is None:
        copy_version = SignupFormCopy.load().current_version
    evidence = {**dict.fromkeys(UTM_KEYS, ""), **(utm or {}), "referrer": referrer}
    try:
        with transaction.atomic():
            subscriber = Subscriber.objects.create(
                email=email,
                email_normalized=email_normalized,
                status=Status.HELD if hold else Status.PENDING,
                held_reason=hold.reason if hold else "",
                source_path=path,
                source_article=article,
                consent_version=copy_version,
                confirmation_nonce=new_token(),
                **evidence,
            )
        created = True
    except IntegrityError:
        subscriber = Subscriber.objects.get(email_normalized=email_normalized)
        created = False
    note = _follow_up(subscriber, created, copy_version, hold)
    SignupEvent.objects.create(
        subscriber=subscriber, path=path, article=article, copy_version=copy_version, note=note, **evidence
    )
    return subscriber, created


def _follow_up(
    subscriber: Subscriber, created: bool, copy_version: SignupFormCopyVersion | None, hold: Hold | None
) -> str:
    """Email, re-email or return to pending as the subscriber's status says; the event's note."""
    if hold:
        return f"Held: {hold.note}" if created else f"Looked automated, only recorded: {hold.note}"
    if created:
        lifecycle.request_confirmation(subscriber)
    elif subscriber.status == Status.PENDING and lifecycle.request_confirmation(subscriber):
        return "Confirmation email sent again."
    elif subscriber.status == Status.UNSUBSCRIBED and lifecycle.return_to_pending(
        subscriber, consent_version=copy_version
    ):
        return "Signed up again after unsubscribing: back to pending."
    return ""
