"""The article: what editors write and readers read, with the invariants every write keeps.

Editorial state changes (publishing, pending changes, reviews...) and what follows a save
(renditions, the search document, old-address redirects) live in ``articles.publishing``.
"""

import hashlib

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..sanitize import sanitize_html, strip_control_characters
from ..slugs import unique_slug
from .article_checks import CheckedArticle
from .article_feed import ArticleFeedIdentity
from .article_queryset import ArticleQuerySet
from .article_rendered import RenderedArticle
from .article_seo import ArticleSeoFields
from .people import Author, Reviewer
from .topics import Topic


class Article(CheckedArticle, RenderedArticle, ArticleSeoFields, ArticleFeedIdentity):
    """An educational article, shown at ``/articles/<slug>/`` once published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

        @classmethod
        def publishing(cls):
            """Statuses only users with the "can publish" permission may set."""
            return {cls.PUBLISHED, cls.ARCHIVED}

    # Blank (and the author empty) only in drafts saved as the editor writes, before the
    # required fields are filled: publishing.check_complete refuses to publish or submit them.
    title = models.CharField(_("title"), max_length=200, blank=True)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_("The last part of the article's address. Filled from the title when empty."),
    )
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_("One or two plain sentences shown under the title and in article lists."),
    )
    hero_image = models.ImageField(_("hero image"), upload_to="articles/hero/", blank=True, max_length=255)
    hero_image_alt = models.CharField(
        _("hero image alt text"),
        max_length=300,
        blank=True,
        help_text=_(
            "Describe the picture for people who cannot see it. Leave empty only when the "
            "image is purely decorative, and tick the box below."
        ),
    )
    hero_image_decorative = models.BooleanField(
        _("hero image is decorative"),
        default=False,
        help_text=_("Ticked when the image adds nothing a reader would miss; its alt text stays empty."),
    )
    thumbnail = models.ImageField(
        _("thumbnail"),
        upload_to="articles/thumbnails/",
        blank=True,
        max_length=255,
        help_text=_("Shown in article lists. The hero image is used when empty."),
    )
    featured = models.BooleanField(_("featured"), default=False)
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_("The article's text. Scripts, styles and unknown markup are removed on save."),
    )
    author = models.ForeignKey(
        Author,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("author"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Readers see a published article from this time on; a future time schedules it."),
    )
    published_on = models.DateField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_(
            "Shown to readers as the date the article was published. Taken from the "
            "publication time when empty."
        ),
    )
    updated_on = models.DateField(
        _("last updated"),
        null=True,
        blank=True,
        help_text=_(
            "Shown to readers as 'Last updated'; change it only for substantive edits, not for typo fixes."
        ),
    )
    learn_more_url = models.URLField(
        _("'Learn More' link"),
        blank=True,
        help_text=_("Overrides the site-wide 'Learn More' link for this article only."),
    )
    topics = models.ManyToManyField(Topic, related_name="articles", blank=True, verbose_name=_("topics"))
    reviewed_by = models.ForeignKey(
        Reviewer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("medically reviewed by"),
        editable=False,
    )
    reviewed_at = models.DateTimeField(_("last medically reviewed"), null=True, blank=True, editable=False)
    reviewed_body_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Kept in step with the body on save so "changed since review" can be filtered in SQL.
    review_outdated = models.BooleanField(_("changed since review"), default=False, editable=False)
    related_articles = models.ManyToManyField(
        "self",
        through="RelatedArticle",
        symmetrical=False,
        related_name="+",
        blank=True,
        verbose_name=_("related articles"),
    )
    draft_note = models.TextField(
        _("note from the publisher"),
        blank=True,
        editable=False,
        help_text=_("Why a publisher sent the article back to draft; cleared when it moves on."),
    )
    needs_editor_attention = models.BooleanField(
        _("needs an editor's attention"),
        default=False,
        help_text=_("Set by the importer, e.g. when the hero image came without alt text."),
    )
    hero_renditions = models.JSONField(default=dict, blank=True, editable=False)
    thumbnail_renditions = models.JSONField(default=dict, blank=True, editable=False)
    # Bumped on every save (and on every stored pending revision): the admin form
    # carries the number it was loaded with, so a save from a stale copy is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    pending_revision = models.JSONField(
        _("pending changes"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("An editor's changes to the live article, waiting for a publisher."),
    )
    pending_revision_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("pending changes by"),
    )
    pending_revision_at = models.DateTimeField(
        _("pending changes saved"), null=True, blank=True, editable=False
    )
    # PostgreSQL full-text search document (title A, summary B, body C), kept in step on
    # save and GIN-indexed (migration 0005); unused on other databases.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    modified_at = models.DateTimeField(_("modified"), auto_now=True)
    webflow_item_id = models.CharField(
        _("Webflow item ID"), max_length=24, unique=True, null=True, blank=True, editable=False
    )
    webflow_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=[
            "hero_renditions",
            "thumbnail_renditions",
            "pending_revision",
            "pending_revision_by",
            "pending_revision_at",
            "webflow_fingerprint",
            "modified_at",
            "search_vector",
            *CheckedArticle.derived_fields,
            *RenderedArticle.derived_fields,
        ]
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [
            ("publish_article", _("Can publish, schedule, archive and unpublish articles")),
            ("review_article", _("Can sign off an article's medical review")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="articles_article_published_has_time",
                violation_error_message=_("A published article needs a publication time."),
            ),
        ]

    def __str__(self):
        return self.title or str(_("Untitled draft"))

    def save(self, *args, **kwargs):
        """Save with the invariants any write must keep, whoever writes.

        Control characters leave the title and summary, the body is sanitised, an empty
        slug is made from the title (unique), a published article has a publication time
        and a publication date, the version moves on (so forms loaded earlier are stale)
        and ``review_outdated`` follows the body. Nothing outside the row is touched: the
        editorial functions in ``articles.publishing`` register what follows a save.
        """
        self.title, self.summary = (
            strip_control_characters(self.title),
            strip_control_characters(self.summary),
        )
        self.body = sanitize_html(self.body)
        if not self.slug:
            self.slug = unique_slug(self, self.title)
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        if self.published_at and not self.published_on:
            self.published_on = timezone.localdate(self.published_at)
        if self.pk:
            self.version = (self.version or 0) + 1
        self.review_outdated = bool(self.reviewed_at) and self.reviewed_body_hash != self.body_hash()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        if self.hero_image and not self.hero_image_alt.strip() and not self.hero_image_decorative:
            raise ValidationError(
                {
                    "hero_image_alt": ValidationError(
                        _("Describe the hero image, or mark it as decorative."), code="alt_required"
                    )
                }
            )

    def body_hash(self):
        """SHA-256 (hex) of the body, to tell whether it changed since a review."""
        return hashlib.sha256(self.body.encode()).hexdigest()

    def record_review(self, reviewer, when=None):
        """Note, in memory, that ``reviewer`` reviewed the body as it is now (``when``: an
        aware datetime, default now). ``articles.publishing.sign_off_review`` saves it."""
        self.reviewed_by = reviewer
        self.reviewed_at = when or timezone.now()
        self.reviewed_body_hash = self.body_hash()

    @property
    def is_published(self):
        """True when readers can see the article now (the same rule as ``published()``)."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def list_image(self):
        """The image for article cards: the thumbnail, else the hero image (may be empty)."""
        return self.thumbnail or self.hero_image

    @property
    def list_image_renditions(self):
        """The renditions of :attr:`list_image`."""
        return self.thumbnail_renditions if self.thumbnail else self.hero_renditions

    def edited_since_import(self):
        """True when someone saved the article after the Webflow importer last wrote it.

        The importer sets ``imported_at`` to the ``modified_at`` it saved, and
        ``modified_at`` moves on every later save, so any edit makes it the later time.
        A re-import leaves such an article alone unless forced.
        """
        return self.imported_at is not None and (
            self.modified_at > self.imported_at or self.pending_revision is not None
        )
