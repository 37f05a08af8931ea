"""``{% reader_feedback %}``: the "Was this page helpful?" block at the end of an article."""

from django import template

from ..feedback_views import MESSAGES
from ..forms.feedback import THANKS_PARAM, THANKS_VALUES, unbound_forms

register = template.Library()


@register.inclusion_tag("includes/reader_feedback.html", takes_context=True)
def reader_feedback(context):
    """Render the vote and problem-report forms for the context's ``article``.

    After a plain-form submission the page is shown again with ``?feedback=yes``,
    ``no`` or ``reported``: the block thanks the reader in place of the form they sent
    (after "No" the report form is open, inviting them to say what was wrong). The
    forms hold nothing per visitor, so the page stays cacheable.
    """
    article = context["article"]
    outcome = context["request"].GET.get(THANKS_PARAM, "")
    if outcome not in THANKS_VALUES:
        outcome = ""
    vote_form, report_form = unbound_forms(article)
    return {
        "article": article,
        "vote_form": vote_form,
        "report_form": report_form,
        "status_message": MESSAGES.get(outcome, ""),
        "voted": outcome in ("yes", "no"),
        "reported": outcome == "reported",
        "report_open": outcome == "no",
    }
