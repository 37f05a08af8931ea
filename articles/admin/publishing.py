"""The article list's publishing actions and the change page's "Publish pending changes"
button. Each change goes through ``articles.publishing`` as the signed-in user."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import publishing
from ..models import Article


@admin.action(description=_("Publish selected articles"), permissions=["publish"])
def publish_selected(model_admin, request, queryset):
    """Publish each selected article, applying its pending changes first; one summary.

    Each article's steps share one transaction: when its publication is refused, its
    pending changes stay pending rather than going live on an unpublished article.
    """
    done, skipped = [], []
    for article in queryset.select_related(None):
        if article.status == Article.Status.PUBLISHED and not article.pending_revision:
            skipped.append(_("“%(title)s” is already published") % {"title": article})
            continue
        try:
            with transaction.atomic():
                article = _publish_with_pending(article, request.user)
                model_admin.log_change(request, article, [{"changed": {"fields": [str(_("status"))]}}])
        except ValidationError as error:
            skipped.append(f"“{article}”: {' '.join(error.messages).rstrip('.')}")
            continue
        done.append(article)
    done_message = ngettext("%(count)d article published", "%(count)d articles published", len(done))
    _summarise(model_admin, request, done_message, done, skipped)


def _publish_with_pending(article, user):
    if article.pending_revision:
        article = publishing.publish_pending(article=article, actor=user)
    if article.status != Article.Status.PUBLISHED:
        article = publishing.publish(article=article, actor=user)
    return article


@admin.action(description=_("Archive selected articles"), permissions=["publish"])
def archive_selected(model_admin, request, queryset):
    """Archive each selected article that is not archived yet; one summary."""
    done, skipped = [], []
    for article in queryset.select_related(None):
        if article.status == Article.Status.ARCHIVED:
            skipped.append(_("“%(title)s” is already archived") % {"title": article})
            continue
        publishing.archive(article=article, actor=request.user)
        model_admin.log_change(request, article, [{"changed": {"fields": [str(_("status"))]}}])
        done.append(article)
    done_message = ngettext("%(count)d article archived", "%(count)d articles archived", len(done))
    _summarise(model_admin, request, done_message, done, skipped)


def _summarise(model_admin, request, done_message, done, skipped):
    message = done_message % {"count": len(done)}
    if skipped:
        message += "; " + _("%(count)d skipped: %(reasons)s") % {
            "count": len(skipped),
            "reasons": "; ".join(str(reason) for reason in skipped),
        }
    model_admin.message_user(request, message + ".", messages.SUCCESS if done else messages.WARNING)


def publish_pending_view(model_admin, request, object_id):
    """The change page's "Publish pending changes" button (POST, with the page's version)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not model_admin.has_publish_permission(request):
        raise PermissionDenied
    article = get_object_or_404(Article, pk=object_id)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    if not article.pending_revision:
        model_admin.message_user(request, _("There are no pending changes to publish."), messages.WARNING)
        return redirect(change_url)
    try:
        version = int(request.POST.get("version", ""))
        with transaction.atomic():
            article = publishing.publish_pending(
                article=article, actor=request.user, expected_version=version
            )
            model_admin.log_change(request, article, [{"changed": {"fields": [str(_("pending changes"))]}}])
    except (ValueError, publishing.StaleArticle):
        model_admin.message_user(
            request,
            _(
                "The pending changes were changed after you opened the page; "
                "review them again before publishing."
            ),
            messages.ERROR,
        )
        return redirect(change_url)
    model_admin.message_user(request, _("The pending changes are published."), messages.SUCCESS)
    return redirect(change_url)
