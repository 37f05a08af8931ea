"""Medical review in the admin: the "review due" filter, "Review overdue" and the sign-off button."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .. import publishing
from ..models import Article, Reviewer, SiteSettings
from ..review_dates import due_date, overdue_cutoff


class ReviewDueFilter(admin.SimpleListFilter):
    """Articles needing a medical review, by reason; "due" is all of them (``review_due()``).

    The interval is the site settings' ``review_interval_months``. The filtered list has a
    stable address to bookmark: ``admin:articles_article_review_due`` redirects to it.
    """

    title = _("medical review")
    parameter_name = "review"
    DUE = "due"
    NEEDS_SIGN_OFF = "needs_sign_off"

    def __init__(self, request, params, model, model_admin):
        self.months = SiteSettings.load().review_interval_months
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        months = self.months
        expired = ngettext(
            "Reviewed more than %(months)d month ago", "Reviewed more than %(months)d months ago", months
        )
        return (
            (self.DUE, _("Review due (any reason)")),
            (self.NEEDS_SIGN_OFF, _("Needs a sign-off (never reviewed, changed, or a source flagged since)")),
            ("never", _("Never reviewed")),
            ("changed", _("Changed since review")),
            ("expired", expired % {"months": months}),
            ("sources", _("Cites a source retracted or corrected since review")),
            ("current", _("Reviewed and current")),
        )

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        due = queryset.review_due(self.months)
        if value == self.DUE:
            return due
        if value == self.NEEDS_SIGN_OFF:
            # The admin index's "Needs medical review": what a reviewer can act on now.
            return queryset.needs_sign_off()
        if value == "never":
            return queryset.filter(reviewed_at__isnull=True)
        if value == "changed":
            return queryset.filter(review_outdated=True)
        if value == "expired":
            # Reviewed long ago (the page's own rule, in calendar months), body unchanged since.
            return queryset.filter(reviewed_at__lt=overdue_cutoff(self.months), review_outdated=False)
        if value == "sources":
            return queryset.citing_flagged_sources()
        if value == "current":
            return queryset.exclude(pk__in=due.values("pk"))
        return queryset


class ReviewOverdueMixin:
    """Marks each article of the admin's lists and pages with ``review_overdue``: True when
    its current sign-off is past its due date (``articles.review_dates``), in the query
    itself, so a list costs one query more (the review interval), not one per row."""

    def get_queryset(self, request):
        months = SiteSettings.load().review_interval_months
        request.review_interval_months = months
        overdue = Q(reviewed_at__lt=overdue_cutoff(months), review_outdated=False)
        return (
            super()  # type: ignore[misc]
            .get_queryset(request)
            .annotate(review_overdue=ExpressionWrapper(overdue, output_field=BooleanField()))
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        months = getattr(request, "review_interval_months", None)
        if obj is not None and obj.reviewed_at and not obj.review_outdated and months is not None:
            context["next_review_due"] = due_date(obj.reviewed_at, months)
        return super().render_change_form(request, context, add, change, form_url, obj)  # type: ignore[misc]


def review_state(article):
    """The article's medical review in a few words, for the change list's "Review" column
    ("Review overdue" needs the ``review_overdue`` mark of :class:`ReviewOverdueMixin`)."""
    if article.reviewed_at is None:
        return gettext("Never reviewed")
    if article.review_outdated:
        return gettext("Changed since review")
    when = formats.date_format(timezone.localtime(article.reviewed_at), "DATE_FORMAT")
    if getattr(article, "review_overdue", False):
        return gettext("Review overdue (reviewed %(date)s)") % {"date": when}
    return gettext("Reviewed %(date)s") % {"date": when}


def review_due_url():
    """The address of the article list filtered to the articles due for a medical review."""
    changelist = reverse("admin:articles_article_changelist")
    return f"{changelist}?{ReviewDueFilter.parameter_name}={ReviewDueFilter.DUE}"


def sign_off_review(model_admin, request, object_id):
    """The change page's "Sign off medical review" button.

    Signs off the live article (the body readers see), as it was when the reviewer
    loaded the page: a save or new pending changes since then refuse it. The sign-off
    itself is ``articles.publishing.sign_off_review``, which keeps pending changes pending.
    """
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not model_admin.has_review_permission(request):
        raise PermissionDenied
    change_url = reverse("admin:articles_article_change", args=[object_id])
    reviewer = Reviewer.objects.filter(user_id=request.user.pk).first()
    if reviewer is None:
        model_admin.message_user(
            request,
            _(
                "Your account is not linked to a medical reviewer profile, so you cannot sign "
                "off reviews. Ask an administrator to choose your account as the staff account "
                "of your profile under Medical reviewers."
            ),
            messages.ERROR,
        )
        return redirect(change_url)
    article = get_object_or_404(Article, pk=object_id)
    try:
        version = int(request.POST.get("version", ""))
        with transaction.atomic():
            article = publishing.sign_off_review(
                article=article, reviewer=reviewer, actor=request.user, expected_version=version
            )
            model_admin.log_change(
                request,
                article,
                gettext("Signed off the medical review as %(reviewer)s.") % {"reviewer": reviewer},
            )
    except (ValueError, publishing.StaleArticle):
        model_admin.message_user(
            request,
            _("The article was changed after you opened it; read it again before signing off."),
            messages.ERROR,
        )
        return redirect(change_url)
    model_admin.message_user(
        request,
        _("You signed off the medical review of “%(title)s”.") % {"title": article.title},
        messages.SUCCESS,
    )
    return redirect(change_url)
