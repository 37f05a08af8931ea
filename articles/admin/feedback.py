"""Reader feedback in the admin: the editors' queue, and the counts in the article list.

Readers add feedback on the site, so nobody adds it here. Editors resolve a report
(optionally choosing the correction note it led to) and release held feedback that a
person sent; every change goes through :mod:`articles.feedback` as the signed-in user.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import feedback
from ..models import ReaderFeedback, UpdateNote
from ..models.feedback import feedback_counts


class FeedbackStateFilter(admin.SimpleListFilter):
    """Open and resolved reports, votes, and feedback held as possibly automated."""

    title = _("state")
    parameter_name = "state"
    QUERIES = {
        "open": Q(kind=ReaderFeedback.Kind.PROBLEM, resolved_at__isnull=True, held_reason=""),
        "resolved": Q(kind=ReaderFeedback.Kind.PROBLEM, resolved_at__isnull=False, held_reason=""),
        "votes": ~Q(kind=ReaderFeedback.Kind.PROBLEM) & Q(held_reason=""),
        "held": ~Q(held_reason=""),
    }

    def lookups(self, request, model_admin):
        return [
            ("open", _("Open reports")),
            ("resolved", _("Resolved reports")),
            ("votes", _("Helpful votes")),
            ("held", _("Held (looked automated)")),
        ]

    def queryset(self, request, queryset):
        query = self.QUERIES.get(self.value() or "")
        return queryset.filter(query) if query is not None else queryset


class ReaderFeedbackAdminForm(forms.ModelForm):
    """Resolution only: the "resolved" box and the correction note, one of this article's."""

    resolved = forms.BooleanField(
        label=_("resolved"),
        required=False,
        help_text=_("Tick once the report is dealt with (fixed, answered, or nothing to change)."),
    )

    class Meta:
        model = ReaderFeedback
        fields = ("correction_note",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resolved"].initial = self.instance.resolved_at is not None
        notes = UpdateNote.objects.filter(article_id=self.instance.article_id)
        self.fields["correction_note"].queryset = notes


@admin.register(ReaderFeedback)
class ReaderFeedbackAdmin(admin.ModelAdmin):
    """The feedback queue: newest first, filtered by state, kind and article."""

    form = ReaderFeedbackAdminForm
    list_display = ("excerpt", "article", "kind", "state", "created_at")
    list_filter = (FeedbackStateFilter, "kind", ("article", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("article",)
    search_fields = ("message", "email", "article__title")
    date_hierarchy = "created_at"
    actions = ("resolve_selected", "release_selected")
    readonly_fields = (
        "article_link",
        "kind",
        "message",
        "email",
        "article_version",
        "created_at",
        "held_reason",
        "held_note",
        "resolved_at",
        "resolved_by",
        "add_correction_note",
    )
    fieldsets = (
        (
            _("What the reader sent"),
            {"fields": ("article_link", "kind", "message", "email", "article_version")},
        ),
        (_("Bot check"), {"fields": ("created_at", "held_reason", "held_note")}),
        (
            _("Resolution"),
            {"fields": ("resolved", "correction_note", "add_correction_note", "resolved_at", "resolved_by")},
        ),
    )

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("feedback"))
    def excerpt(self, obj):
        if not obj.message:
            return obj.get_kind_display()
        return obj.message[:100] + ("…" if len(obj.message) > 100 else "")

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.held_reason:
            return _("Held: %(reason)s") % {"reason": obj.get_held_reason_display()}
        if obj.kind != ReaderFeedback.Kind.PROBLEM:
            return "-"
        return _("Resolved") if obj.resolved_at else _("Open")

    @admin.display(description=_("article"))
    def article_link(self, obj):
        change = reverse("admin:articles_article_change", args=[obj.article_id])
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">{}</a>)',
            change,
            obj.article,
            obj.article.get_absolute_url(),
            _("on the site"),
        )

    @admin.display(description=_("new correction note"))
    def add_correction_note(self, obj):
        change = reverse("admin:articles_article_change", args=[obj.article_id])
        return format_html(
            '<a href="{}#update_notes-group">{}</a>',
            change,
            _("Add an update note (tick “correction”) on the article's page, then choose it here."),
        )

    def save_model(self, request, obj, form, change):
        note = form.cleaned_data.get("correction_note")
        if form.cleaned_data["resolved"]:
            feedback.resolve(feedback=obj, actor=request.user, correction_note=note)
            return
        if obj.resolved_at is not None:
            feedback.reopen(feedback=obj, actor=request.user)
        obj.save(update_fields=["correction_note"])

    @admin.action(description=_("Mark selected reports resolved"), permissions=["change"])
    def resolve_selected(self, request, queryset):
        rows = list(queryset.filter(resolved_at__isnull=True))
        for row in rows:
            feedback.resolve(feedback=row, actor=request.user, correction_note=row.correction_note)
        message = ngettext("%d item marked resolved.", "%d items marked resolved.", len(rows))
        self.message_user(request, message % len(rows), messages.SUCCESS)

    @admin.action(description=_("Release selected: sent by a person, count it"), permissions=["change"])
    def release_selected(self, request, queryset):
        rows = list(queryset.exclude(held_reason=""))
        for row in rows:
            feedback.release(feedback=row, actor=request.user)
        message = ngettext("%d item released.", "%d items released.", len(rows))
        self.message_user(request, message % len(rows), messages.SUCCESS)


def queue_url(article_id, state):
    """The feedback queue filtered to one article and ``state`` (see :class:`FeedbackStateFilter`)."""
    query = urlencode({"article__id__exact": article_id, "state": state})
    return f"{reverse('admin:articles_readerfeedback_changelist')}?{query}"


class FeedbackCountsMixin:
    """Mixed into ``ArticleAdmin``: "Helpful" (yes and no votes) and "Open reports"
    columns in the article list, each linking to that article's feedback in the queue."""

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(**feedback_counts())

    def get_list_display(self, request):
        return (*super().get_list_display(request), "helpful_votes", "open_reports")

    @admin.display(description=_("helpful"), ordering="helpful_no")
    def helpful_votes(self, obj):
        if not (obj.helpful_yes or obj.helpful_no):
            return "-"
        label = _("%(yes)d yes, %(no)d no") % {"yes": obj.helpful_yes, "no": obj.helpful_no}
        return format_html('<a href="{}">{}</a>', queue_url(obj.pk, "votes"), label)

    @admin.display(description=_("open reports"), ordering="open_reports")
    def open_reports(self, obj):
        if not obj.open_reports:
            return "0"
        return format_html('<a href="{}">{}</a>', queue_url(obj.pk, "open"), obj.open_reports)
