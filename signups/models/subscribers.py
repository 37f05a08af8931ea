"""Who subscribes to the newsletter and their history: sign-ups, emails, status changes."""

import secrets

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    """A random URL-safe secret (256 bits): unsubscribe tokens and confirmation nonces."""
    return secrets.token_urlsafe(32)


class Subscriber(models.Model):
    """One person on the newsletter list, one row per address.

    ``email`` is stored as the person typed it (trimmed); ``email_normalized`` is the
    comparison key (see :func:`signups.addresses.normalize_email`) and is unique regardless
    of letter case in the database itself, so two sign-ups racing for one address
    cannot both win. The source fields (page, article, UTM, referrer, copy version)
    describe the first sign-up, or the latest return from "unsubscribed".
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        HELD = "held", _("held for review")
        CONFIRMED = "confirmed", _("confirmed")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")
        BOUNCED = "bounced", _("bounced")
        ERASED = "erased", _("erased")

        @classmethod
        def can_unsubscribe(cls):
            return [cls.PENDING, cls.HELD, cls.CONFIRMED, cls.BOUNCED]

    class HeldReason(models.TextChoices):
        """Why a sign-up was held for review (see :func:`signups.abuse.hold_for`)."""

        TRAP = "trap", _("trap field filled in")
        TOO_FAST = "too_fast", _("sent too fast")
        EXPIRED = "expired", _("form's time stamp expired")
        NO_STAMP = "no_stamp", _("no valid time stamp")

    class EmailStatus(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed, will retry")
        GAVE_UP = "gave_up", _("failed, gave up")

    email = models.EmailField(_("email address"), max_length=254)
    email_normalized = models.CharField(_("normalised address"), max_length=254, editable=False)
    first_name = models.CharField(
        _("first name"),
        max_length=100,
        blank=True,
        help_text=_("Only known for people imported from another list; the form asks for no name."),
    )
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.PENDING, db_index=True
    )
    held_reason = models.CharField(
        _("held because"),
        max_length=16,
        choices=HeldReason,
        blank=True,
        help_text=_("Why the sign-up looked automated and was held; kept after a release."),
    )
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
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
    utm_source = models.CharField(_("UTM source"), max_length=200, blank=True)
    utm_medium = models.CharField(_("UTM medium"), max_length=200, blank=True)
    utm_campaign = models.CharField(_("UTM campaign"), max_length=200, blank=True)
    referrer = models.CharField(
        _("referring site"),
        max_length=200,
        blank=True,
        help_text=_("The site the visitor came from, when their browser said so."),
    )
    import_source = models.CharField(
        _("imported from"),
        max_length=200,
        blank=True,
        help_text=_(
            "The list this person was imported from (their consent was given there, at the "
            "recorded sign-up and confirmation times); empty for sign-ups through our form."
        ),
    )
    consent_version = models.ForeignKey(
        "SignupFormCopyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("form copy consented to"),
    )
    topics = models.ManyToManyField(
        "articles.Topic",
        blank=True,
        related_name="+",
        limit_choices_to={"newsletter": True},
        verbose_name=_("newsletter topics"),
        help_text=_('The newsletter topics this person chose on their "manage your subscription" page.'),
    )
    # Secrets that go into emailed links; never shown in the admin. The unsubscribe token
    # also opens the "manage your subscription" page: whoever holds it can unsubscribe
    # anyway, and the page shows no address.
    unsubscribe_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    confirmation_nonce = models.CharField(
        max_length=64, blank=True, default=new_token, editable=False, db_index=True
    )
    confirmation_requested_at = models.DateTimeField(_("confirmation requested"), null=True, blank=True)
    email_status = models.CharField(_("last email"), max_length=16, choices=EmailStatus, blank=True)
    email_status_at = models.DateTimeField(_("last email time"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("tries of the last email"), default=0)
    email_error = models.TextField(_("last email error"), blank=True)
    # When the status (or, later, the chosen topics) last changed: what the change export
    # compares with the time of a previous export. Empty for rows older than the field.
    changed_at = models.DateTimeField(
        _("last changed"), null=True, blank=True, default=timezone.now, db_index=True
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
        permissions = [("export_subscriber", _("Can export sign-ups"))]
        # For a list of a million (migration 0010, which also adds PostgreSQL's trigram
        # indexes for the search): held rows by reason, and the dashboard's counts per
        # period read from the index alone.
        indexes = [
            models.Index(
                fields=["held_reason", "created_at"],
                condition=~models.Q(held_reason=""),
                name="signups_sub_held_reason",
            ),
            models.Index(
                fields=["created_at", "confirmed_at", "source_article"],
                name="signups_sub_period_counts",
            ),
        ]

    def __str__(self):
        return self.email or f"({self.get_status_display()} #{self.pk})"


class SignupEvent(models.Model):
    """One entry in a subscriber's history: a sign-up attempt, an email, a status change.

    Sign-up events carry where they came from (page, article, UTM, referrer) and the form
    copy the visitor saw; ``note`` says why something unusual happened (held, resent).
    """

    class Kind(models.TextChoices):
        SIGNED_UP = "signed_up", _("signed up")
        EMAILED = "emailed", _("confirmation emailed")
        EMAIL_FAILED = "email_failed", _("email failed")
        CONFIRMED = "confirmed", _("confirmed")
        WELCOMED = "welcomed", _("welcome emailed")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")
        RELEASED = "released", _("released by staff")
        PREFERENCES = "preferences", _("newsletter topics changed")
        IMPORTED = "imported", _("imported from another list")

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="events", verbose_name=_("subscriber")
    )
    kind = models.CharField(_("what"), max_length=16, choices=Kind, default=Kind.SIGNED_UP)
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
    utm_source = models.CharField(_("UTM source"), max_length=200, blank=True)
    utm_medium = models.CharField(_("UTM medium"), max_length=200, blank=True)
    utm_campaign = models.CharField(_("UTM campaign"), max_length=200, blank=True)
    referrer = models.CharField(_("referring site"), max_length=200, blank=True)
    copy_version = models.ForeignKey(
        "SignupFormCopyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("form copy shown"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("history event")
        verbose_name_plural = _("history")

    def __str__(self):
        return f"{self.subscriber}: {self.get_kind_display()} @ {self.path or '-'}"
