"""``{% signup_form %}``: the newsletter block, for any page (articles include it)."""

from django import template

from ..forms import SignupForm, form_initial, shows_success
from ..models import SignupFormCopy

register = template.Library()


@register.inclusion_tag("includes/signup_form.html", takes_context=True)
def signup_form(context):
    """Render the sign-up block with the admin-edited copy.

    After a plain-form sign-up the page is shown again with ``?signup=thanks``; the
    block then shows the success message and the "check your inbox" copy in place of
    the form. The hidden fields hold nothing per visitor, so the page can be cached.
    """
    request = context["request"]
    copy = SignupFormCopy.load()
    return {
        "copy": copy,
        "form": SignupForm(initial=form_initial(request, copy)),
        "succeeded": shows_success(request),
    }
