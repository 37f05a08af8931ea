"""The admin of standalone pages (:mod:`articles.models.pages`).

Editors write drafts; publishing a page, and changing or deleting a live one, needs the
"can publish" permission, as the site settings do: a live privacy notice or disclaimer is
the clinic's word to every reader. Every save is kept in the page's history
(django-simple-history), with who made it.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ..forms.pages import PageAdminForm
from ..models import Page
from .roles import PUBLISH_PERMISSION


@admin.register(Page)
class PageAdmin(SimpleHistoryAdmin):
    """Pages by title, with their purpose, status and last change."""

    form = PageAdminForm
    list_display = ("title", "purpose", "status", "updated_at")
    list_filter = ("status", "purpose")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}

    @staticmethod
    def can_publish(request):
        return request.user.has_perm(PUBLISH_PERMISSION)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.can_publish(request):
            fields.append("status")  # new and changed pages stay drafts
        return fields

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or not obj.is_live or self.can_publish(request))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not obj.is_live or self.can_publish(request))

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if not self.can_publish(request):
            # Deleting from the list could take a live page; editors delete drafts one by one.
            actions.pop("delete_selected", None)
        return actions
