"""``{% signup_form %}``: the newsletter block, for any page (articles include it)."""

from django import template

from ..forms import SignupForm
from ..models import SignupFormCopy
from ..views import SUCCESS_PARAM, SUCCESS_VALUE

register = template.Library()


@register.inclusion_tag("includes/signup_form.html", takes_context=True)
def signup_form(context):
    """Render the sign-up block with the admin-edited copy.

    After a plain-form sign-up the page is shown again with ``?signup=thanks``; the
    block then shows the success message in place of the form.
    """
    request = context["request"]
    return {
        "copy": SignupFormCopy.load(),
        "form": SignupForm(initial={"next": request.path}),
        "succeeded": request.GET.get(SUCCESS_PARAM) == SUCCESS_VALUE,
    }
