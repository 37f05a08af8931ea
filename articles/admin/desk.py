"""The editorial desk on the article's change page: the action bar's moves, the
scheduled-publications calendar and the phone/desktop preview.

The action bar's buttons submit the change form itself (``_desk``), so the editor's
unsaved edits are saved with the move, in the admin's one transaction, through the same
stale-save protection; the move then goes through ``articles.workflow`` (the publishing
service), and a refusal is a form error before anything is saved.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import publishing, workflow
from ..actors import display_name
from ..forms.desk import DeskFormMixin
from ..models import Article
from ..workflow import Move, State
from .desk_views import calendar_view, preview_frame_view, preview_view

DONE = {
    Move.SAVE: gettext_lazy("Saved."),
    Move.SUBMIT: gettext_lazy("Submitted for review: a publisher will publish it."),
    Move.PUBLISH: gettext_lazy("Published: readers see it now."),
    Move.SCHEDULE: gettext_lazy("Scheduled for %(when)s."),
    Move.PUBLISH_PENDING: gettext_lazy("The pending changes are published."),
    Move.UNPUBLISH: gettext_lazy("Unpublished: back to draft."),
    Move.ARCHIVE: gettext_lazy("Archived."),
    Move.BACK_TO_DRAFT: gettext_lazy("Back to draft."),
    Move.UNSCHEDULE: gettext_lazy("Unscheduled: back to draft."),
}


def local_time(value):
    """``value`` (aware) as the site's zone shows it, e.g. "Dec. 6, 2026, 9 a.m. (Europe/London)"."""
    with timezone.override(settings.TIME_ZONE):
        shown = formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return f"{shown} ({settings.TIME_ZONE})"


class DeskMixin:
    """For ``ArticleAdmin``: the action bar (context, moves) and the desk's own views."""

    @property
    def media(self):
        return super().media + forms.Media(css={"all": ["articles/admin/desk.css"]})

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)
        form = type(base.__name__, (DeskFormMixin, base), {})
        # The action bar moves the article: the status and publication time stay in the
        # form as stored (hidden), so a plain save keeps them and nothing offers a second
        # way to publish.
        hidden = {"status": forms.HiddenInput, "published_at": forms.SplitHiddenDateTimeWidget}
        for name, widget in hidden.items():
            if name in form.base_fields:
                form.base_fields[name].widget = widget()
        return form

    def save_model(self, request, obj, form, change):
        if form.desk_move is not None:
            # The move decides the status, not the form's status field.
            stored = form.stored or {}
            obj.status = stored.get("status", Article.Status.DRAFT)
            if stored.get("status") == Article.Status.PUBLISHED:
                obj.published_at = stored["published_at"]
        return super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        result = super().save_related(request, form, formsets, change)
        obj, stored = form.instance, form.stored or {}
        was_scheduled = stored.get("status") == Article.Status.PUBLISHED and (
            stored.get("published_at") and stored["published_at"] > timezone.now()
        )
        if was_scheduled and Article.objects.filter(pk=obj.pk, status=Article.Status.DRAFT).exists():
            self.message_user(
                request,
                _(
                    "The body of this scheduled article changed, so it is back in Draft; "
                    "a publisher must schedule it again."
                ),
                messages.WARNING,
            )
            return result
        if form.desk_move not in (None, Move.SAVE):
            self._make_move(request, form)
        return result

    def _make_move(self, request, form):
        move, article = form.desk_move, Article.objects.get(pk=form.instance.pk)
        if move == Move.PUBLISH_PENDING and not article.pending_revision:
            # A publisher's save of the form, which shows the pending changes, made them live.
            self.message_user(request, DONE[move], messages.SUCCESS)
            return
        try:
            with transaction.atomic():
                article = workflow.perform(
                    move, article=article, actor=request.user, at=form.desk_at, note=form.desk_note
                )
        except (PermissionDenied, ValidationError, ValueError, publishing.StaleArticle) as error:
            reason = " ".join(getattr(error, "messages", [str(error)]))
            self.message_user(
                request,
                _("Your edits are saved, but “%(move)s” was refused: %(reason)s")
                % {"move": move.label, "reason": reason},
                messages.ERROR,
            )
            return
        done = (
            DONE[move] % {"when": local_time(article.published_at)} if move == Move.SCHEDULE else DONE[move]
        )
        self.message_user(request, done, messages.SUCCESS)
        request._desk_moved = True

    def response_change(self, request, obj):
        if request.POST.get("_desk"):
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if request.POST.get("_desk"):
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        stored = Article.objects.filter(pk=obj.pk).first() if obj is not None and obj.pk else None
        context.update(desk=self.desk_context(request, stored, context["adminform"].form))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def desk_context(self, request, stored, form):
        """What the action bar shows for ``stored`` (``None`` for a new article)."""
        state = workflow.state_of(stored) if stored else State.DRAFT
        readers_see = workflow.READERS_SEE[state]
        if state == State.SCHEDULED:
            readers_see = readers_see % {"when": local_time(stored.published_at)}
        note = sent_back = None
        if stored and stored.status == Article.Status.DRAFT and stored.draft_note:
            note = stored.draft_note
            record = stored.history.filter(draft_note=note).order_by("history_date").first()
            sent_back = record and {
                "by": display_name(record.history_user),
                "at": local_time(record.history_date),
            }
        return {
            "state": state,
            "readers_see": readers_see,
            "moves": workflow.moves_for(state, request.user),
            "Move": {move.name: move.value for move in Move},
            "labels": {move.value: move.label for move in Move},
            "note": note,
            "sent_back": sent_back,
            "zone": settings.TIME_ZONE,
            "errors": getattr(form, "desk_errors", []),
            "at_value": form.data.get("desk_at", "") if form.is_bound else "",
            "note_value": form.data.get("desk_note", "") if form.is_bound else "",
            "preview_url": stored and reverse("admin:articles_article_desk_preview", args=[stored.pk]),
            "calendar_url": reverse("admin:articles_article_scheduled"),
        }

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("scheduled/", view(self._calendar), name="articles_article_scheduled"),
            path("<path:object_id>/desk-preview/", view(self._preview), name="articles_article_desk_preview"),
            path(
                "<path:object_id>/desk-preview/frame/",
                view(self._preview_frame),
                name="articles_article_desk_preview_frame",
            ),
            *super().get_urls(),
        ]

    def _calendar(self, request):
        return calendar_view(self, request)

    def _preview(self, request, object_id):
        return preview_view(self, request, object_id)

    def _preview_frame(self, request, object_id):
        return preview_frame_view(self, request, object_id)
