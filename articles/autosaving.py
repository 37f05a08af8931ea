"""Autosave: the article as the editor writes it, saved every few seconds without publishing.

Re-exported by ``articles.publishing`` (:func:`autosave`, :func:`check_complete`), whose
rules it follows: keyword arguments, the actor's permission checked here, one
transaction with the row locked, ``expected_version`` refused with ``StaleArticle``.

- A draft (or an article in review or archived) is written as it is: its status never
  changes.
- A live or scheduled article (status published) keeps its row: the edit becomes its
  pending changes (``articles.revisions``), for everyone, publishers included, so an
  autosave never publishes anything. They must stay complete (:func:`check_complete`),
  as a publisher may publish them as they are.
- A new article may be incomplete (no title, no author yet): :func:`check_complete` is
  what refuses to submit or publish it.

One history record per editing session: the first autosave of a session adds a
django-simple-history record with the change reason :data:`AUTOSAVE_REASON`; the
following ones, as long as that record is the article's latest and names the same user,
update it in place (its fields and date) instead of adding one. The next explicit save
(or anyone else's change) adds its own record and so ends the session. N autosaves
followed by a save therefore show as two entries: "Autosaved" and the save.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isha.pagecache import UNSEEN_BY_READERS

from . import revisions
from ._publishing_checks import StoredRow, begin
from .actors import Actor, history_reason
from .derived import refresh_on_commit
from .models import Article

#: The change reason of an autosave's history record (django-simple-history's
#: ``history_change_reason``); it marks the record an editing session keeps updating.
AUTOSAVE_REASON = gettext_lazy("Autosaved")
Status = Article.Status


@dataclass(frozen=True)
class Autosaved:
    """What an autosave did: the article (its ``pk`` and new ``version``) and whether the
    edit was kept as pending changes of a live article (``pending``) or written."""

    article: Article
    pending: bool


def check_complete(article: Article) -> None:
    """Raise ``ValidationError`` (by field) unless ``article`` has what readers and
    reviewers need: a title and an author. Autosaved drafts may lack them."""
    errors = {}
    if not (article.title or "").strip():
        errors["title"] = ValidationError(_("Give the article a title first."), code="incomplete")
    if article.author_id is None:
        errors["author"] = ValidationError(_("Choose the article's author first."), code="incomplete")
    if errors:
        raise ValidationError(errors)


def autosave(
    *,
    article: Article,
    actor: Actor,
    topics: Sequence[int] | None = None,
    expected_version: int | None = None,
) -> Autosaved:
    """Save ``article`` (new, or the stored one with the editor's values set on it) as the
    editor writes, never changing its status or publication time.

    ``article.status`` and ``published_at`` must be the stored ones (``ValueError``
    otherwise). Needs ``articles.add_article`` for a new article, else
    ``articles.change_article`` (``PermissionDenied``); ``expected_version``: the version
    the editor's page holds (``StaleArticle`` when the article moved on). A new article
    gets the status draft. ``topics``: the chosen topics' ids, set on a draft or kept in
    a live article's pending changes (``None``: left as they are, live or pending).
    Raises ``ValidationError`` when a live article's edit lacks a title or an author.
    """
    with transaction.atomic():
        if article.pk is None:
            article.status, article.published_at = Status.DRAFT, None
        row = begin(article, actor, expected_version=expected_version)
        if article.pk is not None and article.status != row.status:
            raise ValueError("autosave() never changes an article's status")
        if row.status == Status.PUBLISHED:
            # Pending changes must stay publishable as they are ("Publish pending changes").
            check_complete(article)
            payload = article.pending_revision or {}
            if topics is None:
                topics = payload.get("topics")
            revisions._store_pending_edit(
                article,
                actor,
                citations=payload.get("citations"),
                related=payload.get("related"),
                topics=topics,
            )
            return Autosaved(article, pending=True)
        _write_in_session(article, actor, row)
        if topics is not None:
            article.topics.set(topics)
    return Autosaved(article, pending=False)


def _write_in_session(article: Article, actor: Actor, row: StoredRow) -> None:
    """Save the row; record history once per editing session (see the module's docstring)."""
    refresh_on_commit(article, old_slug=row.slug, was_live=False)
    # Not live before (a live article's autosave goes to its pending changes) and not
    # after (the status never changes here): readers' cached pages stay valid.
    setattr(article, UNSEEN_BY_READERS, True)
    try:
        _save_in_session(article, actor)
    finally:
        delattr(article, UNSEEN_BY_READERS)


def _save_in_session(article: Article, actor: Actor) -> None:
    session = _session_record(article, actor)
    article._history_user = actor  # type: ignore[attr-defined]
    article._change_reason = history_reason(actor, str(AUTOSAVE_REASON))  # type: ignore[attr-defined]
    if session is None:
        article.save()
        return
    article.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        article.save()
    finally:
        del article.skip_history_when_saving  # type: ignore[attr-defined]
    for field in session.tracked_fields:
        setattr(session, field.attname, getattr(article, field.attname))
    session.history_date = timezone.now()
    session.save()


def _session_record(article: Article, actor: Actor) -> Any:
    """The history record of ``actor``'s current autosave session, or ``None``."""
    if article.pk is None or actor is None:
        return None
    latest = Article.history.filter(id=article.pk).order_by("-history_date", "-history_id").first()
    if latest is None or latest.history_user_id != actor.pk:
        return None
    return latest if latest.history_change_reason == str(AUTOSAVE_REASON) else None
