"""The sign-up admin's records: erasure and export logs, read-only for everyone."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .admin_times import SafeChangeList
from .models import ErasureLog, ExportLog


class ReadOnlyAdminMixin:
    """History and logs are records: nobody adds, edits or deletes them here.

    Their lists use :class:`signups.admin_times.SafeChangeList`, so an odd date drill-down
    is an invalid lookup rather than a 500.
    """

    def get_changelist(self, request, **kwargs):
        return SafeChangeList

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ErasureLog)
class ErasureLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "staff_name", "via", "subscribers")
    list_filter = ("via",)
    date_hierarchy = "created_at"
    fields = ("created_at", "staff", "staff_name", "via", "subscribers")
    readonly_fields = fields
    list_select_related = ("staff",)


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every export of subscribers (personal data): who, when, what, how many."""

    list_display = (
        "created_at",
        "user_name",
        "via",
        "format",
        "preset",
        "include_source",
        "row_count",
        "filters_display",
    )
    list_filter = ("via", "format", "preset", "include_source")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "user",
        "user_name",
        "via",
        "format",
        "preset",
        "include_source",
        "filters_display",
        "row_count",
    )
    readonly_fields = fields
    list_select_related = ("user",)

    @admin.display(description=_("filters"))
    def filters_display(self, obj):
        return ", ".join(f"{key}={value}" for key, value in obj.filters.items()) or "-"
