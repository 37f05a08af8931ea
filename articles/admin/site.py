"""The admin of the site-wide settings (:mod:`articles.models.site`)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from isha.singletons import SingletonModelAdmin

from ..models import SiteSettings
from .checks import RefreshChecksOnSaveMixin
from .roles import PublishersChangeMixin


@admin.register(SiteSettings)
class SiteSettingsAdmin(
    RefreshChecksOnSaveMixin, PublishersChangeMixin, SingletonModelAdmin, SimpleHistoryAdmin
):
    """Exactly one row: no add or delete; the list goes straight to the form. Shown on
    every page, so only publishers change it (Editors see it read only); every change is
    kept in its history (django-simple-history), with who made it."""
