"""Who subscribes to the newsletter, where they signed up, and the form's copy."""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from isha.singletons import SingletonModel

DEFAULT_HEADING = "Sign up for the Isha Health newsletter"
DEFAULT_SUCCESS = "Thank you! Your submission has been received!"
DEFAULT_ERROR = "Oops! Something went wrong while submitting the form."


class Subscriber(models.Model):
    """One person on the newsletter list, one row per address.

    ``email`` is stored as the person typed it (trimmed); ``email_normalized`` is the
    comparison key (see :func:`signups.emails.normalize_email`) and is unique regardless
    of letter case in the database itself, so two sign-ups racing for one address
    cannot both win.
    """

    email = models.EmailField(_("email address"), max_length=254)
    email_normalized = models.CharField(_("normalised address"), max_length=254, editable=False)
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True, db_index=True)
    source_path = models.CharField(
        _("source page"), max_length=500, blank=True, help_text=_("The page of the first sign-up.")
    )
    source_article = models.ForeignKey(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source article"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            models.UniqueConstraint(
                Lower("email_normalized"),
                name="signups_subscriber_email_ci_unique",
                violation_error_message=_("This address is already on the list."),
            ),
        ]

    def __str__(self):
        return self.email


class SignupEvent(models.Model):
    """One sign-up attempt by a subscriber: where and when it happened."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="events", verbose_name=_("subscriber")
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    path = models.CharField(_("page"), max_length=500, blank=True)
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("article"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("sign-up event")
        verbose_name_plural = _("sign-up events")

    def __str__(self):
        return f"{self.subscriber} @ {self.path or '-'}"


class SignupFormCopy(SingletonModel):
    """The sign-up form's texts, edited by Marketing in the admin. There is exactly one."""

    heading = models.CharField(_("heading"), max_length=200, default=DEFAULT_HEADING)
    intro = models.TextField(
        _("intro"), blank=True, help_text=_("Plain text shown under the heading. Optional.")
    )
    button_label = models.CharField(_("button label"), max_length=40, default="Sign up")
    success_message = models.CharField(
        _("success message"),
        max_length=300,
        default=DEFAULT_SUCCESS,
        help_text=_("Shown in place of the form after a sign-up."),
    )
    error_message = models.CharField(
        _("error message"),
        max_length=300,
        default=DEFAULT_ERROR,
        help_text=_("Shown above the field's own error when a sign-up cannot be accepted."),
    )
    modified_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        verbose_name = _("sign-up form")
        verbose_name_plural = _("sign-up form")

    def __str__(self):
        return str(_("Sign-up form"))

