"""The sign-up form's answer while the database is down (registered with :mod:`isha.outage`).

Nothing was stored, so the visitor is told so, in copy built into the code (the
admin-edited copy lives in the database), and gets the address they typed back with
everything else the form carried, ready to send again. Never a success.
"""

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _

from isha.outage import unavailable_response

from .forms import SignupForm

COULD_NOT_SAVE = _("We could not save this, please try again.")
COULD_NOT_SAVE_DETAIL = _(
    "Our site could not store your sign-up just now, so nothing was saved. "
    "Please send the form again in a minute."
)
# The form's hidden fields (page, form time, copy version, UTM, referrer) travel back
# unchanged, so sending again is the sign-up the visitor meant; the honeypot does not.
HIDDEN_FIELDS = tuple(name for name, field in SignupForm.base_fields.items() if field.widget.is_hidden)
MAX_VALUE_LENGTH = 1000


def signup_unavailable(request):
    """The answer to a sign-up POST that could not be stored; ``None`` for a GET (the
    site's 503 page). JSON for the page script (``{"ok": false, "message", "detail",
    "errors": {}, "email"}``: the script keeps the form as typed), else the 503 page with
    the message and the form filled in. Status 503 either way."""
    if request.method != "POST":
        return None
    email = request.POST.get("email", "")[:MAX_VALUE_LENGTH]
    if "application/json" in request.headers.get("Accept", ""):
        body = {
            "ok": False,
            "message": str(COULD_NOT_SAVE),
            "detail": str(COULD_NOT_SAVE_DETAIL),
            "errors": {},
            "email": email,
        }
        return JsonResponse(body, status=503)
    hidden = [(name, request.POST.get(name, "")[:MAX_VALUE_LENGTH]) for name in HIDDEN_FIELDS]
    context = {
        "email": email,
        "hidden": [(name, value) for name, value in hidden if value],
        "message": COULD_NOT_SAVE,
        "detail": COULD_NOT_SAVE_DETAIL,
    }
    return unavailable_response("signups/unavailable.html", context)
