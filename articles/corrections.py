"""Corrections of live articles: a correction note makes the article say it was updated.

Readers, feed readers and search engines learn of a correction from three places, which
all follow from here: the page's "Last updated" date (``Article.updated_on``), the feed
entry's update time and text (``articles.feeds``), and the JSON-LD ``dateModified``
(``articles.seo``), which follows ``updated_on``. Showing corrections openly, dated, is
what the NHS England "Standard for creating health content" asks of health publishers
(https://www.england.nhs.uk/publication/standard-for-creating-health-content/).
"""

from collections.abc import Iterable
from datetime import datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ._publishing_checks import PUBLISH
from .actors import Actor, history_reason, require
from .derived import refresh_on_commit
from .models import Article, UpdateNote


def record_corrections(*, article: Article, notes: Iterable[UpdateNote], actor: Actor) -> Article:
    """After correction ``notes`` of ``article`` were saved: if readers can see the
    article now, move its "Last updated" date (``updated_on``) to the latest note's date,
    never backwards, in one transaction with the row locked and a history record naming
    ``actor`` ("Correction: <note>").

    Notes that are not corrections, and articles that are not live (drafts, scheduled,
    archived), change nothing: a draft's date is set when it is published. For a live
    article it needs ``articles.publish_article`` (only publishers edit a live article's
    notes) and raises ``PermissionDenied`` otherwise. Returns the article as stored.
    """
    corrections = [note for note in notes if note.is_correction]
    if not corrections:
        return article
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if not article.is_published:
            return article
        require(actor, PUBLISH, _("record corrections of published articles"))
        latest = max(corrections, key=lambda note: (note.date, note.pk or 0))
        if article.updated_on and article.updated_on >= latest.date:
            return article
        article.updated_on = latest.date
        refresh_on_commit(article, old_slug=article.slug, was_live=True)
        article._history_user = actor  # type: ignore[attr-defined]
        reason = _("Correction: %(note)s") % {"note": latest.text[:80]}
        article._change_reason = history_reason(actor, reason)  # type: ignore[attr-defined]
        article.save()
    return article


def last_updated_at(article: Article, corrections: Iterable[UpdateNote] = ()) -> datetime:
    """When readers last saw ``article`` change, as an aware datetime for a feed entry: the
    latest of its publication time, the start of its "Last updated" day (site time) and
    the time its latest correction note was written (``corrections``, its correction
    notes; older notes without that time count from the start of their day)."""
    moments = [article.published_at]
    if article.updated_on:
        moments.append(timezone.make_aware(datetime.combine(article.updated_on, time.min)))
    for note in corrections:
        moments.append(note.created_at or timezone.make_aware(datetime.combine(note.date, time.min)))
    return max(moment for moment in moments if moment is not None)
