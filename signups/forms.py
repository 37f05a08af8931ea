"""The newsletter sign-up form."""

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import abuse
from .addresses import validate_address
from .models import SignupFormCopy, SignupFormCopyVersion

# Hidden fields, in the order the block renders them (templates/includes/signup_form.html).
HIDDEN_FIELDS = (
    "next",
    "rendered_at",
    "copy_version",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "referrer",
)

# The trap field's name: no word that browsers' or password managers' autofill heuristics
# look for (website, url, name, email, phone, company, address...), so none fills it for a person.
HONEYPOT = "hp_q7x"
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign")
EVIDENCE_MAX_LENGTH = 200


def referring_site(url):
    """``https://host`` of a referrer URL, or "": the site is evidence, its path may be private."""
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    return f"{parts.scheme}://{parts.hostname}"[:EVIDENCE_MAX_LENGTH]


def utm_from_referer(request: HttpRequest) -> dict[str, str]:
    """The UTM parameters of the page that sent this POST, from its ``Referer`` header.

    For a form sent without JavaScript, whose hidden UTM fields stay empty: a cached page
    carries no visitor's parameters (they are not part of its cache key), so the page's own
    address is where they are. Only a page of this site counts (same scheme and host as
    the request): another site's address says nothing about our visit. Browsers send the
    full address of a same-origin page under the site's ``Referrer-Policy: same-origin``
    (Django's ``SECURE_REFERRER_POLICY`` default; W3C Referrer Policy, section 3).
    Returns ``{}`` when there is none; values are cut to :data:`EVIDENCE_MAX_LENGTH`.
    """
    referer = request.headers.get("Referer", "")
    try:
        parts = urlsplit(referer)
        origin = f"{request.scheme}://{request.get_host()}"
        if not parts.query or f"{parts.scheme}://{parts.netloc}".lower() != origin.lower():
            return {}
        # Bounded: an address with more fields than any page of ours is evidence of nothing.
        query = parse_qs(parts.query, max_num_fields=100)
    except ValueError:  # not a URL, or over the field limit
        return {}
    return {name: query[name][0][:EVIDENCE_MAX_LENGTH] for name in UTM_FIELDS if query.get(name, [""])[0]}


@dataclass(frozen=True)
class ShownForm:
    """What the sign-up block (``templates/includes/signup_form.html``) shows in its form.

    ``email`` is the address as typed and ``errors`` its messages (empty on a fresh form);
    ``hidden`` the hidden fields' ``(name, value)`` pairs in :data:`HIDDEN_FIELDS` order;
    ``trap`` the trap field's value; ``evidence_kept`` says the hidden evidence came back
    from the visitor's own POST (an error page, never cached), so the page script must
    leave it as it is rather than fill it from the URL.

    A plain template renders it instead of crispy-forms: the block is on every article
    page, and rendering the form's ten fields through widget templates cost about 2.6 ms
    a page; the label, attributes and error markup are those crispy-forms' Bootstrap 5
    pack rendered.
    """

    email: str = ""
    errors: tuple[str, ...] = ()
    hidden: tuple[tuple[str, str], ...] = ()
    trap: str = ""
    evidence_kept: bool = False


def blank_form(path: str, copy: SignupFormCopy) -> ShownForm:
    """The form as a page at ``path`` shows it.

    Nothing in it is per visitor (a cached page is shared): the page, when it was made
    (:func:`signups.abuse.form_stamp`) and the copy version. The page script fills the
    visit's UTM parameters and referring site in the browser.
    """
    values = {
        "next": path,
        "rendered_at": abuse.form_stamp(),
        "copy_version": str(copy.current_version_id or ""),
    }
    return ShownForm(hidden=tuple((name, values.get(name, "")) for name in HIDDEN_FIELDS))


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

    def __init__(self, *args, current_version_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The version the page shows as a rule: accepted without a query.
        self.current_version_id = current_version_id

    def clean_copy_version(self) -> int | None:
        """The id of an existing :class:`SignupFormCopyVersion`, or ``None``.

        A cached page may show an older version than the current one; an unknown id
        (tampered, or from a test database) gives ``None``: the current version.
        """
        value = self.cleaned_data["copy_version"]
        if not (value.isascii() and value.isdigit()) or len(value) > 18:
            return None
        if int(value) == self.current_version_id:
            return self.current_version_id
        return SignupFormCopyVersion.objects.filter(pk=int(value)).values_list("pk", flat=True).first()

    def campaign(self, request: HttpRequest) -> dict[str, str]:
        """The visit's ``utm_*`` values: those the page script put in the hidden fields,
        or, when all are empty (no JavaScript), those of the page that sent the form
        (:func:`utm_from_referer`). Every name of :data:`UTM_FIELDS` is in the result."""
        cleaned = getattr(self, "cleaned_data", None)
        if cleaned is None:  # not validated (the rate-limited answer): the raw values, cut
            sent = {name: HiddenText().clean(self.data.get(name, "")) for name in UTM_FIELDS}
        else:
            sent = {name: cleaned.get(name, "") for name in UTM_FIELDS}
        if any(sent.values()):
            return sent
        return sent | utm_from_referer(request)

    def shown(self, utm: dict[str, str] | None = None) -> ShownForm:
        """This bound form shown again (an error page): the values as sent, the address's
        errors, and ``utm`` (the values the sign-up used) in the UTM fields."""
        values = {name: str(self.data.get(name, "")) for name in HIDDEN_FIELDS}
        values.update(utm or {})
        return ShownForm(
            email=str(self.data.get("email", "")),
            errors=tuple(self.errors.get("email", ())),
            hidden=tuple((name, values[name]) for name in HIDDEN_FIELDS),
            trap=str(self.data.get(HONEYPOT, "")),
            evidence_kept=True,
        )

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
