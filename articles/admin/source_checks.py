"""The source admin's part of the registry checks: what Crossref and PubMed say about a
source, and the editor's confirmation that readers are told (``manage.py check_sources``)."""

from django.contrib import admin, messages
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..models.source_checks import Notice, RegistryStatus

REGISTRY_FIELDS = (
    "registry_status",
    "registry_found",
    "registry_title",
    "registry_notice_url",
    "registry_checked_at",
    "registry_error",
    "registry_next_check_at",
)
REGISTRY_FIELDSETS = (
    (
        _("Registry check (Crossref for the DOI, PubMed for the PMID; daily)"),
        {"fields": REGISTRY_FIELDS},
    ),
    (_("Notice shown to readers"), {"fields": ("notice", "notice_url")}),
)


class RegistryCheckAdminMixin:
    """Adds the registry check to a ``ModelAdmin`` of sources: read-only fields, a list
    column and filter, the "say so to readers" action, and a warning on the change page
    while a retraction, correction or concern is not confirmed."""

    actions = ("confirm_registry_notice",)

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *REGISTRY_FIELDS)

    @admin.display(description=_("registry"), ordering="registry_status")
    def registry(self, obj):
        if obj.notice:
            return gettext("%(status)s (readers are told)") % {"status": obj.get_notice_display()}
        if obj.registry_error and obj.registry_checked_at is None:
            return gettext("Check failed")
        return obj.get_registry_status_display()

    @admin.action(description=_("Tell readers what the registry found (retracted, corrected...)"))
    def confirm_registry_notice(self, request, queryset):
        confirmed = 0
        for source in queryset.filter(registry_status__in=RegistryStatus.flagged()):
            source.notice = Notice(source.registry_status)
            source.notice_url = source.registry_notice_url
            # save(), not update(): the pages citing it must be retired from the cache.
            source.save(update_fields=["notice", "notice_url", "modified_at"])
            self.log_change(request, source, gettext("Confirmed the registry's notice: %s") % source.notice)
            confirmed += 1
        skipped = queryset.count() - confirmed
        if confirmed:
            self.message_user(
                request,
                ngettext(
                    "Readers now see the notice beside %(count)d source.",
                    "Readers now see the notices beside %(count)d sources.",
                    confirmed,
                )
                % {"count": confirmed},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d source has no retraction, correction or concern from the registries; "
                    "set its notice on its page if you know of one.",
                    "%(count)d sources have no retraction, correction or concern from the registries; "
                    "set their notices on their pages if you know of one.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        source = self.get_object(request, object_id)
        if request.method == "GET" and source is not None and source.registry_unconfirmed:
            self.message_user(request, registry_warning(source), messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)


def registry_warning(source):
    """The change page's warning for a flagged source readers are not told about."""
    flagged_at = source.registry_flagged_at or source.registry_checked_at
    when = formats.date_format(timezone.localtime(flagged_at))
    # Those signed off before the finding (or never) are in the review-due queue.
    cited = source.citations.filter(
        Q(article__reviewed_at__isnull=True) | Q(article__reviewed_at__lt=flagged_at)
    ).count()
    return ngettext(
        "Crossref or PubMed lists this source as %(status)s (found %(date)s): %(count)d article "
        "citing it is in the review-due queue. Read the notice, then set “Notice shown to readers”.",
        "Crossref or PubMed lists this source as %(status)s (found %(date)s): %(count)d articles "
        "citing it are in the review-due queue. Read the notice, then set “Notice shown to readers”.",
        cited,
    ) % {
        "status": source.get_registry_status_display().lower(),
        "date": when,
        "count": cited,
    }
