"""The article admin: writing, roles, pending revisions, history and publishing."""

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from .. import revisions
from ..citations import marker_for
from ..forms import ArticleAdminForm, CitationInlineFormSet, RelatedPendingInlineFormSet
from ..models import Article, Citation, RelatedArticle, Reviewer, UpdateNote
from .review import ReviewDueFilter, review_due_url, review_state, sign_off_review

CITE_HELP = _(
    "To cite a source in the body, attach it here and type its marker, e.g. [cite:12], "
    "where the claim is; the marker shows once the row is saved, and in the source "
    "library. Readers see numbered sources in order of first citation, then the rest in "
    "this order. A body citing a source not attached here is not saved."
)


class CitationInline(admin.TabularInline):
    model = Citation
    formset = CitationInlineFormSet
    extra = 0
    fields = ("position", "source", "marker")
    readonly_fields = ("marker",)
    autocomplete_fields = ("source",)
    verbose_name = _("source")
    verbose_name_plural = _("sources (in order; cite one in the body with its [cite:N] marker)")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "source":
            kwargs["help_text"] = CITE_HELP
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        # Each row prints its citation, which names the article and the source.
        return super().get_queryset(request).select_related("article", "source")

    @admin.display(description=_("marker to paste in the body"))
    def marker(self, obj):
        return marker_for(obj.source_id) if obj.source_id else "–"


class RelatedArticleInline(admin.TabularInline):
    model = RelatedArticle
    formset = RelatedPendingInlineFormSet
    fk_name = "from_article"
    extra = 0
    fields = ("position", "to_article")
    autocomplete_fields = ("to_article",)
    verbose_name = _("related article")
    verbose_name_plural = _("related articles (in order)")

    def get_queryset(self, request):
        # Each row prints its pick, which names both articles.
        return super().get_queryset(request).select_related("from_article", "to_article")


class UpdateNoteInline(admin.TabularInline):
    """Dated notes readers see as the change history.

    On a live article only publishers edit them: an editor's other changes wait as a
    pending revision, and a note announcing them must not go out before they do.
    """

    model = UpdateNote
    extra = 0
    fields = ("date", "text", "is_correction")

    def _editable(self, request, obj):
        live = obj is not None and obj.status == Article.Status.PUBLISHED
        return not live or request.user.has_perm("articles.publish_article")

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_delete_permission(request, obj)


class ArticleHistoryHelper(HistoricalRecordContextHelper):
    """Adds a line diff of the body to the history page's list of changes."""

    def context_for_delta_changes(self, delta):
        context = super().context_for_delta_changes(delta)
        for item, change in zip(context, delta.changes):
            if change.field == "body":
                item["diff"] = revisions.html_diff(change.old, change.new)
        return context


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
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
    autocomplete_fields = ("author",)
    readonly_fields = ("created_at", "modified_at", "webflow_item_id", "imported_at")
    inlines = (CitationInline, RelatedArticleInline, UpdateNoteInline)
    actions = ("publish_selected", "archive_selected")
    history_list_display = ("status",)
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "author", "body", "version")}),
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
        if getattr(request, "_article_reverting", False) and obj is not None:
            # The restore form saves without the inlines, so the attached sources stay.
            form.attached_source_ids = list(
                Citation.objects.filter(article_id=obj.pk).values_list("source_id", flat=True)
            )
        return form

    # Pending revisions

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and obj.pending_revision:
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
        if change and getattr(form, "keeps_pending", False):
            obj._stored_as_pending = True
            if getattr(request, "_article_reverting", False):
                # The history's revert form has no inlines: keep the live ones.
                revisions.store_pending(
                    obj,
                    self._pending_field_values(form, obj),
                    list(obj.citations.values("id", "position", "source")),
                    list(
                        obj.related_links.order_by("position", "pk").values_list("to_article_id", flat=True)
                    ),
                    request.user,
                )
            return
        if change and not hasattr(obj, "_loaded_slug"):
            # An older revision from the history: remember the live slug for the redirect.
            obj._loaded_slug, obj._loaded_status = (
                Article.objects.filter(pk=obj.pk).values_list("slug", "status").get()
            )
        _commit_files(obj)
        # The form showed any pending changes, so a direct save includes (and ends) them.
        obj.pending_revision = None
        obj.pending_revision_by = None
        obj.pending_revision_at = None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        if not getattr(obj, "_stored_as_pending", False):
            return super().save_related(request, form, formsets, change)
        by_model = {formset.model: formset for formset in formsets}
        citations = [
            {key: row.get(key) for key in ("id", "position", "source")}
            for row in by_model[Citation].kept_rows()
        ]
        related = [row["to_article"].pk for row in by_model[RelatedArticle].kept_rows()]
        revisions.store_pending(obj, self._pending_field_values(form, obj), citations, related, request.user)

    @staticmethod
    def _pending_field_values(form, obj):
        return {
            field.name: field.value_from_object(obj)
            for field in Article._meta.concrete_fields
            if field.name in form.fields
        }

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

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Restoring a revision is a save like any other: the same roles and stale check.
        request._article_reverting = True
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return ArticleHistoryHelper(self.model, historical_record)

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
        return _publish_pending(self, request, object_id)

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
            live_slug = getattr(obj, "_loaded_slug", None) or obj.slug
            preview_url = reverse("articles:detail", kwargs={"slug": live_slug})
            if obj.pending_revision:
                preview_url += "?preview=pending"
            context.update(
                preview_url=preview_url,
                pending_by=revisions.display_name(obj.pending_revision_by) if obj.pending_revision else "",
                pending_at=obj.pending_revision_at,
                has_pending=bool(obj.pending_revision),
                can_publish=self.has_publish_permission(request),
                is_live_for_editor=(
                    getattr(obj, "_loaded_status", obj.status) == Article.Status.PUBLISHED
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

    # Bulk actions

    @admin.action(description=_("Publish selected articles"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        done, skipped = [], []
        for article in queryset.select_related(None):
            if article.pending_revision:
                article = revisions.apply_pending(article, request.user)
            elif article.status == Article.Status.PUBLISHED:
                skipped.append(_("“%(title)s” is already published") % {"title": article})
                continue
            if article.status != Article.Status.PUBLISHED:
                article.status = Article.Status.PUBLISHED
                try:
                    article.clean()
                except ValidationError as error:
                    skipped.append(f"“{article}”: {' '.join(error.messages).rstrip('.')}")
                    continue
                article._history_user = request.user
                article.save()
            self.log_change(request, article, [{"changed": {"fields": [str(_("status"))]}}])
            done.append(article)
        done_message = ngettext("%(count)d article published", "%(count)d articles published", len(done))
        self._summarise(request, done_message, done, skipped)

    @admin.action(description=_("Archive selected articles"), permissions=["publish"])
    def archive_selected(self, request, queryset):
        done, skipped = [], []
        for article in queryset.select_related(None):
            if article.status == Article.Status.ARCHIVED:
                skipped.append(_("“%(title)s” is already archived") % {"title": article})
                continue
            article.status = Article.Status.ARCHIVED
            article._history_user = request.user
            article.save()
            self.log_change(request, article, [{"changed": {"fields": [str(_("status"))]}}])
            done.append(article)
        done_message = ngettext("%(count)d article archived", "%(count)d articles archived", len(done))
        self._summarise(request, done_message, done, skipped)

    def _summarise(self, request, done_message, done, skipped):
        message = done_message % {"count": len(done)}
        if skipped:
            message += "; " + _("%(count)d skipped: %(reasons)s") % {
                "count": len(skipped),
                "reasons": "; ".join(str(reason) for reason in skipped),
            }
        self.message_user(request, message + ".", messages.SUCCESS if done else messages.WARNING)


def _commit_files(article):
    """Store new uploads before ``save()``: its renditions are made from the stored file."""
    for name in ("hero_image", "thumbnail"):
        file = getattr(article, name)
        if file and not file._committed:
            file.save(file.name, file.file, save=False)


def _publish_pending(model_admin, request, object_id):
    """The change page's "Publish pending changes" button."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not model_admin.has_publish_permission(request):
        raise PermissionDenied
    article = get_object_or_404(Article, pk=object_id)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    if not article.pending_revision:
        model_admin.message_user(request, _("There are no pending changes to publish."), messages.WARNING)
        return redirect(change_url)
    if request.POST.get("version") != str(article.version):
        model_admin.message_user(
            request,
            _(
                "The pending changes were changed after you opened the page; "
                "review them again before publishing."
            ),
            messages.ERROR,
        )
        return redirect(change_url)
    with transaction.atomic():
        article = revisions.apply_pending(article, request.user)
        model_admin.log_change(request, article, [{"changed": {"fields": [str(_("pending changes"))]}}])
    model_admin.message_user(request, _("The pending changes are published."), messages.SUCCESS)
    return redirect(change_url)
