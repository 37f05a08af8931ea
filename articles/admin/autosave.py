"""The change page's autosave: its endpoint, its script and the rule that explicit saves
still need a title and an author.

The page (``admin/articles/article/autosave.html``, ``articles/admin/autosave.js``) posts
the form's simple fields every few seconds while they change, and when the page is
hidden, to ``<id>/autosave/`` (``autosave/`` for a new article, which then switches the
page to the article it created). The answer is JSON:

- 200 ``{"saved": true, "id", "version", "pending", "change_url", "autosave_url",
  "message"}``: saved through ``articles.publishing.autosave``;
- 400 ``{"saved": false, "message", "errors": {field: [messages]}}``: bad input (see
  ``articles.forms.autosave`` for what a draft's autosave still refuses); the page then
  keeps the form in the browser, as when the server cannot be reached;
- 403 / 404 ``{"saved": false, "message"}``: not allowed, or no such article;
- 409 ``{"saved": false, "stale": true, "message"}``: someone else saved meanwhile, so
  nothing was overwritten.
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .. import publishing
from ..actors import display_name
from ..forms.autosave import ArticleAutosaveForm
from ..models import Article
from ..revisions import last_change


class AutosaveAdminMixin:
    """Mixed into ``ArticleAdmin``: the autosave URLs, view and script."""

    @property
    def media(self):
        return super().media + forms.Media(
            js=["articles/admin/autosave.js"], css={"all": ["articles/admin/autosave.css"]}
        )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # Only autosaves may leave them empty (the model allows it for their drafts).
        for name in ("title", "author"):
            if name in form.base_fields:
                form.base_fields[name].required = True
        return form

    def get_urls(self):
        view = self.admin_site.admin_view(self.autosave_view)
        return [
            path("autosave/", view, name="articles_article_autosave_new"),
            path("<path:object_id>/autosave/", view, name="articles_article_autosave"),
            *super().get_urls(),
        ]

    def autosave_view(self, request, object_id=None):
        """Save the posted fields of the change page as the editor writes (POST only)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = None
        if object_id is not None:
            obj = self.get_object(request, object_id)
            if obj is None:
                return _refusal(_("This article no longer exists."), 404)
            # The live status and time: an autosave never changes them.
            obj.status = obj.live_status
            obj.published_at = Article.objects.values_list("published_at", flat=True).get(pk=obj.pk)
        allowed = self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        if not allowed:
            return _refusal(_("You may not change this article."), 403)
        if obj is not None and not request.POST.get("version", "").strip():
            return _refusal(_("The page sent no version: reload it before editing."), 400)
        form = ArticleAutosaveForm(request.POST, instance=obj)
        form.user = request.user
        if not form.is_valid():
            return _invalid(form)
        version = form.cleaned_data.get("version")
        try:
            done = publishing.autosave(
                article=form.save(commit=False),
                actor=request.user,
                topics=form.topic_ids(),
                expected_version=version,
            )
        except publishing.StaleArticle:
            return JsonResponse({"saved": False, "stale": True, "message": stale_message(obj)}, status=409)
        except PermissionDenied as denied:
            return _refusal(str(denied), 403)
        except ValidationError as error:
            return _refusal(" ".join(error.messages), 400)
        return JsonResponse(_saved(done))


def stale_message(article: Article | None) -> str:
    """What the page says when someone else saved ``article`` after it was loaded."""
    user, when = last_change(Article.objects.get(pk=article.pk)) if article else (None, None)
    return _(
        "Not saved: %(user)s changed this article at %(when)s, after you opened it. Your text "
        "is still in this page; copy it, then open the article again in a new tab."
    ) % {
        "user": display_name(user),
        "when": formats.date_format(timezone.localtime(when), "TIME_FORMAT")
        if when
        else _("an unknown time"),
    }


def _saved(done: publishing.Autosaved) -> dict:
    article = done.article
    now = formats.date_format(timezone.localtime(), "H:i")
    return {
        "saved": True,
        "id": article.pk,
        "version": article.version,
        "pending": done.pending,
        "change_url": reverse("admin:articles_article_change", args=[article.pk]),
        "autosave_url": reverse("admin:articles_article_autosave", args=[article.pk]),
        "message": (
            _("Saved as pending changes %(time)s") % {"time": now}
            if done.pending
            else _("Saved %(time)s") % {"time": now}
        ),
    }


def _invalid(form: ArticleAutosaveForm) -> JsonResponse:
    errors = form.errors.as_data()
    if any(error.code == "stale" for error in errors.get("__all__", [])):
        message = " ".join(form.non_field_errors())
        return JsonResponse({"saved": False, "stale": True, "message": message}, status=409)
    details = {field: [str(message) for message in messages] for field, messages in form.errors.items()}
    labels = [
        f"{form.fields[field].label if field in form.fields else _('Article')}: {' '.join(messages)}"
        for field, messages in details.items()
    ]
    message = _("Not saved: %(errors)s") % {"errors": " ".join(labels)}
    return JsonResponse({"saved": False, "message": message, "errors": details}, status=400)


def _refusal(message: str, status: int) -> JsonResponse:
    return JsonResponse({"saved": False, "message": message}, status=status)
