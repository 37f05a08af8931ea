"""The editorial checks in the article admin: the panel's JSON view, the list's reading
level and warning count, and their filters (see ``articles.editorial_checks``)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ..citations import cited_source_ids
from ..db_ids import parse_id
from ..editorial_checks import run_checks
from ..editorial_checks.stored import refresh_all_stored_checks, site_check_settings, source_years
from ..models import SiteSettings
from ..sanitize import sanitize_html


class ReadingLevelFilter(admin.SimpleListFilter):
    """Articles whose stored reading level is above, or within, the site's target grade."""

    title = _("reading level")
    parameter_name = "reading_level"

    def lookups(self, request, model_admin):
        return (
            ("above", _("Above target")),
            ("within", _("At or below target")),
            ("none", _("Not measured")),
        )

    def queryset(self, request, queryset):
        if self.value() in ("above", "within"):
            target = SiteSettings.load().target_reading_grade
            lookup = "reading_grade__gt" if self.value() == "above" else "reading_grade__lte"
            return queryset.filter(**{lookup: target})
        if self.value() == "none":
            return queryset.filter(reading_grade__isnull=True)
        return queryset


class WarningsFilter(admin.SimpleListFilter):
    """Articles with, or without, open warnings from the editorial checks."""

    title = _("check warnings")
    parameter_name = "warnings"

    def lookups(self, request, model_admin):
        return (("yes", _("Has warnings")), ("no", _("No warnings")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(open_warnings__gt=0)
        if self.value() == "no":
            return queryset.filter(open_warnings=0)
        return queryset


def _ints(values):
    return [value for value in map(parse_id, values) if value is not None]


class EditorialChecksMixin:
    """Mixed into ``ArticleAdmin``: the checks panel on the change page (its JSON view at
    ``checks/``), the list's "Reading level" and "Warnings" columns and their filters."""

    @property
    def media(self):
        return super().media + forms.Media(
            js=["articles/admin/checks.js"], css={"all": ["articles/admin/checks.css"]}
        )

    def get_list_display(self, request):
        return (*super().get_list_display(request), "reading_level", "warnings")

    def get_list_filter(self, request):
        return (*super().get_list_filter(request), ReadingLevelFilter, WarningsFilter)

    @admin.display(description=_("reading level"), ordering=F("reading_grade").asc(nulls_last=True))
    def reading_level(self, obj):
        return "-" if obj.reading_grade is None else f"{obj.reading_grade:.1f}"

    @admin.display(description=_("warnings"), ordering="open_warnings")
    def warnings(self, obj):
        return obj.open_warnings

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.checks_view))
        return [path("checks/", view, name="articles_article_checks"), *super().get_urls()]

    def checks_view(self, request):
        """The checks of the body the editor's form holds (POST ``body``, and the ids of
        the attached sources as ``source``), as JSON (see ``CheckReport.as_json``).
        Staff who may add or change articles only; nothing is saved."""
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        body = sanitize_html(request.POST.get("body", ""))
        ids = set(_ints(request.POST.getlist("source"))) | set(cited_source_ids(body))
        report = run_checks(body, source_years=source_years(ids), settings=site_check_settings())
        return JsonResponse(report.as_json())

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The panel checks the body the form holds: only those who may edit it get one.
        if self.has_change_permission(request, obj) if change else self.has_add_permission(request):
            context["checks_url"] = reverse("admin:articles_article_checks")
        return super().render_change_form(request, context, add, change, form_url, obj)


class RefreshChecksOnSaveMixin:
    """Mixed into the site settings' admin: a change of the target grade, the over-claim
    list or the evidence age re-checks every article once the change commits."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        checked = {"target_reading_grade", "over_claims", "evidence_age_years"}
        if checked & set(form.changed_data):
            transaction.on_commit(refresh_all_stored_checks, robust=True)
