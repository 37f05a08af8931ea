"""Reader feedback use cases: recording a vote or report, resolving it, releasing a held one.

Feedback is not page content: saving it retires no cached page (it is not among the
models ``articles.apps`` hands to :mod:`isha.pagecache`), so article pages stay cached.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from signups.abuse import Hold

from .models import Article, ReaderFeedback, UpdateNote

CHANGE_PERMISSION = "articles.change_readerfeedback"


@transaction.atomic
def record_feedback(
    *,
    article: Article,
    kind: str,
    shown_version: int,
    message: str = "",
    email: str = "",
    hold: Hold | None = None,
) -> ReaderFeedback:
    """Store one reader's ``kind`` (a :class:`ReaderFeedback.Kind`) on ``article``, as
    seen at ``shown_version``; ``hold`` (:func:`signups.abuse.hold_for`) keeps it out of
    counts with its reason until an editor releases it. Returns the new row."""
    return ReaderFeedback.objects.create(
        article=article,
        article_version=shown_version,
        kind=kind,
        message=message.strip(),
        email=email.strip(),
        held_reason=hold.reason if hold else "",
        held_note=hold.note[:300] if hold else "",
    )


def _check(actor):
    if not actor.has_perm(CHANGE_PERMISSION):
        raise PermissionDenied("Changing reader feedback needs the change permission on it.")


@transaction.atomic
def resolve(*, feedback: ReaderFeedback, actor, correction_note: UpdateNote | None = None) -> ReaderFeedback:
    """Mark ``feedback`` resolved by ``actor`` now, linking the ``correction_note`` it led
    to (an update note of the same article). Resolving again keeps the first time and
    person. Raises ``PermissionDenied`` without the change permission, ``ValueError`` for
    a note of another article."""
    _check(actor)
    if correction_note is not None and correction_note.article_id != feedback.article_id:
        raise ValueError("The correction note belongs to another article.")
    if feedback.resolved_at is None:
        feedback.resolved_at, feedback.resolved_by = timezone.now(), actor
    feedback.correction_note = correction_note
    feedback.save(update_fields=["resolved_at", "resolved_by", "correction_note"])
    return feedback


@transaction.atomic
def reopen(*, feedback: ReaderFeedback, actor) -> ReaderFeedback:
    """Put resolved ``feedback`` back in the queue (its correction link is kept).
    Raises ``PermissionDenied`` without the change permission."""
    _check(actor)
    feedback.resolved_at = feedback.resolved_by = None
    feedback.save(update_fields=["resolved_at", "resolved_by"])
    return feedback


@transaction.atomic
def release(*, feedback: ReaderFeedback, actor) -> ReaderFeedback:
    """Count held ``feedback`` after all (a person, not a bot); the reason is kept in
    its note. Raises ``PermissionDenied`` without the change permission."""
    _check(actor)
    if feedback.held_reason:
        label = feedback.get_held_reason_display()
        feedback.held_note = f"Released by {actor.get_username()} (was held: {label})."[:300]
        feedback.held_reason = ""
        feedback.save(update_fields=["held_reason", "held_note"])
    return feedback
