"""The sign-up endpoint and the pages behind the emailed links (confirm, unsubscribe)."""

from urllib.parse import urlencode

from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe
from modern_csrf.decorators import csrf_protect as fetch_metadata_csrf_protect

from . import abuse, lifecycle, preferences, tokens
from .forms import HONEYPOT, SignupForm, blank_form
from .models import SignupFormCopy
from .subscribe import subscribe

UNKNOWN_LINK = _(
    "Please check that you copied the whole link from the email. Each of our emails "
    "has a working unsubscribe link at the bottom."
)


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


def _succeeded(request, copy, next_path):
    if wants_json(request):
        return JsonResponse(
            {"ok": True, "message": copy.success_message, "detail": copy.check_inbox_message, "errors": {}}
        )
    # The thanks message has its own, never cached, address: shown on the page the form
    # came from, it would make that page differ by a parameter, and a cache in front could
    # keep one visitor's "thank you" for the next. No #fragment: browsers skip autofocus
    # on a page opened at one (HTML, "flush autofocus candidates"), and the message must
    # take the focus.
    return HttpResponseRedirect(f"{reverse('signups:thanks')}?{urlencode({'next': next_path})}")


def _rate_limited(request, copy):
    if wants_json(request):
        response = JsonResponse(
            {"ok": False, "message": copy.error_message, "detail": copy.rate_limited_message, "errors": {}},
            status=429,
        )
    else:
        form = SignupForm(request.POST)
        fields = form.shown(form.campaign(request))
        context = {"fields": fields, "copy": copy, "failed": True, "rate_limited": True}
        response = render(request, "signups/signup.html", context, status=429)
    response["Retry-After"] = "60"
    return response


# The form sits on pages that are cached for anonymous readers, so it carries no CSRF
# token; cross-site POSTs are refused by Fetch-metadata / Origin checks instead
# (django-modern-csrf), which need no per-visitor state.
@csrf_exempt
@fetch_metadata_csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    """``/signup/``: GET shows the form; POST subscribes.

    POST answers a plain form with a redirect to ``/signup/thanks/`` (the success
    message, and a link back to the page it came from) or, on invalid input, this page
    with the error message, the field's error and the typed value (status 400); a client over
    ``SIGNUP_RATE_LIMIT`` gets the error copy and a "try again" note (status 429). The
    page script gets JSON: ``{"ok": bool, "message": str, "detail": str,
    "errors": {field: [str]}}``. A sign-up that looks automated (trap field filled in,
    sent too fast, timestamp missing, forged or expired) is answered the same and stored
    as held, never emailed until staff release it (see :func:`signups.abuse.hold_for`).
    The visit's UTM parameters come from the page script, else from the ``Referer``
    (:meth:`signups.forms.SignupForm.campaign`).
    """
    copy = SignupFormCopy.load()
    if request.method in ("GET", "HEAD"):
        context = {"fields": blank_form(request.path, copy), "copy": copy}
        return render(request, "signups/signup.html", context)

    if abuse.over_rate_limit(request):
        return _rate_limited(request, copy)
    next_path = safe_next(request, request.POST.get("next"))
    form = SignupForm(request.POST, current_version_id=copy.current_version_id)
    if not form.is_valid():
        if wants_json(request):
            errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
            return JsonResponse(
                {"ok": False, "message": copy.error_message, "detail": "", "errors": errors}, status=400
            )
        context = {"fields": form.shown(form.campaign(request)), "copy": copy, "failed": True}
        return render(request, "signups/signup.html", context, status=400)

    data = form.cleaned_data
    subscribe(
        data["email"],
        data["email_normalized"],
        path=next_path,
        utm=form.campaign(request),
        referrer=data["referrer"],
        copy_version_id=data["copy_version"] or copy.current_version_id,
        hold=abuse.hold_for(data["rendered_at"], data[HONEYPOT]),
    )
    return _succeeded(request, copy, next_path)


# Never cached: reached only by the redirect after a sign-up without JavaScript.
@never_cache
@require_safe
def thanks(request):
    """``/signup/thanks/``: the success message and "check your inbox" copy after a
    sign-up sent without JavaScript, with a link back to ``?next=`` (a path on this site;
    anything else, or the sign-up page itself, gives no link). The same for everyone:
    it says nothing about who signed up."""
    copy = SignupFormCopy.load()
    back = safe_next(request, request.GET.get("next", ""))
    if back == reverse("signups:signup"):
        back = ""
    return render(request, "signups/thanks.html", {"copy": copy, "succeeded": True, "back": back})


def _link_expired(request, copy, *, resend_token="", status=410):
    context = {
        "copy": copy,
        "resend_token": resend_token,
        "fields": blank_form(reverse("signups:signup"), copy),
    }
    return render(request, "signups/link_expired.html", context, status=status)


# Not cached (never_cache): the page depends on the token's state. The POST comes from
# our own page: checked by Fetch metadata / Origin like the sign-up, no cookie needed.
@never_cache
@csrf_exempt
@fetch_metadata_csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """``/signup/confirm/<token>/``: GET shows a "Confirm" button; only POST confirms.

    Mail scanners that follow links only GET, so they confirm nobody. An expired link
    whose subscriber is still pending offers a button that emails a fresh one
    (``action=resend``); a used, replaced or tampered link shows the "link expired"
    copy with the sign-up form, which also sends a fresh email to a pending address.
    """
    copy = SignupFormCopy.load()
    try:
        subscriber = tokens.read_confirmation_token(token)
    except tokens.ExpiredToken as expired:
        if request.method == "POST" and expired.subscriber and request.POST.get("action") == "resend":
            lifecycle.request_confirmation(expired.subscriber)
            context = {"heading": _("Check your inbox"), "text": copy.check_inbox_message}
            return render(request, "signups/message.html", context)
        return _link_expired(request, copy, resend_token=token if expired.subscriber else "")
    except tokens.UsedToken:
        return _link_expired(request, copy)
    except tokens.BadToken:
        return _link_expired(request, copy, status=400)

    if request.method == "POST":
        if lifecycle.confirm(subscriber, subscriber.confirmation_nonce):
            return HttpResponseRedirect(reverse("signups:confirmed"))
        return _link_expired(request, copy)
    return render(request, "signups/confirm.html", {"copy": copy})


def confirmed(request):
    """``/signup/confirmed/``: the "you are subscribed" page, after a confirmation."""
    copy = SignupFormCopy.load()
    return render(
        request, "signups/message.html", {"heading": copy.confirmed_heading, "text": copy.confirmed_text}
    )


# A mail provider's one-click POST (RFC 8058) has neither a CSRF cookie nor a token,
# and comes from no page of ours: the secret token in the URL is what authenticates it.
@never_cache
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """``/signup/unsubscribe/<token>/``: GET shows a button; POST unsubscribes at once.

    The POST is the RFC 8058 one-click target of the ``List-Unsubscribe`` header (its
    body is ``List-Unsubscribe=One-Click``, but any POST to the URL counts) and the
    button's form. Idempotent: a second POST changes nothing and shows the same page.
    An unknown token gets 404 with no hint about who exists.
    """
    copy = SignupFormCopy.load()
    subscriber = tokens.subscriber_for_unsubscribe_token(token)
    if subscriber is None:
        context = {"heading": _("This link is not valid"), "text": UNKNOWN_LINK, "show_signup": True}
        return render(request, "signups/message.html", context, status=404)
    if request.method == "POST":
        lifecycle.unsubscribe(subscriber, note="One-click / link in an email.")
        context = {"heading": copy.unsubscribed_heading, "text": copy.unsubscribed_text, "show_signup": True}
        return render(request, "signups/message.html", context)
    return render(request, "signups/unsubscribe.html", {"copy": copy})


# Never cached: the page shows one person's choices. The POST comes from this page, checked
# by Fetch metadata / Origin like the confirmation; the token in the URL authenticates it.
@never_cache
@csrf_exempt
@fetch_metadata_csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token):
    """``/signup/manage/<token>/``: choose newsletter topics, or unsubscribe.

    ``token`` is the subscriber's unsubscribe token. POST with ``action=unsubscribe``
    unsubscribes (as the unsubscribe link does); any other POST saves the chosen topics
    and shows the page again with a "saved" note. An unknown token gets 404; a topic no
    longer offered gets the form's message (status 400), with the choices kept.
    """
    copy = SignupFormCopy.load()
    subscriber = tokens.subscriber_for_unsubscribe_token(token)
    if subscriber is None:
        context = {"heading": _("This link is not valid"), "text": UNKNOWN_LINK, "show_signup": True}
        return render(request, "signups/message.html", context, status=404)
    if request.method == "POST" and request.POST.get("action") == "unsubscribe":
        lifecycle.unsubscribe(subscriber, note="Manage your subscription page.")
        context = {"heading": copy.unsubscribed_heading, "text": copy.unsubscribed_text, "show_signup": True}
        return render(request, "signups/message.html", context)
    saved = False
    if request.method == "POST":
        form = preferences.PreferencesForm(request.POST)
        if not form.is_valid():
            context = {"form": form, "subscriber": subscriber}
            return render(request, "signups/manage.html", context, status=400)
        preferences.set_topics(subscriber, form.cleaned_data["topics"])
        saved = True
    form = preferences.PreferencesForm(initial={"topics": list(subscriber.topics.all())})
    return render(request, "signups/manage.html", {"form": form, "subscriber": subscriber, "saved": saved})
