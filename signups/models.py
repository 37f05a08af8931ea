"""Who subscribes to the newsletter, what they consented to, and the form's copy."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from isha.singletons import SingletonModel

from .copy import DEFAULTS, VERSIONED_FIELDS, SignupFormCopyFields

DEFAULT_HEADING = DEFAULTS["heading"]
DEFAULT_SUCCESS = DEFAULTS["success_message"]
DEFAULT_ERROR = DEFAULTS["error_message"]
DEFAULT_CHECK_INBOX = DEFAULTS["check_inbox_message"]


def new_token():
    """A random URL-safe secret (256 bits): unsubscribe tokens and confirmation nonces."""
    return secrets.token_urlsafe(32)


class Subscriber(models.Model):
    """One person on the newsletter list, one row per address.

    ``email`` is stored as the person typed it (trimmed); ``email_normalized`` is the
    comparison key (see :func:`signups.emails.normalize_email`) and is unique regardless
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
    # Secrets that go into emailed links; never shown in the admin.
    unsubscribe_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    confirmation_nonce = models.CharField(
        max_length=64, blank=True, default=new_token, editable=False, db_index=True
    )
    confirmation_requested_at = models.DateTimeField(_("confirmation requested"), null=True, blank=True)
    email_status = models.CharField(_("last email"), max_length=16, choices=EmailStatus, blank=True)
    email_status_at = models.DateTimeField(_("last email time"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("tries of the last email"), default=0)
    email_error = models.TextField(_("last email error"), blank=True)

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
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")
        RELEASED = "released", _("released by staff")
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


class SignupFormCopyVersion(models.Model):
    """An immutable snapshot of the form's texts a visitor saw: consent evidence.

    A new version is kept whenever an editor changes the heading, intro or button
    label; subscribers and their sign-up events point at the version they were shown.
    """

    created_at = models.DateTimeField(_("in use from"), auto_now_add=True)
    heading = models.CharField(_("heading"), max_length=200)
    intro = models.TextField(_("intro"), blank=True)
    button_label = models.CharField(_("button label"), max_length=40)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("form copy version")
        verbose_name_plural = _("form copy versions")

    def __str__(self):
        return f"v{self.pk}: {self.heading}"

    def texts(self):
        return {name: getattr(self, name) for name in VERSIONED_FIELDS}


class SignupFormCopy(SignupFormCopyFields, SingletonModel):
    """The sign-up form's texts, its email and its pages, edited by Marketing. Exactly one.

    Saving keeps a :class:`SignupFormCopyVersion` when the texts a visitor consents to
    changed, and points ``current_version`` at it.
    """

    current_version = models.ForeignKey(
        SignupFormCopyVersion,
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("current version"),
    )
    modified_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        verbose_name = _("sign-up form")
        verbose_name_plural = _("sign-up form")

    def __str__(self):
        return str(_("Sign-up form"))

    def save(self, *args, **kwargs):
        texts = {name: getattr(self, name) for name in VERSIONED_FIELDS}
        current = self.current_version
        if current is None or current.texts() != texts:
            self.current_version = SignupFormCopyVersion.objects.create(**texts)
        super().save(*args, **kwargs)


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


class ExportLog(models.Model):
    """One export of subscribers: who, when, what format and layout, which filters, how many.

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

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("export")
        verbose_name_plural = _("export log")

    def __str__(self):
        who = self.user_name or self.get_via_display()
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.format} {self.preset} by {who}"
