"""Standalone pages that explain the clinic: editorial standards, privacy notice, disclaimer."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..sanitize import sanitize_html, strip_control_characters
from ..slugs import unique_slug


class PageQuerySet(models.QuerySet):
    """Pages by what readers may see."""

    def live(self):
        """Published pages: the ones readers see and the site links to."""
        return self.filter(status=Page.Status.PUBLISHED)


class Page(models.Model):
    """A standalone page at ``/about/<slug>/``, written in the article body's editor.

    ``purpose`` says which of the pages the site links to by itself (the footer, the home
    page's "How we write our articles" box, the sign-up form, the emails) this one is; at
    most one page has each purpose. Publishing, and every change to a live page, needs the
    "can publish" permission (``articles.admin.pages``); every save is kept in its history.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Purpose(models.TextChoices):
        EDITORIAL_STANDARDS = "editorial_standards", _("Editorial standards")
        PRIVACY = "privacy", _("Privacy notice")
        DISCLAIMER = "disclaimer", _("Medical disclaimer")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_(
            "The last part of the page's address (/about/<slug>/). Filled from the title when empty."
        ),
    )
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_(
            "One or two plain sentences: the page's description for search engines and link previews."
        ),
    )
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_("The page's text. Scripts, styles and unknown markup are removed on save."),
    )
    purpose = models.CharField(
        _("linked from the site as"),
        max_length=30,
        choices=Purpose,
        blank=True,
        help_text=_(
            "The site links to the published page of each kind by itself: the footer, the home "
            "page, the sign-up form and the emails. Leave empty for any other page."
        ),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    history = HistoricalRecords()

    objects = PageQuerySet.as_manager()

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["purpose"],
                condition=~Q(purpose=""),
                name="unique_page_purpose",
                violation_error_message=_("Another page is already linked from the site as this."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """Store the body sanitised (``articles.sanitize``), the texts without control
        characters, and a slug made unique from the title when none was given."""
        self.title = strip_control_characters(self.title)
        self.summary = strip_control_characters(self.summary)
        self.body = sanitize_html(strip_control_characters(self.body))
        if not self.slug:
            self.slug = unique_slug(self, self.title, fallback="page")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:page", args=[self.slug])

    @property
    def is_live(self):
        """Whether readers see the page."""
        return self.status == self.Status.PUBLISHED
