"""The admin of topics, the subjects articles are filed under."""

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple

from ..models import Topic
from .roles import PUBLISH_PERMISSION


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    """Topics by name; the slug follows the name as it is typed, for the topic page URL."""

    list_display = ("name", "slug", "newsletter")
    list_filter = ("newsletter",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    def get_readonly_fields(self, request, obj=None):
        """Whether subscribers may choose a topic is an editorial setting: publish permission."""
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not request.user.has_perm(PUBLISH_PERMISSION):
            readonly += ("newsletter",)
        return readonly


class TopicsAutocomplete(AutocompleteSelectMultiple):
    """The article page's topics picker, without select2's "clear all" cross.

    select2 4.0 puts that cross inside the list of chosen topics, as a ``<span>`` among its
    ``<li>`` items: invalid list markup (WAI-ARIA, the axe rule "list") that screen readers
    read as a broken list. Each chosen topic keeps its own remove button.
    """

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        attrs["data-allow-clear"] = "false"
        return attrs


class ArticleTopicsMixin:
    """Mixed into ``ArticleAdmin``: the topics field uses :class:`TopicsAutocomplete`."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "topics" and "widget" not in kwargs:
            kwargs["widget"] = TopicsAutocomplete(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
