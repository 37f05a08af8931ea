"""The admin of the site-wide settings (:mod:`articles.models.site`)."""

from django.contrib import admin

from isha.singletons import SingletonModelAdmin

from ..models import SiteSettings


@admin.register(SiteSettings)
class SiteSettingsAdmin(SingletonModelAdmin):
    """Exactly one row: no add or delete; the list goes straight to the form."""
