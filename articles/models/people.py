"""The people behind an article: its author and its medical reviewer."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..sanitize import sanitize_html
from ..slugs import unique_slug


class Author(models.Model):
    """A person or team credited as "Written by" on articles."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    credentials = models.CharField(
        _("credentials"),
        max_length=100,
        blank=True,
        help_text=_("Shown after the name in the byline, e.g. 'RN' or 'MD, PhD'. Empty for a team."),
    )
    bio = models.TextField(
        _("bio"), blank=True, help_text=_("A short introduction shown with the author's articles.")
    )
    photo = models.ImageField(_("photo"), upload_to="authors/", blank=True, max_length=255)
    webflow_item_id = models.CharField(
        _("Webflow item ID"), max_length=24, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """Sanitise the bio (templates render it unescaped) and give a new author a unique slug."""
        self.bio = sanitize_html(self.bio)
        if not self.slug:
            self.slug = unique_slug(self, self.name, fallback="author")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})


class Reviewer(models.Model):
    """A clinician who checks articles for medical accuracy and signs them off."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, blank=True)
    credentials = models.CharField(
        _("credentials"), max_length=100, help_text=_("As shown after the name, e.g. 'MD' or 'PharmD'.")
    )
    specialty = models.CharField(_("specialty"), max_length=200, blank=True)
    bio = models.TextField(_("bio"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="reviewers/", blank=True, max_length=255)
    licence_verified_on = models.DateField(
        _("licence last verified"),
        null=True,
        blank=True,
        help_text=_("When someone last checked the reviewer's licence with the issuing board."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewer_profile",
        verbose_name=_("staff account"),
        help_text=_("The admin account this reviewer signs off with."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("medical reviewer")
        verbose_name_plural = _("medical reviewers")

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def save(self, *args, **kwargs):
        """Sanitise the bio (templates render it unescaped) and give a new reviewer a unique slug."""
        self.bio = sanitize_html(self.bio)
        if not self.slug:
            self.slug = unique_slug(self, self.name, fallback="reviewer")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:reviewer", kwargs={"slug": self.slug})
