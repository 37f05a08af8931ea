"""The sign-up endpoint: validate, record, answer (HTML with redirect, or JSON)."""

from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from modern_csrf.decorators import csrf_protect as fetch_metadata_csrf_protect

from .forms import SignupForm
from .models import SignupFormCopy
from .subscribe import subscribe

SUCCESS_PARAM = "signup"
SUCCESS_VALUE = "thanks"


def wants_json(request):
    """True for the page script's fetch(), which asks for JSON; plain forms get HTML."""
    return "application/json" in request.headers.get("Accept", "")


def safe_next(request, candidate):
    """Return ``candidate`` if it is a path on this site, else the sign-up page's path."""
    if (
        candidate
        and len(candidate) <= 500
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate.split("?", 1)[0].split("#", 1)[0]
    return reverse("signups:signup")


# The form sits on pages that are cached for anonymous readers, so it carries no CSRF
# token; cross-site POSTs are refused by Fetch-metadata / Origin checks instead
# (django-modern-csrf), which need no per-visitor state.
@csrf_exempt
@fetch_metadata_csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    """``/signup/``: GET shows the form; POST subscribes.

    POST answers a plain form with a redirect back to the page it came from (showing
    the success message there) or, on invalid input, this page with the error message,
    the field's error and the typed value (status 400). The page script gets JSON:
    ``{"ok": bool, "message": str, "errors": {field: [str]}}``.
    """
    copy = SignupFormCopy.load()
    if request.method in ("GET", "HEAD"):
        form = SignupForm(initial={"next": request.path})
        succeeded = request.GET.get(SUCCESS_PARAM) == SUCCESS_VALUE
        return render(request, "signups/signup.html", {"form": form, "copy": copy, "succeeded": succeeded})

    form = SignupForm(request.POST)
    if not form.is_valid():
        if wants_json(request):
            errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
            return JsonResponse({"ok": False, "message": copy.error_message, "errors": errors}, status=400)
        return render(
            request, "signups/signup.html", {"form": form, "copy": copy, "failed": True}, status=400
        )

    next_path = safe_next(request, form.cleaned_data.get("next"))
    subscribe(form.cleaned_data["email"], form.cleaned_data["email_normalized"], path=next_path)
    if wants_json(request):
        return JsonResponse({"ok": True, "message": copy.success_message, "errors": {}})
    return HttpResponseRedirect(f"{next_path}?{SUCCESS_PARAM}={SUCCESS_VALUE}#signup")
