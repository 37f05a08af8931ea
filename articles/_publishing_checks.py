"""The checks every change in ``articles.publishing`` starts with: the stored row, locked;
its version; the actor's permissions. Private to that module, which re-exports
:class:`StaleArticle` and :func:`check_publishing_fields`."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .actors import Actor, may, require
from .models import Article, SiteSettings
from .sanitize import sanitize_html

ADD, CHANGE, DELETE = "articles.add_article", "articles.change_article", "articles.delete_article"
PUBLISH, REVIEW = "articles.publish_article", "articles.review_article"
Status = Article.Status


class StaleArticle(Exception):
    """The article changed after the page asking for the change was loaded."""


@dataclass(frozen=True)
class StoredRow:
    """The article as stored before this change (all ``None`` for a new one)."""

    slug: str | None = None
    status: str | None = None
    published_at: datetime | None = None
    version: int | None = None

    @classmethod
    def of(cls, article: Article) -> "StoredRow":
        return cls(article.slug, article.status, article.published_at, article.version)


def lock_row(article: Article) -> StoredRow:
    """Lock ``article``'s row until the transaction ends (``SELECT ... FOR UPDATE`` on
    PostgreSQL) and return it as stored; a new or vanished article gives an empty row."""
    if article.pk is None:
        return StoredRow()
    stored = (
        Article.objects.select_for_update()
        .filter(pk=article.pk)
        .values_list("slug", "status", "published_at", "version")
        .first()
    )
    return StoredRow(*stored) if stored else StoredRow()


def begin(
    article: Article,
    actor: Actor,
    permission: str | None = None,
    doing: str = "",
    expected_version: int | None = None,
) -> StoredRow:
    """Lock the row and check that ``actor`` may add or change the article, hold
    ``permission`` for ``doing``, and change its status and publication time as set, and
    that the row is still at ``expected_version`` (when given). Returns the stored row;
    raises ``PermissionDenied`` or :class:`StaleArticle`."""
    new = article.pk is None
    require(actor, ADD if new else CHANGE, _("add articles") if new else _("change articles"))
    if permission:
        require(actor, permission, doing)
    row = lock_row(article)
    check_version(row.version, expected_version)
    check_publishing_fields(
        actor=actor,
        status=article.status,
        published_at=article.published_at,
        stored_status=row.status,
        stored_published_at=row.published_at,
    )
    return row


def check_version(version: int | None, expected_version: int | None) -> None:
    """Raise :class:`StaleArticle` when ``expected_version`` is given and is not ``version``."""
    if expected_version is not None and expected_version != version:
        raise StaleArticle(f"the article is at version {version}, not {expected_version}")


def check_publishing_fields(
    *,
    actor: Actor,
    status: str | None,
    published_at: datetime | None,
    stored_status: str | None,
    stored_published_at: datetime | None,
) -> None:
    """Raise ``PermissionDenied`` (with a message for the editor) unless ``actor`` may give
    an article stored with ``stored_status`` and ``stored_published_at`` (both ``None``
    for a new one) this ``status`` and ``published_at``: only publishers set a status to
    or from published or archived, or move a published article's time (to the second)."""
    if may(actor, PUBLISH):
        return
    if status != stored_status and status in Status.publishing():
        raise PermissionDenied(
            _(
                "Only publishers can publish or archive an article. Save it as draft or "
                "in review, and a publisher will publish it."
            )
        )
    if status != stored_status and stored_status in Status.publishing():
        raise PermissionDenied(
            _("Only publishers can unpublish an article or change its status once published or archived.")
        )
    if stored_status == Status.PUBLISHED and to_second(published_at) != to_second(stored_published_at):
        raise PermissionDenied(_("Only publishers can change the publication time of a published article."))


def to_second(value: datetime | None) -> datetime | None:
    # The admin's time input drops microseconds, so times are compared to the second.
    return value.replace(microsecond=0) if value else None


def check_sign_off(article: Article) -> None:
    """Raise ``ValidationError`` when site settings require a current medical sign-off
    to publish or schedule and ``article``'s body (as it will be stored, sanitised) is
    not the one a reviewer signed off. Checked when publishing or scheduling only: a
    scheduled article goes live at its time without any check running then."""
    if not SiteSettings.load().publish_requires_sign_off:
        return
    body = sanitize_html(article.body)
    if article.reviewed_at and article.reviewed_body_hash == Article(body=body).body_hash():
        return
    raise ValidationError(
        _(
            "This article needs a current medical sign-off before it can be published or "
            "scheduled: a reviewer must sign off this version of the body first."
        ),
        code="sign_off_required",
    )


def edit_unschedules(article: Article) -> bool:
    """True when saving ``article`` changes the body of a scheduled article (published,
    its time still to come): such an edit returns it to draft, for a publisher to
    schedule the new body again."""
    if article.pk is None:
        return False
    stored = Article.objects.filter(pk=article.pk).values("status", "published_at", "body").first()
    return bool(
        stored
        and stored["status"] == Status.PUBLISHED
        and stored["published_at"] is not None
        and stored["published_at"] > timezone.now()
        and sanitize_html(article.body) != stored["body"]
    )


def move_publication_time(article: Article, row: StoredRow, at: datetime) -> None:
    """Set ``article``'s publication time to ``at``; a publication date that was only taken
    from the stored time (``row``) follows the new one (a scheduled article published now
    must not show its scheduled date)."""
    if row.published_at and article.published_on == timezone.localdate(row.published_at):
        article.published_on = None
    article.published_at = at


def clear_schedule(article: Article, row: StoredRow) -> None:
    """Make ``article`` (stored as ``row``, scheduled) a draft with no publication time,
    and no publication date when that date was only taken from the scheduled time."""
    if row.published_at and article.published_on == timezone.localdate(row.published_at):
        article.published_on = None
    article.status, article.published_at = Status.DRAFT, None
