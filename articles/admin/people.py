"""The admin of the people behind articles (:mod:`articles.models.people`): authors and reviewers."""

from django.contrib import admin

from ..models import Author, Reviewer


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    """Bylines. The slug follows the name as it is typed, for the author's page URL."""

    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Reviewer)
class ReviewerAdmin(admin.ModelAdmin):
    """Medical reviewers, each optionally linked to the staff user who signs reviews off."""

    list_display = ("name", "credentials", "specialty", "licence_verified_on")
    search_fields = ("name", "specialty")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("user",)
