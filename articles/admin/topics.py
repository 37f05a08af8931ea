"""The admin of topics, the subjects articles are filed under."""

from django.contrib import admin

from ..models import Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    """Topics by name; the slug follows the name as it is typed, for the topic page URL."""

    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
