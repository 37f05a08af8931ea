"""The register of sample content: what ``load_demo`` created, so removal takes only that."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoContent(models.Model):
    """One object (article, author or source) that ``load_demo`` created.

    ``fingerprint`` is what the object was when loaded (``articles.demo.registry``): one
    whose fingerprint differs now was changed by someone since, and ``load_demo --remove``
    keeps it unless forced. Content that existed before the load (a source with the same
    DOI, say) is reused, never registered, so never removed.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("loaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("demo content")
        verbose_name_plural = _("demo content")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="unique_demo_content"),
        ]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id}"
