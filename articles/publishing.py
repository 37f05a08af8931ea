"""Every editorial state change of an article, one function each.

:func:`save_draft` (an editor's change to a live article becomes pending changes),
:func:`submit_for_review`, :func:`publish` (now, or at a time: scheduling),
:func:`publish_pending`, :func:`unpublish`, :func:`archive`, :func:`restore_revision`,
:func:`sign_off_review`, :func:`delete` and :func:`autosave` (``articles.autosaving``:
the editor's work saved as they write, never publishing); :func:`save_changes` picks the right one for an
edited article whose status may have changed (the admin form, the Webflow importer).
:func:`check_publishing_fields` is the rule on status and publication time that they
apply, for forms to show before saving; :func:`check_complete` (a title and an author)
is checked before an article is submitted for review or published.

Each function takes keyword arguments only, and:

- checks the actor's permission itself (``articles.change_article``,
  ``articles.publish_article``, ``articles.review_article``), raising
  ``django.core.exceptions.PermissionDenied``, whoever calls it;
- runs in one ``transaction.atomic()`` and locks the article's row first
  (``SELECT ... FOR UPDATE`` on PostgreSQL); given ``expected_version`` (the version the
  page asking for the change was loaded with), refuses a stale change with
  :class:`StaleArticle`;
- records the history through django-simple-history: the actor as the record's user and,
  where there is one, a change reason (``_history_user`` and ``_change_reason``,
  https://django-simple-history.readthedocs.io/en/latest/user_tracking.html);
- registers what follows a save (renditions, search document, old-address redirect:
  ``articles.derived``) with ``transaction.on_commit``, so nothing outside the database
  sees a change that was rolled back. The page cache learns of the change from the
  row's ``post_save`` signal (``articles.apps``), also on commit.

``actor=None`` is the system, refused unless the caller entered :func:`system_actor`
(``articles.actors``), as management commands and data migrations do and no view does.
Its changes are recorded without a user and with the change reason "system (<command>)".
"""

import enum
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from . import _publishing_checks as checks
from . import revisions
from ._publishing_checks import DELETE, PUBLISH, REVIEW, StoredRow, begin, check_version, lock_row
from ._publishing_checks import StaleArticle as StaleArticle
from ._publishing_checks import check_publishing_fields as check_publishing_fields
from ._publishing_checks import edit_unschedules as edit_unschedules
from .actors import Actor as Actor
from .actors import display_name, history_reason, may, require
from .actors import system_actor as system_actor
from .autosaving import Autosaved as Autosaved
from .autosaving import autosave as autosave
from .autosaving import check_complete as check_complete
from .derived import refresh_on_commit
from .models import Article, Reviewer

Status = Article.Status


class Saved(enum.Enum):
    """What a save did: wrote the article, kept the changes pending for a publisher, or
    wrote a scheduled article whose body changed back as a draft."""

    WRITTEN = "written"
    PENDING = "pending"
    UNSCHEDULED = "unscheduled"


def waits_for_publisher(*, live_status: str | None, actor: Actor) -> bool:
    """True when ``actor``'s save of an article stored with ``live_status`` becomes pending
    changes: the article is published and the actor may not publish."""
    return live_status == Status.PUBLISHED and not may(actor, PUBLISH)


def save_draft(
    *,
    article: Article,
    actor: Actor,
    fields: Collection[str] | None = None,
    citations: Sequence[Mapping[str, Any]] | None = None,
    related: Sequence[int] | None = None,
    topics: Sequence[int] | None = None,
    expected_version: int | None = None,
) -> Saved:
    """Save ``article`` (new or edited) without changing whether it is published.

    When :func:`waits_for_publisher`, the live row stays as it is and the values of
    ``fields`` (default: every editable field), the ``citations`` (dicts with ``id``,
    ``position``, ``source``), the ``related`` article ids and the ``topics`` ids (each
    defaulting to the live ones) are kept as pending changes (``articles.revisions``). No history record is
    written for them: the history records rows, and the row readers see did not change
    (who stored the changes, and when, is on the article: ``pending_revision_by``,
    ``pending_revision_at``); publishing them records them, naming that editor.
    Otherwise the row is written, superseding any pending changes the instance carries;
    a scheduled article whose body changed is written as a draft (``Saved.UNSCHEDULED``).
    Raises ``PermissionDenied``, :class:`StaleArticle`, or ``ValueError`` when the status
    change needs another function.
    """
    with transaction.atomic():
        row = begin(article, actor, expected_version=expected_version)
        if article.status != row.status and {article.status, row.status} & Status.publishing():
            raise ValueError("save_draft() does not publish, archive or unpublish")
        if article.status == row.status and edit_unschedules(article):
            # The table's rule: a scheduled article whose body changes goes back to draft.
            checks.clear_schedule(article, row)
            _write(article, actor, row, _("Back to draft: its body changed while scheduled"))
            return Saved.UNSCHEDULED
        if waits_for_publisher(live_status=row.status, actor=actor):
            revisions._store_pending_edit(
                article, actor, fields=fields, citations=citations, related=related, topics=topics
            )
            return Saved.PENDING
        _write(article, actor, row)
    return Saved.WRITTEN


def submit_for_review(*, article: Article, actor: Actor, expected_version: int | None = None) -> Article:
    """Save ``article`` (a draft, or new) with the status "in review", clearing any
    publisher's note that sent it back."""
    check_complete(article)
    article.status, article.draft_note = Status.IN_REVIEW, ""
    with transaction.atomic():
        _write(article, actor, begin(article, actor, expected_version=expected_version))
    return article


def publish(
    *, article: Article, actor: Actor, at: datetime | None = None, expected_version: int | None = None
) -> Article:
    """Publish ``article`` with its edits: readers see it from ``at`` (an aware datetime; a
    future one schedules it). Without ``at``, its own publication time, or now.

    Raises ``ValidationError`` when the article may not go out as it is (a hero image
    without alt text; no current medical sign-off when site settings require one),
    leaving it unchanged.
    """
    with transaction.atomic():
        row = begin(article, actor, PUBLISH, _("publish or schedule articles"), expected_version)
        checks.check_sign_off(article)
        article.status, article.draft_note = Status.PUBLISHED, ""
        if at is not None:
            checks.move_publication_time(article, row, at)
        article.clean()
        check_complete(article)
        _write(article, actor, row)
    return article


def publish_pending(*, article: Article, actor: Actor, expected_version: int | None = None) -> Article:
    """Make ``article``'s pending changes live: fields, cited sources, related articles, topics.

    The history names the editor whose changes these were. Returns the article as stored
    (unchanged when nothing was pending).
    """
    with transaction.atomic():
        require(actor, PUBLISH, _("publish pending changes"))
        article = Article.objects.select_for_update().get(pk=article.pk)
        check_version(article.version, expected_version)
        if not article.pending_revision:
            return article
        row, editor = StoredRow.of(article), article.pending_revision_by
        payload = revisions.take_pending(article)
        check_complete(article)
        reason = _("Published pending changes by %(editor)s") % {"editor": display_name(editor)}
        _write(article, actor, row, reason if editor is not None else "")
        revisions.write_pending_inlines(article, payload)
    return article


def unpublish(
    *, article: Article, actor: Actor, to: str = Status.DRAFT, expected_version: int | None = None
) -> Article:
    """Take ``article`` (with its edits) off the site, back to ``to``: draft or in review."""
    if to not in (Status.DRAFT, Status.IN_REVIEW):
        raise ValueError(f"unpublish() goes to draft or in review, not {to!r}")
    with transaction.atomic():
        row = begin(article, actor, PUBLISH, _("unpublish articles"), expected_version)
        article.status = to
        _write(article, actor, row)
    return article


def archive(*, article: Article, actor: Actor, expected_version: int | None = None) -> Article:
    """Archive ``article`` (with its edits): off the site, kept with its pending changes."""
    with transaction.atomic():
        row = begin(article, actor, PUBLISH, _("archive articles"), expected_version)
        article.status = Status.ARCHIVED
        _write(article, actor, row)
    return article


def restore_revision(
    *,
    revision: Any,
    actor: Actor,
    edited: Article | None = None,
    fields: Collection[str] | None = None,
    expected_version: int | None = None,
) -> Saved:
    """Bring back ``revision`` (a django-simple-history record of an article) as a new save.

    ``edited``: the article built from the record, as the admin's restore form changed
    it (default ``revision.instance``). Like :func:`save_draft`, an editor's restore of a
    live article becomes pending changes (keeping the live sources and related articles).
    Status changes follow the same permissions as everywhere else.
    """
    article = edited if edited is not None else revision.instance
    if article.pk != revision.id:
        raise ValueError("the edited article is not the revision's article")
    with transaction.atomic():
        row = begin(article, actor, expected_version=expected_version)
        if waits_for_publisher(live_status=row.status, actor=actor):
            revisions._store_pending_edit(article, actor, fields=fields)
            return Saved.PENDING
        when = formats.date_format(timezone.localtime(revision.history_date), "DATETIME_FORMAT")
        _write(article, actor, row, _("Restored the version of %(when)s") % {"when": when})
    return Saved.WRITTEN


def sign_off_review(
    *,
    article: Article,
    reviewer: Reviewer,
    actor: Actor,
    expected_version: int | None = None,
    when: datetime | None = None,
) -> Article:
    """Record that ``reviewer`` medically reviewed the live body (never pending changes,
    which stay pending) at ``when`` (default now).

    A user signs off only as the reviewer profile linked to their account. Returns the
    article as stored.
    """
    with transaction.atomic():
        require(actor, REVIEW, _("sign off medical reviews"))
        if actor is not None and reviewer.user_id != actor.pk:
            raise PermissionDenied(_("A user signs off only as their own medical reviewer profile."))
        article = Article.objects.select_for_update().get(pk=article.pk)
        check_version(article.version, expected_version)
        article.record_review(reviewer, when)
        reason = _("Medical review signed off by %(reviewer)s") % {"reviewer": reviewer}
        _write(article, actor, StoredRow.of(article), reason)
    return article


def delete(*, article: Article, actor: Actor) -> None:
    """Delete ``article`` with its citations, related links, update notes and redirects.

    Needs ``articles.delete_article``, and ``articles.publish_article`` as well for a
    published or archived article (deleting takes it off the site, or out of the archive).
    The history keeps django-simple-history's deletion record, naming the actor. The page
    cache forgets the article on commit (``post_delete``, ``articles.apps``).
    """
    with transaction.atomic():
        require(actor, DELETE, _("delete articles"))
        if lock_row(article).status in Status.publishing():
            require(actor, PUBLISH, _("delete published or archived articles"))
        article._history_user = actor  # type: ignore[attr-defined]
        article._change_reason = history_reason(actor, _("Deleted"))  # type: ignore[attr-defined]
        article.delete()


def save_changes(
    *,
    article: Article,
    actor: Actor,
    fields: Collection[str] | None = None,
    citations: Sequence[Mapping[str, Any]] | None = None,
    related: Sequence[int] | None = None,
    topics: Sequence[int] | None = None,
    expected_version: int | None = None,
) -> Saved:
    """Save an edited ``article`` through the function for the status change it carries:
    :func:`publish`, :func:`archive`, :func:`unpublish`, :func:`submit_for_review`, or
    :func:`save_draft` (which takes ``fields``, ``citations``, ``related`` and ``topics``)."""
    with transaction.atomic():
        old, new = lock_row(article).status, article.status
        change: dict[str, Any] = {"article": article, "actor": actor, "expected_version": expected_version}
        if new == old or (new == Status.DRAFT and old not in Status.publishing()):
            return save_draft(**change, fields=fields, citations=citations, related=related, topics=topics)
        if new == Status.PUBLISHED:
            publish(**change)
        elif new == Status.ARCHIVED:
            archive(**change)
        elif old in Status.publishing():
            unpublish(**change, to=new)
        else:
            submit_for_review(**change)
    return Saved.WRITTEN


def _write(article: Article, actor: Actor, row: StoredRow, reason: str = "") -> None:
    """Save the row with its history, having registered what follows it on commit."""
    refresh_on_commit(article, old_slug=row.slug, was_live=row.status == Status.PUBLISHED)
    article._history_user = actor  # type: ignore[attr-defined]
    article._change_reason = history_reason(actor, reason)  # type: ignore[attr-defined]
    article.save()
