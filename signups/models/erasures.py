"""What is kept when a person is erased: a one-way hash of the address, and that it happened."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ErasedAddress(models.Model):
    """The one-way hash of an erased address, so imports cannot silently re-add it.

    ``digest`` is HMAC-SHA256 of the normalised address under ``SIGNUP_ERASURE_KEY``
    (see :func:`signups.erasure.address_digest`); nothing else about the person is kept.
    """

    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("erased"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("erased address")
        verbose_name_plural = _("erased addresses")

    def __str__(self):
        return self.digest[:12]


class ErasureLog(models.Model):
    """That an erasure happened, when and by whom; nothing about the person erased."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    staff_name = models.CharField(
        _("staff member's name"),
        max_length=150,
        blank=True,
        help_text=_("Kept if the account is later removed."),
    )
    via = models.CharField(_("how"), max_length=20)
    subscribers = models.PositiveIntegerField(_("subscriber rows erased"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("erasure")
        verbose_name_plural = _("erasure log")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.via} {self.staff_name}".strip()
