"""The newsletter sign-up form."""

from urllib.parse import urlsplit

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import abuse
from .addresses import validate_address
from .models import SignupFormCopy, SignupFormCopyVersion

# The trap field's name: no word that browsers' or password managers' autofill heuristics
# look for (website, url, name, email, phone, company, address...), so none fills it for a person.
HONEYPOT = "hp_q7x"
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign")
EVIDENCE_MAX_LENGTH = 200
# After a plain-form sign-up the page is shown again with ``?signup=thanks``.
SUCCESS_PARAM = "signup"
SUCCESS_VALUE = "thanks"


def referring_site(url):
    """``https://host`` of a referrer URL, or "": the site is evidence, its path may be private."""
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    return f"{parts.scheme}://{parts.hostname}"[:EVIDENCE_MAX_LENGTH]


def form_initial(request: HttpRequest, copy: SignupFormCopy) -> dict[str, object]:
    """Initial values of the form's hidden fields for a page at ``request.path``.

    Nothing here is per visitor beyond the URL (a cached page is keyed by its URL):
    the render time, the copy version and the URL's UTM parameters.
    """
    initial: dict[str, object] = {
        "next": request.path,
        "rendered_at": abuse.form_stamp(),
        "copy_version": copy.current_version_id or "",
    }
    initial.update({name: request.GET.get(name, "")[:EVIDENCE_MAX_LENGTH] for name in UTM_FIELDS})
    return initial


def shows_success(request: HttpRequest) -> bool:
    """True if the page was reached by the redirect after a plain-form sign-up."""
    return request.GET.get(SUCCESS_PARAM) == SUCCESS_VALUE


class HiddenText(forms.CharField):
    """A hidden evidence field that never invalidates a sign-up: odd values are cut, not refused."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        try:
            return super().clean(value)[:EVIDENCE_MAX_LENGTH]
        except ValidationError:  # null characters and the like
            return ""


def trap_field() -> HiddenText:
    """The trap field (:data:`HONEYPOT`) of the sign-up and the reader feedback forms: a
    text input a person never sees or fills; any value marks the submission as a bot's."""
    return HiddenText(
        label=_("Leave this field empty"),
        # Skipped by autofill (autocomplete=off) and by 1Password, LastPass and Bitwarden,
        # which ignore autocomplete=off and read only their own markers.
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "tabindex": "-1",
                "data-1p-ignore": True,
                "data-lpignore": "true",
                "data-bwignore": True,
            }
        ),
    )


class SignupForm(forms.Form):
    """One email field, plus hidden fields the page fills in.

    ``cleaned_data["email"]`` is the trimmed address as typed;
    ``cleaned_data["email_normalized"]`` its comparison key. The hidden fields are the
    page (``next``), when the form was made (``rendered_at``, see
    :func:`signups.abuse.form_stamp`), the copy version shown (``copy_version``: a
    :class:`SignupFormCopyVersion` or ``None`` if unknown), the visit's UTM parameters
    and the referring site (``referrer``, reduced to scheme and host). None of them can
    make a sign-up invalid. :data:`HONEYPOT` is the trap field: people never see it, and a
    value in it holds the sign-up (:func:`signups.abuse.hold_for`); it is cut like the others.
    """

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "placeholder": "you@example.com", "required": True}
        ),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter a valid email address, like name@example.com."),
            "max_length": _("That address is too long (at most 254 characters)."),
        },
    )
    # Not length-limited here: an odd value must never cost a person their sign-up;
    # views.safe_next() falls back to the sign-up page for anything unusable.
    next = forms.CharField(required=False, widget=forms.HiddenInput)
    rendered_at = HiddenText()
    copy_version = HiddenText()
    utm_source = HiddenText()
    utm_medium = HiddenText()
    utm_campaign = HiddenText()
    referrer = HiddenText()
    hp_q7x = trap_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        # The honeypot is rendered by the template, inside a wrapper hidden from everyone.
        self.helper.layout = Layout(
            Field("email", css_class="form-control-lg"),
            "next",
            "rendered_at",
            "copy_version",
            *UTM_FIELDS,
            "referrer",
        )

    def clean_copy_version(self):
        # A cached page may show an older version than the current one; an unknown id
        # (tampered, or from a test database) falls back to the current version.
        value = self.cleaned_data["copy_version"]
        if not (value.isascii() and value.isdigit()) or len(value) > 18:
            return None
        return SignupFormCopyVersion.objects.filter(pk=int(value)).first()

    def clean_referrer(self):
        return referring_site(self.cleaned_data["referrer"])

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        try:
            self.cleaned_data["email_normalized"] = validate_address(email)
        except ValidationError as exc:
            if exc.code != "invalid":
                raise
            # Visitors get the field's own wording, whatever the exact reason.
            raise ValidationError(self.fields["email"].error_messages["invalid"], code="invalid") from exc
        return email
