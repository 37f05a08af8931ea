"""The retention settings (superusers only) and the counts retention leaves behind."""

from django.contrib import admin

from isha.singletons import SingletonModelAdmin

from .admin_logs import ReadOnlyAdminMixin
from .models import ExpiredSignupCount, RetentionSettings


@admin.register(RetentionSettings)
class RetentionSettingsAdmin(SingletonModelAdmin):
    """Only superusers see or change how long sign-ups are kept, whatever permissions a
    group grants: deleting personal data sooner or keeping it longer is the clinic's
    privacy policy, not a marketing or editorial choice."""

    fields = ("pending_days", "held_days")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return self.has_view_permission(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request)


@admin.register(ExpiredSignupCount)
class ExpiredSignupCountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What retention left: a count per sign-up day and status, read-only."""

    list_display = ("day", "status", "count")
    list_filter = ("status",)
