"""The editorial workflow, stated once: an article's states, what readers see in each, and
who may move it to what.

========================== ======================== =============================================
state                      readers see              moves (permission)
========================== ======================== =============================================
Draft                      nothing (404)            Submit for review (change); Publish,
                                                    Schedule (publish)
In review                  nothing (404)            Publish, Schedule, Back to draft with a note
                                                    (publish)
Scheduled                  nothing until its time   Unschedule, to Draft; Publish now (publish);
                                                    an edit to its body returns it to Draft
Live                       the article              Unpublish (to Draft), Archive (publish)
Live with pending changes  the live version         Publish pending changes, Unpublish, Archive
                                                    (publish)
Archived                   nothing (404)            Back to draft (publish)
========================== ======================== =============================================

"Scheduled" is not a stored status: it is a published article whose publication time is
still to come (``Article.objects.scheduled()``). Readers' pages already ask
``published()`` whether that time has come, so going live needs no job, no status
change and nothing that could fail at that moment; a scheduled time is one field, and
the page cache already expires at the next one (``articles.apps``).

Every move calls ``articles.publishing`` (or the functions below, built the same way:
keyword-only, one transaction, permissions checked, history recorded).
"""

from datetime import datetime

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import publishing
from ._publishing_checks import PUBLISH, begin, clear_schedule
from .actors import Actor, may
from .models import Article

Status = Article.Status
CHANGE = "articles.change_article"


class State(models.TextChoices):
    """Where an article is in the workflow (see the module's table)."""

    DRAFT = "draft", gettext_lazy("Draft")
    IN_REVIEW = "in_review", gettext_lazy("In review")
    SCHEDULED = "scheduled", gettext_lazy("Scheduled")
    LIVE = "live", gettext_lazy("Live")
    LIVE_PENDING = "live_pending", gettext_lazy("Live with pending changes")
    ARCHIVED = "archived", gettext_lazy("Archived")


class Move(models.TextChoices):
    """The buttons of the action bar, one per move of the table (and saving as it is)."""

    SAVE = "save", gettext_lazy("Save draft")
    SUBMIT = "submit", gettext_lazy("Submit for review")
    PUBLISH = "publish", gettext_lazy("Publish")
    SCHEDULE = "schedule", gettext_lazy("Schedule")
    PUBLISH_PENDING = "publish_pending", gettext_lazy("Publish pending changes")
    UNPUBLISH = "unpublish", gettext_lazy("Unpublish")
    ARCHIVE = "archive", gettext_lazy("Archive")
    BACK_TO_DRAFT = "back_to_draft", gettext_lazy("Back to draft")
    UNSCHEDULE = "unschedule", gettext_lazy("Unschedule")


READERS_SEE = {
    State.DRAFT: gettext_lazy("Readers see nothing: the article's address is not found (404)."),
    State.IN_REVIEW: gettext_lazy("Readers see nothing: the article's address is not found (404)."),
    State.SCHEDULED: gettext_lazy("Readers see nothing until %(when)s, then the article."),
    State.LIVE: gettext_lazy("Readers see this article."),
    State.LIVE_PENDING: gettext_lazy(
        "Readers see the published version; the pending changes wait for a publisher."
    ),
    State.ARCHIVED: gettext_lazy(
        "Readers see nothing: not found (404), and not in lists, feeds or the sitemap."
    ),
}

#: The table: for each state, the moves and the permission each needs.
MOVES: dict[State, dict[Move, str]] = {
    State.DRAFT: {Move.SUBMIT: CHANGE, Move.PUBLISH: PUBLISH, Move.SCHEDULE: PUBLISH},
    State.IN_REVIEW: {Move.PUBLISH: PUBLISH, Move.SCHEDULE: PUBLISH, Move.BACK_TO_DRAFT: PUBLISH},
    State.SCHEDULED: {Move.PUBLISH: PUBLISH, Move.UNSCHEDULE: PUBLISH},
    State.LIVE: {Move.UNPUBLISH: PUBLISH, Move.ARCHIVE: PUBLISH},
    State.LIVE_PENDING: {Move.PUBLISH_PENDING: PUBLISH, Move.UNPUBLISH: PUBLISH, Move.ARCHIVE: PUBLISH},
    State.ARCHIVED: {Move.BACK_TO_DRAFT: PUBLISH},
}


def state_of(article: Article, now: datetime | None = None) -> State:
    """``article``'s state as stored (a new, unsaved article is a draft)."""
    if article.status == Status.PUBLISHED:
        now = now or timezone.now()
        if article.published_at is not None and article.published_at > now:
            return State.SCHEDULED
        return State.LIVE_PENDING if article.pending_revision else State.LIVE
    return State(article.status)


def moves_for(state: State, actor: Actor) -> list[Move]:
    """The moves ``actor`` may make from ``state``, in the table's order, after "Save
    draft" (offered to anyone who may change articles)."""
    allowed = [move for move, permission in MOVES[state].items() if may(actor, permission)]
    return ([Move.SAVE] if may(actor, CHANGE) else []) + allowed


def send_back_to_draft(
    *, article: Article, actor: Actor, note: str, expected_version: int | None = None
) -> Article:
    """Send ``article`` (in review) back to draft with ``note`` for its editor: kept on
    the article (``draft_note``, in its history) until it is submitted or published, and
    as the history record's change reason (first 100 characters).

    Raises ``PermissionDenied`` without the publish permission, ``ValueError`` for an
    empty note or an article not in review, :class:`publishing.StaleArticle`.
    """
    note = note.strip()
    if not note:
        raise ValueError("a note for the editor is required")
    with transaction.atomic():
        row = begin(article, actor, PUBLISH, _("send articles back to draft"), expected_version)
        if row.status != Status.IN_REVIEW:
            raise ValueError(f"only an article in review goes back to draft with a note, not {row.status!r}")
        article.status, article.draft_note = Status.DRAFT, note
        publishing._write(article, actor, row, _("Back to draft: %(note)s") % {"note": note})
    return article


def unschedule(*, article: Article, actor: Actor, expected_version: int | None = None) -> Article:
    """Take ``article`` (scheduled) back to draft, with no publication time (and no
    publication date when it came from that time).

    Raises ``PermissionDenied`` without the publish permission, ``ValueError`` when the
    article is not scheduled, :class:`publishing.StaleArticle`.
    """
    with transaction.atomic():
        row = begin(article, actor, PUBLISH, _("unschedule articles"), expected_version)
        if row.status != Status.PUBLISHED or not row.published_at or row.published_at <= timezone.now():
            raise ValueError("only a scheduled article can be unscheduled")
        clear_schedule(article, row)
        publishing._write(article, actor, row, _("Unscheduled"))
    return article


def schedule(*, article: Article, actor: Actor, at: datetime, expected_version: int | None = None) -> Article:
    """Publish ``article`` at ``at`` (an aware datetime in the future): readers see it
    from then on. Raises ``ValueError`` for a time not in the future, and whatever
    :func:`publishing.publish` raises (``PermissionDenied``, ``ValidationError``)."""
    if timezone.is_naive(at) or at <= timezone.now():
        raise ValueError("a schedule needs an aware time in the future")
    return publishing.publish(article=article, actor=actor, at=at, expected_version=expected_version)


def perform(
    move: Move, *, article: Article, actor: Actor, at: datetime | None = None, note: str = ""
) -> Article:
    """Make ``move`` (not :attr:`Move.SAVE`) on ``article`` as stored now, through the
    service function for it. Raises what that function raises; ``ValueError`` when the
    table has no such move from the article's state."""
    state = state_of(article)
    if move not in MOVES[state]:
        raise ValueError(f"no move {move!r} from {state!r}")
    change = {"article": article, "actor": actor}
    if move == Move.SUBMIT:
        return publishing.submit_for_review(**change)
    if move == Move.PUBLISH:
        return publishing.publish(**change, at=timezone.now())
    if move == Move.SCHEDULE:
        return schedule(**change, at=at)  # type: ignore[arg-type]
    if move == Move.PUBLISH_PENDING:
        return publishing.publish_pending(**change)
    if move == Move.UNPUBLISH:
        return publishing.unpublish(**change)
    if move == Move.ARCHIVE:
        return publishing.archive(**change)
    if move == Move.UNSCHEDULE:
        return unschedule(**change)
    if state == State.ARCHIVED:
        return publishing.unpublish(**change)
    return send_back_to_draft(**change, note=note)
