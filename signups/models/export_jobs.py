"""Exports too large to stream while the staff member waits: made by a worker, kept a while."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    """One export made in the background (:mod:`signups.export.background`).

    ``query`` is the pickled ``Query`` of the queryset to export (Django's documented way
    to rebuild a queryset elsewhere: "Pickling QuerySets",
    https://docs.djangoproject.com/en/6.1/ref/models/querysets/#pickling-querysets),
    written and read only by this code. ``rows_done`` / ``rows_total`` give the progress;
    ``heartbeat_at`` moves with it, so a job whose worker died is seen as stale and
    failed. ``file_name`` is the file in the private export storage while it exists; it
    is emptied when the file is deleted (expired, or someone in it was erased).
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting for a worker")
        RUNNING = "running", _("being made")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")
        DELETED = "deleted", _("deleted")

    created_at = models.DateTimeField(_("asked for"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("staff member"),
    )
    via = models.CharField(_("how"), max_length=10)
    format = models.CharField(_("format"), max_length=10)
    preset = models.CharField(_("layout"), max_length=20)
    include_source = models.BooleanField(_("with where they signed up"), default=False)
    bom = models.BooleanField(_("byte-order mark"), default=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    query = models.BinaryField(_("query"))
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("deleted after"), null=True, blank=True, db_index=True)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    message = models.TextField(_("message"), blank=True)
    log = models.ForeignKey(
        "signups.ExportLog",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("export log entry"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("background export")
        verbose_name_plural = _("background exports")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.format} {self.preset} ({self.get_state_display()})"

    @property
    def percent(self):
        """Rows written as a whole percentage of the rows to write (100 for an empty export)."""
        if not self.rows_total:
            return 100 if self.state == self.State.DONE else 0
        return min(100, self.rows_done * 100 // self.rows_total)
