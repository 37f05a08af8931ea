"""The admin of the people behind articles (:mod:`articles.models.people`): authors and reviewers."""

from django.contrib import admin

from ..models import Author, Reviewer
from .images import CheckedImagesMixin
from .roles import PublishersChangeMixin


@admin.register(Author)
class AuthorAdmin(CheckedImagesMixin, admin.ModelAdmin):
    """Bylines. The slug follows the name as it is typed, for the author's page URL; the
    photo is checked like every image upload (:class:`.images.CheckedImagesMixin`)."""

    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Reviewer)
class ReviewerAdmin(CheckedImagesMixin, PublishersChangeMixin, admin.ModelAdmin):
    """Medical reviewers, each optionally linked to the staff user who signs reviews off.

    A reviewer's name and credentials vouch for every article they reviewed, so only
    publishers change them (Editors see them read only). The linked staff account is
    what lets a user sign reviews off in the reviewer's name, so only a superuser links
    one; anyone else sees it read only.
    """

    list_display = ("name", "credentials", "specialty", "licence_verified_on")
    search_fields = ("name", "specialty")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("user",)

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else (*readonly, "user")
