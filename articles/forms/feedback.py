"""The reader feedback forms at the end of every article: a yes/no vote and a problem report.

They sit on pages cached for every anonymous reader, so they carry nothing per visitor:
the article's version, the sign-up's "form made at" stamp (:func:`signups.abuse.form_stamp`)
and the same trap field. Cross-site posts are refused by Fetch metadata, as the sign-up's.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from signups import abuse
from signups.forms import HONEYPOT, HiddenText, trap_field

from ..models import ReaderFeedback

# After a plain-form submission the article is shown again with ``?feedback=<value>``.
THANKS_PARAM = "feedback"
THANKS_VALUES = ("yes", "no", "reported")


class FeedbackForm(forms.Form):
    """The hidden fields both feedback forms carry: ``version`` (the article version the
    page showed, as text; :func:`shown_version` reads it), ``rendered_at`` and the trap
    field :data:`signups.forms.HONEYPOT`. None of them can make a submission invalid;
    :meth:`hold` says whether it looked automated."""

    version = HiddenText()
    rendered_at = HiddenText()
    hp_q7x = trap_field()

    def shown_version(self, article):
        """The version the reader saw: the posted one if plausible, else the current one."""
        value = self.cleaned_data.get("version", "")
        if value.isascii() and value.isdigit() and 0 < int(value) <= article.version:
            return int(value)
        return article.version

    def hold(self):
        """A :class:`signups.abuse.Hold` if the submission looked automated, else ``None``."""
        return abuse.hold_for(self.cleaned_data["rendered_at"], self.cleaned_data[HONEYPOT])


class HelpfulForm(FeedbackForm):
    """ "Was this page helpful?": ``helpful`` is ``"yes"`` or ``"no"``."""

    helpful = forms.ChoiceField(
        label=_("Was this page helpful?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        error_messages={"required": _("Choose Yes or No."), "invalid_choice": _("Choose Yes or No.")},
    )

    def kind(self):
        """The :class:`ReaderFeedback.Kind` this vote records."""
        Kind = ReaderFeedback.Kind
        return Kind.HELPFUL if self.cleaned_data["helpful"] == "yes" else Kind.NOT_HELPFUL


class ProblemReportForm(FeedbackForm):
    """ "Report a problem with this page": the problem (required, at most
    :attr:`ReaderFeedback.MESSAGE_MAX_LENGTH` characters) and an optional ``reply_email`` for a reply."""

    message = forms.CharField(
        label=_("What is wrong or missing?"),
        max_length=ReaderFeedback.MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Describe the problem, in a sentence or two."),
            "max_length": _("Please keep it under %(limit_value)d characters (this has %(show_value)d)."),
        },
    )
    # Not "email": the sign-up form on the same page has that field.
    reply_email = forms.EmailField(
        label=_("Your email address (optional)"),
        help_text=_("Only if you would like a reply. We use it for nothing else."),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": _("Enter a valid email address, like name@example.com, or leave it empty."),
            "max_length": _("That address is too long (at most 254 characters)."),
        },
    )

    def kind(self):
        """The :class:`ReaderFeedback.Kind` this report records."""
        return ReaderFeedback.Kind.PROBLEM


def form_for(data):
    """The bound form a POST ``data`` is for: a vote when it has ``helpful``, else a report."""
    form_class = HelpfulForm if "helpful" in data else ProblemReportForm
    return form_class(data, **FORM_OPTIONS[form_class])


# Both forms are on one page: their field ids must differ.
FORM_OPTIONS = {
    HelpfulForm: {"auto_id": "feedback-vote-%s"},
    ProblemReportForm: {"auto_id": "feedback-report-%s"},
}


def unbound_forms(article):
    """``(vote_form, report_form)`` for the page of ``article``: the same for every visitor."""
    initial = {"version": article.version, "rendered_at": abuse.form_stamp()}
    return tuple(cls(initial=initial, **FORM_OPTIONS[cls]) for cls in (HelpfulForm, ProblemReportForm))
