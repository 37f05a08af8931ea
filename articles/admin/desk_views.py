"""The desk's admin pages: scheduled publications by day, in the site's zone, and the
article's preview at phone and desktop widths."""

from itertools import groupby

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override

from ..models import Article
from ..views import ArticleDetailView

#: The widths the preview shows, in CSS pixels: a common phone (390, the iPhone 12 to 15
#: viewport) and a desktop window.
PREVIEW_WIDTHS = (("phone", gettext_lazy("Phone"), 390), ("desktop", gettext_lazy("Desktop"), 1280))


def calendar_view(model_admin, request):
    """``/admin/articles/article/scheduled/``: every scheduled article (published with a
    time still to come), grouped by its day in ``settings.TIME_ZONE``, soonest first."""
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    with timezone.override(settings.TIME_ZONE):
        rows = [
            {"article": article, "local": timezone.localtime(article.published_at)}
            for article in Article.objects.scheduled().select_related("author").order_by("published_at")
        ]
        days = [(day, list(items)) for day, items in groupby(rows, key=lambda row: row["local"].date())]
        context = {
            **model_admin.admin_site.each_context(request),
            "opts": Article._meta,
            "title": _("Scheduled publications"),
            "days": days,
            "zone": settings.TIME_ZONE,
        }
        return TemplateResponse(request, "admin/articles/article/desk_calendar.html", context)


def preview_view(model_admin, request, object_id):
    """The article as readers will see it (its pending changes included), side by side
    at phone and desktop widths, each in a frame of :func:`preview_frame_view`."""
    article = _article_or_404(model_admin, request, object_id)
    if not model_admin.has_view_or_change_permission(request, article):
        raise PermissionDenied
    frame_url = reverse("admin:articles_article_desk_preview_frame", args=[article.pk])
    if article.pending_revision:
        frame_url += "?preview=pending"
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "original": article,
        "title": _("Preview: %(title)s") % {"title": article.title},
        "frame_url": frame_url,
        "widths": PREVIEW_WIDTHS,
        "has_pending": bool(article.pending_revision),
    }
    return TemplateResponse(request, "admin/articles/article/desk_preview.html", context)


def _article_or_404(model_admin, request, object_id):
    # The admin's own lookup: an id that is not a number (or too large) is a 404, not a 500.
    article = model_admin.get_object(request, object_id)
    if article is None:
        raise Http404(_("This article no longer exists."))
    return article


# The public page itself, as the article view renders it, but allowed in a frame of this
# site's own admin (the site's policy otherwise forbids any frame: frame-ancestors 'none').
_framed_detail = xframe_options_sameorigin(
    csp_override({**settings.SECURE_CSP, "frame-ancestors": [CSP.SELF]})(ArticleDetailView.as_view())
)


def preview_frame_view(model_admin, request, object_id):
    """The public article page for ``object_id`` (``?preview=pending`` for its pending
    changes), framable by the admin's preview page only (same origin)."""
    article = _article_or_404(model_admin, request, object_id)
    if not model_admin.has_view_or_change_permission(request, article):
        raise PermissionDenied
    # The preview page says what it shows around the frames; inside them, the page exactly
    # as readers will get it, without the "Preview: not published" banner.
    request.shows_readers_view = True
    return _framed_detail(request, slug=article.slug)
