"""The article admin: writing, roles, pending changes, history and the change page's buttons.

Every save and state change goes through ``articles.publishing`` as the signed-in user;
the actions and the "Publish pending changes" button are in ``.publishing``, the inlines in
``.article_inlines`` and the medical review in ``.review``.
"""

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .. import publishing, revisions
from ..actors import display_name
from ..forms import ArticleAdminForm
from ..models import Article, Citation, RelatedArticle, Reviewer
from .article_inlines import CitationInline, RelatedArticleInline, UpdateNoteInline
from .autosave import AutosaveAdminMixin
from .checks import EditorialChecksMixin
from .citation_picker import CitationPickerMixin
from .desk import DeskMixin
from .feedback import FeedbackCountsMixin
from .history import ArticleHistoryMixin
from .publishing import archive_selected, publish_pending_view, publish_selected
from .review import ReviewDueFilter, ReviewOverdueMixin, review_due_url, review_state, sign_off_review
from .seo import ArticleSeoAdminMixin
from .topics import ArticleTopicsMixin


@admin.register(Article)
# DeskMixin comes last: its get_form() subclasses the form, which makes the model's fields
# anew, so the mixins before it (required title and author, SEO placeholders) change the
# final class.
class ArticleAdmin(
    ReviewOverdueMixin,
    AutosaveAdminMixin,
    CitationPickerMixin,
    EditorialChecksMixin,
    FeedbackCountsMixin,
    ArticleSeoAdminMixin,
    ArticleTopicsMixin,
    DeskMixin,
    ArticleHistoryMixin,
    SimpleHistoryAdmin,
):
    """Articles, with roles (Editors write, Publishers publish), pending revisions and history.

    An Editor's save of a published article becomes a pending revision (see
    ``articles.revisions``); a Publisher's save, the "Publish pending changes" button
    or the publish action make it live.
    """

    form = ArticleAdminForm
    object_history_list_template = "admin/articles/article/object_history_list.html"
    list_display = (
        "title",
        "status",
        "author",
        "published_at",
        "updated_on",
        "modified_at",
        "featured",
        "has_pending",
        "review_state",
    )
    list_filter = ("status", ReviewDueFilter, "featured", "needs_editor_attention", "author")
    list_select_related = ("author", "reviewed_by")
    search_fields = ("title", "summary", "slug")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("author", "topics")
    readonly_fields = ("created_at", "modified_at", "webflow_item_id", "imported_at")
    inlines = (CitationInline, RelatedArticleInline, UpdateNoteInline)
    actions = (publish_selected, archive_selected)
    history_list_display = ("status",)
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "author", "topics", "body", "version")}),
        (_("Images"), {"fields": ("hero_image", "hero_image_alt", "hero_image_decorative", "thumbnail")}),
        (
            _("Publishing"),
            {"fields": ("status", "published_at", "published_on", "updated_on", "featured")},
        ),
        (
            _("Advanced"),
            {
                "classes": ("collapse",),
                "fields": (
                    "learn_more_url",
                    "needs_editor_attention",
                    "webflow_item_id",
                    "imported_at",
                    "created_at",
                    "modified_at",
                ),
            },
        ),
    )

    @admin.display(boolean=True, description=_("pending changes"), ordering="pending_revision_at")
    def has_pending(self, obj):
        return obj.pending_revision_at is not None

    @admin.display(description=_("Review"), ordering="reviewed_at")
    def review_state(self, obj):
        return review_state(obj)

    # Roles

    def has_publish_permission(self, request):
        return request.user.has_perm("articles.publish_article")

    def has_delete_permission(self, request, obj=None):
        # Deleting a published or archived article unpublishes it: publishers only.
        if (
            obj is not None
            and obj.status in Article.Status.publishing()
            and not self.has_publish_permission(request)
        ):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        publishing.delete(article=obj, actor=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        """The bulk delete: each article through ``publishing.delete``, all or none."""
        for article in queryset.select_related(None):
            publishing.delete(article=article, actor=request.user)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if not self.has_publish_permission(request):
            # The bulk delete cannot tell live articles apart; editors delete drafts one by one.
            actions.pop("delete_selected", None)
        return actions

    def has_review_permission(self, request):
        return request.user.has_perm("articles.review_article")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        if getattr(request, "_article_revision", None) and obj is not None:
            # The restore form saves without the inlines, so the attached sources stay.
            form.attached_source_ids = list(
                Citation.objects.filter(article_id=obj.pk).values_list("source_id", flat=True)
            )
        return form

    # Pending changes

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # What readers see now, whatever the form shows.
            obj.live_slug, obj.live_status = obj.slug, obj.status
            if obj.pending_revision:
                # The form shows (and a save starts from) the pending version, not the live one.
                revisions.load_pending_fields(obj)
        return obj

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if request.method != "POST" and obj is not None and obj.pending_revision:
            rows = revisions.pending_rows(obj)
            pending_rows = {Citation: rows["citations"], RelatedArticle: rows["related"]}
            if inline.model in pending_rows:
                kwargs["pending"] = pending_rows[inline.model]
        return kwargs

    def save_model(self, request, obj, form, change):
        """Save through ``articles.publishing``: a restored revision, or the status change
        the form carries. Changes that wait for a publisher are stored with the inlines,
        in :meth:`save_related`."""
        revision_id = getattr(request, "_article_revision", None)
        if revision_id:
            saved = publishing.restore_revision(
                revision=Article.history.get(history_id=revision_id),
                edited=obj,
                actor=request.user,
                fields=form.fields,
                expected_version=form.cleaned_data.get("version"),
            )
            obj._stored_as_pending = saved is publishing.Saved.PENDING
            return
        if change and form.keeps_pending:
            obj._stored_as_pending = True
            return
        # The form showed any pending changes, so a direct save includes (and ends) them.
        obj.pending_revision = obj.pending_revision_by = obj.pending_revision_at = None
        publishing.save_changes(
            article=obj, actor=request.user, expected_version=form.cleaned_data.get("version")
        )

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        if not getattr(obj, "_stored_as_pending", False):
            return super().save_related(request, form, formsets, change)
        if getattr(request, "_article_revision", None):
            return None  # restore_revision kept the live inlines
        by_model = {formset.model: formset for formset in formsets}
        citations = [
            {key: row.get(key) for key in ("id", "position", "source")}
            for row in by_model[Citation].kept_rows()
        ]
        related = [row["to_article"].pk for row in by_model[RelatedArticle].kept_rows()]
        publishing.save_draft(
            article=obj,
            actor=request.user,
            fields=form.fields,
            citations=citations,
            related=related,
            topics=form.topic_ids(),
            expected_version=form.cleaned_data.get("version"),
        )
        return None

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(form.instance, "_stored_as_pending", False):
            # The inlines were not saved, so they have nothing to report.
            message = super().construct_change_message(request, form, [], add)
            return [{"changed": {"fields": [str(_("pending changes"))]}}, *message]
        return super().construct_change_message(request, form, formsets, add)

    def response_change(self, request, obj):
        if getattr(obj, "_stored_as_pending", False):
            self.message_user(
                request,
                _("Your changes are saved as pending changes; a publisher must publish them."),
                messages.WARNING,
            )
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        return super().response_change(request, obj)

    def get_urls(self):
        return [
            path(
                "review-due/",
                self.admin_site.admin_view(self.review_due_view),
                name="articles_article_review_due",
            ),
            path(
                "<path:object_id>/publish-pending/",
                self.admin_site.admin_view(self.publish_pending_view),
                name="articles_article_publish_pending",
            ),
            path(
                "<path:object_id>/sign-off-review/",
                self.admin_site.admin_view(self.sign_off_review_view),
                name="articles_article_sign_off_review",
            ),
            *super().get_urls(),
        ]

    def publish_pending_view(self, request, object_id):
        return publish_pending_view(self, request, object_id)

    def sign_off_review_view(self, request, object_id):
        return sign_off_review(self, request, object_id)

    def review_due_view(self, request):
        """A bookmarkable address for the articles due for a medical review."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return redirect(review_due_url())

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "review_due_url": review_due_url()}
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            live_slug = getattr(obj, "live_slug", obj.slug)
            preview_url = reverse("articles:detail", kwargs={"slug": live_slug})
            if obj.pending_revision:
                preview_url += "?preview=pending"
            context.update(
                preview_url=preview_url,
                pending_by=display_name(obj.pending_revision_by) if obj.pending_revision else "",
                pending_at=obj.pending_revision_at,
                has_pending=bool(obj.pending_revision),
                can_publish=self.has_publish_permission(request),
                is_live_for_editor=(
                    getattr(obj, "live_status", obj.status) == Article.Status.PUBLISHED
                    and not self.has_publish_permission(request)
                ),
                publish_pending_url=reverse("admin:articles_article_publish_pending", args=[obj.pk]),
                can_review=self.has_review_permission(request),
                reviewer_profile=Reviewer.objects.filter(user_id=request.user.pk).first(),
                sign_off_url=reverse("admin:articles_article_sign_off_review", args=[obj.pk]),
                # The form shows the pending body; a sign-off reviews the live one readers see.
                pending_body_differs=bool(obj.pending_revision)
                and Article.objects.filter(pk=obj.pk).values_list("body", flat=True).first() != obj.body,
                live_url=reverse("articles:detail", kwargs={"slug": live_slug}),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)
