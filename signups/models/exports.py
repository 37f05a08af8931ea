"""The export log: every export of subscribers (personal data), by whom and with which filters."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportLog(models.Model):
    """One export of subscribers: who, when, what format and layout, which filters, how many.

    ``include_source`` records whether the exporter chose to include where each person
    signed up (see :data:`signups.export.INCLUDE_SOURCE_LABEL`); exports before that
    choice existed always included it, and their rows say ``True`` (migration 0006).

    ``filters`` holds the admin list's parameters or the command's options as given,
    except that a search term that is an email address is kept masked
    (``j***@example.com``, see :func:`signups.export.mask_email`); erasing a person
    removes anything of their address left here (:mod:`signups.erasure`).
    """

    class Via(models.TextChoices):
        ADMIN = "admin", _("admin list")
        ACTION = "action", _("admin action (selected rows)")
        COMMAND = "command", _("command")

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    user_name = models.CharField(
        _("staff member's name"),
        max_length=150,
        blank=True,
        help_text=_("Kept if the account is later removed; empty for the command line."),
    )
    via = models.CharField(_("how"), max_length=10, choices=Via)
    format = models.CharField(_("format"), max_length=10)
    preset = models.CharField(_("layout"), max_length=20)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    include_source = models.BooleanField(
        _("with where they signed up"),
        default=False,
        help_text=_(
            "The export held each person's source page, article, UTM values and referrer "
            "(the article read can reveal a health interest)."
        ),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("export")
        verbose_name_plural = _("export log")

    def __str__(self):
        who = self.user_name or self.get_via_display()
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.format} {self.preset} by {who}"
