"""``{% signup_form %}``: the newsletter block, for any page (articles include it)."""

from django import template

from ..forms import blank_form
from ..models import SignupFormCopy

register = template.Library()


@register.inclusion_tag("includes/signup_form.html", takes_context=True)
def signup_form(context):
    """Render the sign-up block with the admin-edited copy.

    The form holds nothing per visitor (see :func:`signups.forms.blank_form`), so the
    page can be cached and shared; after a sign-up without JavaScript the visitor is
    sent to ``/signup/thanks/``, so no page here ever shows someone's success message.
    """
    copy = SignupFormCopy.load_shared()  # read once per process while unchanged
    return {"copy": copy, "fields": blank_form(context["request"].path, copy)}
