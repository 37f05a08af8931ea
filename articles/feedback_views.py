"""``/articles/<slug>/feedback/``: where the feedback forms at the end of an article post."""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from modern_csrf.decorators import csrf_protect as fetch_metadata_csrf_protect

from signups import abuse

from . import feedback
from .forms.feedback import THANKS_PARAM, HelpfulForm, form_for, unbound_forms
from .models import Article, SlugRedirect

TEMPLATE = "articles/feedback.html"
MESSAGES = {
    "yes": "Thank you for your feedback.",
    "no": "Thank you. Tell us below what was missing or wrong, so we can improve the page.",
    "reported": "Thank you for your report. An editor reads every one.",
    "failed": "Please check what you entered.",
    "rate_limited": "You have sent a lot of feedback in a short time. Please try again in a minute; "
    "what you typed is still here.",
}


def published_article(slug):
    """The published article at ``slug``, or at its old address ``slug`` (a page opened
    before a slug change posts there); raises ``Http404`` otherwise."""
    articles = Article.objects.published()
    article = articles.filter(slug=slug).first()
    if article is None:
        moved = SlugRedirect.objects.filter(old_slug=slug).values("article_id")
        article = articles.filter(pk__in=moved).first()
    if article is None:
        raise Http404("No published article here.")
    return article


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _answer(request, article, form, *, outcome, status):
    """The error answer for ``form`` (kept as typed): JSON for the page script, else the
    feedback page with the forms, the message for ``outcome`` and the field errors."""
    if _wants_json(request):
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()} if form.is_bound else {}
        return JsonResponse({"ok": False, "message": MESSAGES[outcome], "errors": errors}, status=status)
    vote_form, report_form = unbound_forms(article)
    if isinstance(form, HelpfulForm):
        vote_form = form
    else:
        report_form = form
    context = {
        "article": article,
        "vote_form": vote_form,
        "report_form": report_form,
        "status_message": MESSAGES[outcome],
        "failed": True,
    }
    return render(request, TEMPLATE, context, status=status)


# Like the sign-up: no CSRF token (the forms sit on cached pages), cross-site POSTs are
# refused by Fetch metadata / Origin checks, which need no per-visitor state.
@csrf_exempt
@fetch_metadata_csrf_protect
@require_POST
def article_feedback(request, slug):
    """Record a vote (POST ``helpful``: ``yes``/``no``) or a problem report (POST
    ``message``, optional ``reply_email``) on the published article ``slug`` (or at its
    old address; 404 otherwise).

    A plain form is answered with a redirect to the article with ``?feedback=yes``,
    ``no`` or ``reported`` (the page thanks the reader there); invalid input with the
    feedback page, the errors and what was typed (400); a client over
    ``FEEDBACK_RATE_LIMIT`` likewise with a "try again" note (429). The page script
    gets JSON: ``{"ok": bool, "message": str, "errors": {field: [str]}}``. Feedback
    that looks automated (:func:`signups.abuse.hold_for`) is answered the same and held.
    """
    article = published_article(slug)
    form = form_for(request.POST)
    if abuse.over_rate_limit(request, rate=settings.FEEDBACK_RATE_LIMIT, scope="feedback"):
        # What was typed, shown again without error marks: nothing was wrong with it.
        form = type(form)(initial=request.POST.dict(), auto_id=form.auto_id)
        response = _answer(request, article, form, outcome="rate_limited", status=429)
        response["Retry-After"] = "60"
        return response
    if not form.is_valid():
        return _answer(request, article, form, outcome="failed", status=400)
    data = form.cleaned_data
    kind = form.kind()
    feedback.record_feedback(
        article=article,
        kind=kind,
        shown_version=form.shown_version(article),
        message=data.get("message", ""),
        email=data.get("reply_email", ""),
        hold=form.hold(),
    )
    outcome = data.get("helpful", "reported")
    if _wants_json(request):
        return JsonResponse({"ok": True, "message": MESSAGES[outcome], "outcome": outcome, "errors": {}})
    return HttpResponseRedirect(f"{article.get_absolute_url()}?{THANKS_PARAM}={outcome}#feedback")
