"""The newsletter sign-up form."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .emails import normalize_email

# Characters a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class SignupForm(forms.Form):
    """One email field, plus where the visitor was (hidden fields set by the page).

    ``cleaned_data["email"]`` is the trimmed address as typed;
    ``cleaned_data["email_normalized"]`` its comparison key.
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field("email", css_class="form-control-lg"), "next")

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email.startswith(FORMULA_PREFIXES):
            raise ValidationError(
                _("An address cannot start with %(char)s.") % {"char": email[0]}, code="formula_prefix"
            )
        try:
            self.cleaned_data["email_normalized"] = normalize_email(email)
        except ValueError:
            raise ValidationError(_("Enter a valid email address, like name@example.com."), code="invalid")
        return email
