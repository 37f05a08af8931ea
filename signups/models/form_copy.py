"""The texts Marketing edits (the form, its messages, the confirmation email, the pages) and
the versions of the form's texts that visitors consented to.

The list of texts and their launch defaults are in one place here; migrations freeze
their own copies of the defaults.
"""

import nh3
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from isha.singletons import SingletonModel

# Where the confirmation link goes in the email's two bodies.
CONFIRM_LINK = "{confirm_link}"

# The texts shown next to the form before a visitor signs up: what they consent to.
VERSIONED_FIELDS = ("heading", "intro", "button_label", "consent_text")

DEFAULTS = {
    "heading": "Sign up for the Isha Health newsletter",
    "intro": "",
    "button_label": "Sign up",
    "consent_text": (
        "By signing up you agree to receive the Isha Health newsletter by email. "
        "You can change what you get or unsubscribe from any issue."
    ),
    "success_message": "Thank you! Your submission has been received!",
    "check_inbox_message": (
        "Please check your inbox: we have sent you an email with a link to confirm your "
        "subscription. If it has not arrived in a few minutes, look in your spam folder."
    ),
    "error_message": "Oops! Something went wrong while submitting the form.",
    "rate_limited_message": "Too many sign-ups from your network. Please try again in a minute.",
    "email_subject": "Please confirm your subscription to the Isha Health newsletter",
    "email_text": (
        "Hello,\n\n"
        "Please confirm that you would like to receive the Isha Health newsletter by "
        "opening this link:\n\n"
        "{confirm_link}\n\n"
        "If you did not sign up, ignore this email: you will not hear from us again."
    ),
    "email_html": (
        "<p>Hello,</p>\n"
        "<p>Please confirm that you would like to receive the Isha Health newsletter.</p>\n"
        '<p><a href="{confirm_link}"><strong>Confirm my subscription</strong></a></p>\n'
        "<p>If you did not sign up, ignore this email: you will not hear from us again.</p>"
    ),
    "welcome_subject": "Welcome to the Isha Health newsletter",
    "welcome_text": (
        "Hello,\n\n"
        "Thank you for confirming. The Isha Health newsletter arrives a few times a month "
        "with our newest articles on supervised ketamine therapy and mental health, each "
        "written and medically reviewed as our editorial standards describe.\n\n"
        "Every issue has a link to unsubscribe."
    ),
    "welcome_html": (
        "<p>Hello,</p>\n"
        "<p>Thank you for confirming. The Isha Health newsletter arrives a few times a month "
        "with our newest articles on supervised ketamine therapy and mental health, each "
        "written and medically reviewed as our editorial standards describe.</p>\n"
        "<p>Every issue has a link to unsubscribe.</p>"
    ),
    "confirmed_heading": "You are subscribed",
    "confirmed_text": (
        "Thank you for confirming. The Isha Health newsletter will arrive a few times a "
        "month, and every issue has a link to unsubscribe."
    ),
    "unsubscribed_heading": "You are unsubscribed",
    "unsubscribed_text": (
        "You will not receive the Isha Health newsletter any more. Changed your mind? "
        "You can sign up again at any time."
    ),
    "expired_heading": "This link no longer works",
    "expired_text": (
        "Confirmation links work once, and only for a few days. Ask for a fresh email "
        "below and use the link in it."
    ),
}

EMAIL_TAGS = {"p", "br", "strong", "b", "em", "i", "a", "ul", "ol", "li", "h2", "h3", "blockquote"}
EMAIL_ATTRIBUTES = {"a": {"href", "title"}}


def sanitize_email_html(html):
    """Return ``html`` reduced to simple email markup (nh3): no scripts, styles or images.

    Link URLs keep only http, https and mailto; the ``{confirm_link}`` placeholder, a
    relative URL to nh3, survives and is replaced when the email is sent.
    """
    return nh3.clean(
        html or "",
        tags=EMAIL_TAGS,
        attributes=EMAIL_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
    )


def _text(label, default, help_text, max_length=None):
    if max_length:
        return models.CharField(label, max_length=max_length, default=default, help_text=help_text)
    return models.TextField(label, default=default, blank=not default, help_text=help_text)


class SignupFormCopyFields(models.Model):
    """The editable texts; see :class:`SignupFormCopy`."""

    heading = _text(_("heading"), DEFAULTS["heading"], "", max_length=200)
    intro = _text(_("intro"), "", _("Plain text shown under the heading. Optional."))
    button_label = _text(_("button label"), DEFAULTS["button_label"], "", max_length=40)
    consent_text = _text(
        _("consent line"),
        DEFAULTS["consent_text"],
        _(
            "Plain text under the button: what the person agrees to. A link to the privacy "
            "notice follows it. Each sign-up records the version it saw."
        ),
    )
    success_message = _text(
        _("success message"),
        DEFAULTS["success_message"],
        _("Shown in place of the form after a sign-up."),
        max_length=300,
    )
    check_inbox_message = _text(
        _('"check your inbox" message'),
        DEFAULTS["check_inbox_message"],
        _(
            "Shown after the success message. Everyone who signs up sees the same words, "
            "whether or not they were already on the list."
        ),
    )
    error_message = _text(
        _("error message"),
        DEFAULTS["error_message"],
        _("Shown above the field's own error when a sign-up cannot be accepted."),
        max_length=300,
    )
    rate_limited_message = _text(
        _('"too many sign-ups" message'),
        DEFAULTS["rate_limited_message"],
        _("Shown after the error message when one network sends too many sign-ups in a short time."),
        max_length=300,
    )
    email_subject = _text(_("subject"), DEFAULTS["email_subject"], "", max_length=200)
    email_text = _text(
        _("plain-text body"),
        DEFAULTS["email_text"],
        _("Must contain {confirm_link} where the link goes. An unsubscribe line is added below."),
    )
    email_html = _text(
        _("HTML body"),
        DEFAULTS["email_html"],
        _(
            "Paragraphs, bold, italics, lists and links only; anything else is removed on save. "
            'Must contain {confirm_link}, e.g. <a href="{confirm_link}">Confirm</a>.'
        ),
    )
    welcome_subject = _text(_("welcome subject"), DEFAULTS["welcome_subject"], "", max_length=200)
    welcome_text = _text(
        _("welcome plain-text body"),
        DEFAULTS["welcome_text"],
        _(
            "Sent once after each new confirmation: what they will receive and how often. "
            "The crisis line, the editorial standards and the unsubscribe link are added below."
        ),
    )
    welcome_html = _text(
        _("welcome HTML body"),
        DEFAULTS["welcome_html"],
        _("Paragraphs, bold, italics, lists and links only; anything else is removed on save."),
    )
    confirmed_heading = _text(_('"confirmed" heading'), DEFAULTS["confirmed_heading"], "", max_length=200)
    confirmed_text = _text(_('"confirmed" text'), DEFAULTS["confirmed_text"], "")
    unsubscribed_heading = _text(
        _('"unsubscribed" heading'), DEFAULTS["unsubscribed_heading"], "", max_length=200
    )
    unsubscribed_text = _text(_('"unsubscribed" text'), DEFAULTS["unsubscribed_text"], "")
    expired_heading = _text(_('"link expired" heading'), DEFAULTS["expired_heading"], "", max_length=200)
    expired_text = _text(_('"link expired" text'), DEFAULTS["expired_text"], "")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Every path that stores the email (admin, shell, migrations) is sanitised here.
        self.email_html = sanitize_email_html(self.email_html)
        self.welcome_html = sanitize_email_html(self.welcome_html)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = {
            field: ValidationError(
                _("Put {confirm_link} where the confirmation link goes."), code="no_confirm_link"
            )
            for field, body in (
                ("email_text", self.email_text or ""),
                # Checked as it will be stored: a link nh3 drops takes the placeholder along.
                ("email_html", sanitize_email_html(self.email_html)),
            )
            if CONFIRM_LINK not in body
        }
        if errors:
            raise ValidationError(errors)


class SignupFormCopyVersion(models.Model):
    """An immutable snapshot of the form's texts a visitor saw: consent evidence.

    A new version is kept whenever an editor changes the heading, intro or button
    label; subscribers and their sign-up events point at the version they were shown.
    """

    created_at = models.DateTimeField(_("in use from"), auto_now_add=True)
    heading = models.CharField(_("heading"), max_length=200)
    intro = models.TextField(_("intro"), blank=True)
    button_label = models.CharField(_("button label"), max_length=40)
    consent_text = models.TextField(_("consent line"), blank=True)

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
