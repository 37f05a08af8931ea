"""The admin for Marketing: subscribers with their history, the form's copy; logs in admin_logs."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from isha.singletons import SingletonModelAdmin

from . import (
    admin_retention,  # noqa: F401  (registers the retention admin)
    erasure,
    lifecycle,
)
from .addresses import validate_address
from .admin_changes import ChangeExportAdminMixin
from .admin_export import ExportAdminMixin
from .admin_list import EstimatedCountPaginator, SourceArticleFilter, search_subscribers
from .admin_logs import ReadOnlyAdminMixin
from .admin_times import SafeChangeList, SafeDateFieldListFilter, time_column
from .models import SignupEvent, SignupFormCopy, SignupFormCopyVersion, Subscriber

Status = Subscriber.Status


class SignupEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    """A subscriber's history, newest first: sign-ups, emails, status changes."""

    model = SignupEvent
    created_at_shown = time_column("created_at", _("time"))
    fields = (
        "created_at_shown",
        "kind",
        "note",
        "path",
        "article",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "referrer",
        "copy_version",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        # Each row prints the event (its subscriber) and links its article and copy version.
        return super().get_queryset(request).select_related("subscriber", "article", "copy_version")


class SubscriberAdminForm(forms.ModelForm):
    """Keeps ``email_normalized`` in step with an edited address.

    The address must pass the list's rules (:func:`signups.addresses.validate_address`,
    like the sign-up form and the importer). The database's case-insensitive unique
    constraint is on ``email_normalized``, which the form does not show, so model
    validation would skip it; checking here turns a duplicate into a field error instead
    of an IntegrityError.
    """

    class Meta:
        model = Subscriber
        fields = ("email", "first_name", "last_name")

    def clean_email(self):
        email = self.cleaned_data["email"]
        normalized = validate_address(email)
        others = Subscriber.objects.filter(email_normalized__iexact=normalized)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(_("This address is already on the list."), code="unique")
        self.instance.email_normalized = normalized
        return email


@admin.register(Subscriber)
class SubscriberAdmin(ChangeExportAdminMixin, ExportAdminMixin, admin.ModelAdmin):
    form = SubscriberAdminForm
    # Times through admin_times, so a time the site's zone cannot hold never fails a page.
    created_at_shown = time_column("created_at", _("signed up"))
    confirmed_at_shown = time_column("confirmed_at", _("confirmed"))
    unsubscribed_at_shown = time_column("unsubscribed_at", _("unsubscribed"))
    email_status_at_shown = time_column("email_status_at", _("last email time"))
    list_display = (
        "email",
        "status",
        "created_at_shown",
        "confirmed_at_shown",
        "source_path",
        "source_article",
        "email_status",
    )
    list_filter = (
        "status",
        "held_reason",
        ("source_article", SourceArticleFilter),
        ("created_at", SafeDateFieldListFilter),
    )
    list_select_related = ("source_article",)
    # Searched by search_subscribers (the normalised address through its trigram index).
    search_fields = ("email_normalized", "first_name", "last_name")
    search_help_text = _("Part of an address (its start, or a domain such as @example.com) or a name.")
    date_hierarchy = "created_at"
    # A million rows (admin_list): counts above 10,000 are estimated (or "more than 10,000"
    # for a search), and the filters' counts per choice, each a pass over the whole list,
    # are not offered.
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    # Everything but the address is recorded by the sign-up, the emails and the actions.
    consent_fields = (
        "status",
        "held_reason",
        "created_at_shown",
        "confirmed_at_shown",
        "unsubscribed_at_shown",
        "source_path",
        "source_article",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "referrer",
        "consent_version",
        "import_source",
    )
    email_fields = ("email_status", "email_status_at_shown", "email_attempts", "email_error")
    readonly_fields = ("email_normalized", *consent_fields, "topics", *email_fields)
    fieldsets = [
        (None, {"fields": ("email", "email_normalized", "first_name", "last_name")}),
        (_("Consent"), {"fields": consent_fields}),
        (_("Newsletter topics"), {"fields": ("topics",)}),
        (_("Last email"), {"fields": email_fields}),
    ]
    inlines = [SignupEventInline]
    actions = ["resend_confirmation", "release_held", "unsubscribe", "export_selected", "erase"]

    def get_changelist(self, request, **kwargs):
        return SafeChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # PostgreSQL's estimate of a search's matches can be several times off (admin_list).
        searched = bool(request.GET.get("q", "").strip())
        return self.paginator(queryset, per_page, orphans, allow_empty_first_page, estimate=not searched)

    def get_search_results(self, request, queryset, search_term):
        return search_subscribers(queryset, search_term), False

    def get_readonly_fields(self, request, obj=None):
        # An erased row has no address to correct, and must not be given one back.
        if obj is not None and obj.status == Status.ERASED:
            return ("email", "first_name", "last_name", *self.readonly_fields)
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # Deleting would skip the erasure's hash and log (and hides "delete selected"):
        # people are erased instead.
        return False

    def _report(self, request, done, total, done_message, skipped_message):
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)
        if total - done:
            self.message_user(request, skipped_message % {"count": total - done}, messages.WARNING)

    @admin.action(description=_("Resend the confirmation email"), permissions=["change"])
    def resend_confirmation(self, request, queryset):
        rows = list(queryset)
        done = sum(lifecycle.request_confirmation(s, force=True) for s in rows)
        self._report(
            request,
            done,
            len(rows),
            ngettext(
                "Confirmation email queued for %(count)d subscriber.",
                "Confirmation email queued for %(count)d subscribers.",
                done,
            ),
            _(
                "%(count)d skipped: only pending subscribers are sent a confirmation "
                "(release held ones first)."
            ),
        )

    @admin.action(description=_("Release held sign-ups (and email them)"), permissions=["change"])
    def release_held(self, request, queryset):
        rows = list(queryset)
        note = _("Released by %(user)s.") % {"user": request.user.get_username()}
        done = sum(lifecycle.release(s, note=note) for s in rows)
        self._report(
            request,
            done,
            len(rows),
            ngettext("%(count)d held sign-up released.", "%(count)d held sign-ups released.", done),
            _("%(count)d skipped: not held."),
        )

    @admin.action(description=_("Unsubscribe"), permissions=["change"])
    def unsubscribe(self, request, queryset):
        rows = list(queryset)
        note = _("Unsubscribed by %(user)s.") % {"user": request.user.get_username()}
        done = sum(lifecycle.unsubscribe(s, note=note) for s in rows)
        self._report(
            request,
            done,
            len(rows),
            ngettext("%(count)d subscriber unsubscribed.", "%(count)d subscribers unsubscribed.", done),
            _("%(count)d skipped: already unsubscribed or erased."),
        )

    @admin.action(description=_("Erase personal data (on request)…"), permissions=["change"])
    def erase(self, request, queryset):
        rows = list(queryset.exclude(status=Status.ERASED))
        if request.POST.get("confirmed") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "subscribers": rows,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "title": _("Erase personal data"),
            }
            return TemplateResponse(request, "signups/admin/erase_confirmation.html", context)
        for subscriber in rows:
            erasure.erase(subscriber, staff=request.user, via="admin")
        self.message_user(
            request,
            ngettext("%(count)d subscriber erased.", "%(count)d subscribers erased.", len(rows))
            % {"count": len(rows)},
            messages.SUCCESS,
        )
        return None


@admin.register(SignupFormCopy)
class SignupFormCopyAdmin(SingletonModelAdmin):
    """There is exactly one copy row: no add once it exists, no delete, no list."""

    fieldsets = [
        (None, {"fields": ("heading", "intro", "button_label", "consent_text")}),
        (
            _("Messages"),
            {"fields": ("success_message", "check_inbox_message", "error_message", "rate_limited_message")},
        ),
        (_("Confirmation email"), {"fields": ("email_subject", "email_text", "email_html")}),
        (_("Welcome email"), {"fields": ("welcome_subject", "welcome_text", "welcome_html")}),
        (
            _("Pages"),
            {
                "description": _(
                    "Shown after someone confirms, unsubscribes, or opens a link that no longer works."
                ),
                "fields": (
                    "confirmed_heading",
                    "confirmed_text",
                    "unsubscribed_heading",
                    "unsubscribed_text",
                    "expired_heading",
                    "expired_text",
                ),
            },
        ),
        (None, {"fields": ("current_version", "modified_at")}),
    ]
    readonly_fields = ("current_version", "modified_at")


@admin.register(SignupFormCopyVersion)
class SignupFormCopyVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Each version of the texts visitors consented to; kept as evidence, never edited."""

    list_display = ("__str__", "created_at", "button_label")
    fields = ("created_at", "heading", "intro", "button_label", "consent_text")
    readonly_fields = fields
