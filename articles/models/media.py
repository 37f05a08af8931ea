"""The media library: images uploaded once and used in the bodies of any number of articles.

A body refers to a library image by the id the body editor (django-prose-editor's Image
extension) writes as ``data-file`` on the ``<img>``: ``<img src="/media/library/x.jpg"
data-file="12" alt="...">``. Which articles use an image is read from the bodies (live and
pending), so nothing can fall out of step with what is stored.
"""

import json
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

# data-file="12" in a body, or data-file=\\"12\\" in the JSON of a pending revision.
_DATA_FILE = re.compile(r'data-file=\\?"(\d+)')


class Image(models.Model):
    """An image in the media library, with its default alt text, credit and renditions.

    ``width`` and ``height`` are the stored file's, in pixels (filled by Django's
    ``ImageField``). ``sha256`` is the digest of the bytes uploaded (before re-encoding),
    empty for images stored before it was kept. ``renditions`` is the dict
    :func:`articles.images.make_renditions` returns for ``file``.
    """

    file = models.ImageField(
        _("file"), upload_to="library/", max_length=255, width_field="width", height_field="height"
    )
    alt_text = models.CharField(
        _("default alt text"),
        max_length=300,
        blank=True,
        help_text=_(
            "What the image shows, for people who cannot see it. Each use in an article may "
            "say it differently; this is used where it does not."
        ),
    )
    decorative = models.BooleanField(
        _("decorative"),
        default=False,
        help_text=_("Adds nothing a reader needs (a texture, an ornament): screen readers skip it."),
    )
    credit = models.CharField(
        _("credit"), max_length=200, blank=True, help_text=_("Who made it, and the licence if it needs one.")
    )
    width = models.PositiveIntegerField(_("width"), null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True, editable=False)
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    sha256 = models.CharField(
        _("SHA-256 of the uploaded file"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Hex digest of the file as uploaded (FIPS 180-4): the same file uploaded again is reused."
        ),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        get_latest_by = "uploaded_at"
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self):
        return self.alt_text or self.file.name.rsplit("/", 1)[-1]

    def get_absolute_url(self):
        return self.file.url

    def clean(self):
        """Refuse an image without alt text unless it is marked decorative."""
        if not self.alt_text.strip() and not self.decorative:
            raise ValidationError(
                {"alt_text": _("Describe the image for people who cannot see it, or mark it decorative.")},
                code="alt_required",
            )

    @classmethod
    def usage(cls, image_ids):
        """``{image id: [articles showing it, by title]}`` for ``image_ids``, in one query.

        For lists, where :meth:`articles_using` per row would be a query per image.
        """
        from .article import Article

        wanted, usage = set(image_ids), {}
        articles = (
            Article.objects.alias(pending_text=Cast("pending_revision", models.TextField()))
            .filter(models.Q(body__contains="data-file=") | models.Q(pending_text__contains="data-file="))
            .only("pk", "title", "body", "pending_revision")
            .order_by("title")
        )
        for article in articles:
            text = article.body + json.dumps(article.pending_revision or {})
            for image_id in {int(found) for found in _DATA_FILE.findall(text)} & wanted:
                usage.setdefault(image_id, []).append(article)
        return usage

    def articles_using(self):
        """The articles whose body, live or pending, shows this image (a queryset)."""
        from .article import Article

        marker = f'data-file="{self.pk}"'
        # In the pending revision's JSON text the quotes are escaped.
        pending_marker = marker.replace('"', '\\"')
        return (
            Article.objects.alias(pending_text=Cast("pending_revision", models.TextField()))
            .filter(models.Q(body__contains=marker) | models.Q(pending_text__contains=pending_marker))
            .order_by("title")
        )
