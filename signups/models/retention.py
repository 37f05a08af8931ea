"""How long unconfirmed sign-ups are kept, and what is left of them once deleted."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from isha.singletons import SingletonModel

# Bounds on the days a superuser may choose: at least a day (a confirmation link must have
# time to be used), at most about three years (beyond that "retention" means "keep").
DAY_LIMITS = [MinValueValidator(1), MaxValueValidator(1100)]


class RetentionSettings(SingletonModel):
    """Days after sign-up before a never-confirmed sign-up is deleted (superusers edit it).

    ``pending_days`` (default 30) for pending sign-ups, ``held_days`` (default 90) for
    sign-ups held as suspected bots, counted from ``Subscriber.created_at``.
    """

    pending_days = models.PositiveIntegerField(
        _("delete pending sign-ups after (days)"),
        default=30,
        validators=DAY_LIMITS,
        help_text=_(
            "Sign-ups whose confirmation link was never used are deleted this many days after signing up."
        ),
    )
    held_days = models.PositiveIntegerField(
        _("delete held sign-ups after (days)"),
        default=90,
        validators=DAY_LIMITS,
        help_text=_(
            "Sign-ups held as suspected bots and never released are deleted this many days after signing up."
        ),
    )
    modified_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        verbose_name = _("retention settings")
        verbose_name_plural = _("retention settings")

    def __str__(self):
        return str(_("Retention settings"))


class ExpiredSignupCount(models.Model):
    """How many sign-ups of one status, made on ``day`` (site's zone), retention deleted.

    All that is left of them: no address, no hash, so the same people may sign up again
    or be imported.
    """

    day = models.DateField(_("signed up on"))
    status = models.CharField(_("status when deleted"), max_length=16)
    count = models.PositiveIntegerField(_("deleted"), default=0)

    class Meta:
        ordering = ["-day", "status"]
        verbose_name = _("expired sign-ups (count per day)")
        verbose_name_plural = _("expired sign-ups (counts per day)")
        constraints = [models.UniqueConstraint(fields=["day", "status"], name="signups_expired_count_unique")]

    def __str__(self):
        return f"{self.day}: {self.count} {self.status}"
