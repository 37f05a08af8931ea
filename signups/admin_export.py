"""The subscriber list's Export button, its "Export selected" action and the dashboard.

The button exports exactly what the list shows: the export page carries the list's
query string (filters, search, ordering) and rebuilds the list's queryset from it with
``get_changelist_instance(request).get_queryset(request)``. Exporting needs the
``signups.export_subscriber`` permission (Marketing has it, Editors do not); the
dashboard needs the permission to view subscribers.
"""

import os
import tempfile
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from . import dashboard, export
from .admin_export_jobs import ExportJobsAdminMixin
from .export import background
from .importers import EARLIEST_DAY
from .models import ExportLog
from .routing import reporting_database

FORMAT_CHOICES = [("csv", _("CSV (any size; opens in Excel)")), ("xlsx", _("Excel (XLSX)"))]


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"), choices=FORMAT_CHOICES, initial="csv", widget=forms.RadioSelect
    )
    preset = forms.ChoiceField(
        label=_("Layout"),
        choices=[(name, preset.label) for name, preset in export.PRESETS.items()],
        initial="full",
        widget=forms.RadioSelect,
        help_text=_("Mailing layouts hold confirmed subscribers only, whatever the list shows."),
    )
    include_source = forms.BooleanField(
        label=export.INCLUDE_SOURCE_LABEL,
        required=False,
        initial=False,
        help_text=export.INCLUDE_SOURCE_HELP,
    )
    bom = forms.BooleanField(
        label=_("Start the CSV with a byte-order mark"),
        required=False,
        initial=True,
        help_text=_(
            "Lets Excel show accents and non-Latin names correctly. Untick it for tools that dislike it."
        ),
    )


class PeriodForm(forms.Form):
    """The dashboard's period: two dates from :data:`EARLIEST_DAY` to a year from today."""

    since = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def _in_range(self, name):
        # Sign-ups exist from 1995 (the importer's floor) to a day from now; anything far
        # outside is a typo, and years near 9999 overflow the period's arithmetic.
        day = self.cleaned_data[name]
        latest = timezone.localdate() + timedelta(days=366)
        if not EARLIEST_DAY <= day <= latest:
            raise forms.ValidationError(
                _("Choose a date from %(earliest)s to %(latest)s."),
                code="out_of_range",
                params={"earliest": EARLIEST_DAY.isoformat(), "latest": latest.isoformat()},
            )
        return day

    def clean_since(self):
        return self._in_range("since")

    def clean_until(self):
        return self._in_range("until")

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The period must start before it ends."), code="order")
        if since and until and (until - since).days > 3660:
            raise forms.ValidationError(_("Choose a period of at most ten years."), code="too_long")
        return cleaned


def _filename(preset, extension):
    preset = getattr(preset, "name", preset)  # a name, or a Preset made for one export
    return f"signups-{preset}-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


def export_response(queryset, *, format, preset, include_source=False, bom=True):
    """The HTTP response carrying ``queryset``'s export: streamed CSV or an XLSX file.

    Where each person signed up is in it only with ``include_source``
    (:func:`signups.export.rows`). Raises :class:`signups.export.TooManyRows` for an XLSX
    that would not fit a worksheet.
    """
    rows = export.rows(queryset, preset, include_source=include_source)
    if format == "xlsx":
        export.check_xlsx(export.count(queryset, preset))
        handle, name = tempfile.mkstemp(suffix=".xlsx")
        os.close(handle)
        try:
            export.write_xlsx(rows, name)
            # Unlinked at once: the open handle keeps the data until the response is sent,
            # and FileResponse closes it then, so no context manager here.
            data = open(name, "rb")  # noqa: SIM115
        finally:
            os.unlink(name)
        return FileResponse(data, as_attachment=True, filename=_filename(preset, "xlsx"))
    chunks = (chunk.encode() for chunk in export.csv_chunks(rows, bom=bom))
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(preset, "csv")}"'
    return response


class ExportAdminMixin(ExportJobsAdminMixin):
    """For SubscriberAdmin: the export page and action, the dashboard, and links to both.

    An export of more than ``SIGNUP_EXPORT_BACKGROUND_ROWS`` rows is made in the
    background (:mod:`signups.admin_export_jobs`); smaller ones are sent at once.
    """

    export_template = "signups/admin/export.html"
    dashboard_template = "signups/admin/dashboard.html"

    def has_export_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.export_{self.opts.model_name}")

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("export/", self.admin_site.admin_view(self.export_view), name=f"{prefix}_export"),
            path("dashboard/", self.admin_site.admin_view(self.dashboard_view), name=f"{prefix}_dashboard"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if self.has_export_permission(request):
            query = f"?{request.GET.urlencode()}" if request.GET else ""
            extra_context["export_url"] = reverse("admin:signups_subscriber_export") + query
        if self.has_view_permission(request):
            extra_context["dashboard_url"] = reverse("admin:signups_subscriber_dashboard")
        return super().changelist_view(request, extra_context)

    def _log(self, request, via, cleaned, filters, row_count):
        export.log_export(
            via=via,
            format=cleaned["format"],
            preset=cleaned["preset"],
            filters=filters,
            row_count=row_count,
            include_source=cleaned["include_source"],
            user=request.user,
        )

    def _export_page(self, request, form, queryset, **context):
        by_status = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Export subscribers"),
            "form": form,
            "total": sum(by_status.values()),
            "by_status": [
                (label, by_status[value])
                for value, label in self.model.Status.choices
                if by_status.get(value)
            ],
            "mailable": export.count(queryset, "mailchimp"),
            "changelist_url": reverse("admin:signups_subscriber_changelist"),
            "export_jobs_url": reverse("admin:signups_subscriber_export_jobs"),
            "background_rows": settings.SIGNUP_EXPORT_BACKGROUND_ROWS,
            **context,
        }
        return TemplateResponse(request, self.export_template, context)

    def _export(self, request, form, queryset, *, via, filters):
        """The export's response, or the page again with the reason it cannot be made."""
        cleaned = form.cleaned_data
        queryset = queryset.using(reporting_database())  # the read replica, if there is one
        total = export.count(queryset, cleaned["preset"])
        try:
            if cleaned["format"] == "xlsx":
                export.check_xlsx(total)
            if background.in_background(total):
                return self.start_background_export(
                    request, queryset, cleaned, via=via, filters=filters, total=total
                )
            response = export_response(
                queryset,
                format=cleaned["format"],
                preset=cleaned["preset"],
                include_source=cleaned["include_source"],
                bom=cleaned["bom"],
            )
        except export.TooManyRows as exc:
            form.add_error("format", str(exc))
            return None
        self._log(request, via, cleaned, filters, total)
        return response

    def export_view(self, request):
        """The Export button's page: choose format and layout for what the list shows."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        try:
            queryset = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            messages.error(request, _("Those filters are not understood; the list was reset."))
            return HttpResponseRedirect(reverse("admin:signups_subscriber_changelist"))
        form = ExportForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            filters = {key: values if len(values) > 1 else values[0] for key, values in request.GET.lists()}
            response = self._export(request, form, queryset, via=ExportLog.Via.ADMIN, filters=filters)
            if response is not None:
                return response
        return self._export_page(request, form, queryset, filters_query=request.GET.urlencode())

    @admin.action(description=_("Export selected subscribers…"), permissions=["export"])
    def export_selected(self, request, queryset):
        """Action: the export page for the selected rows; its form posts back to this action."""
        form = ExportForm(request.POST if "_export" in request.POST else None)
        if form.is_bound and form.is_valid():
            filters = {"selected": queryset.count(), **dict(request.GET.items())}
            response = self._export(request, form, queryset, via=ExportLog.Via.ACTION, filters=filters)
            if response is not None:
                return response
        return self._export_page(
            request,
            form,
            queryset,
            selected=request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            select_across=request.POST.get("select_across", "0"),
            action_checkbox_name=helpers.ACTION_CHECKBOX_NAME,
        )

    def dashboard_view(self, request):
        """Sign-ups per day and week, the confirmation rate and the top articles for a period.

        An invalid period (unreadable, reversed, over ten years, or outside
        :class:`PeriodForm`'s range) answers 400 with the reason, above the default period.
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        since, until = dashboard.default_period()
        form = PeriodForm(request.GET or None, initial={"since": since, "until": until})
        if form.is_bound and form.is_valid():
            since, until = form.cleaned_data["since"], form.cleaned_data["until"]
        # A period that cannot be shown is explained above the default one, as a 400.
        status = 400 if form.is_bound and not form.is_valid() else 200
        numbers = dashboard.stats(since, until)
        # The same sign-ups in the list (and so in its Export): the date filter's own parameters.
        period_query = {
            "created_at__gte": numbers["start"].isoformat(sep=" "),
            "created_at__lt": numbers["end"].isoformat(sep=" "),
        }
        changelist = reverse("admin:signups_subscriber_changelist")
        for row in numbers["top_articles"]:
            query = {**period_query, "source_article__id__exact": row["source_article__pk"]}
            row["list_url"] = f"{changelist}?{urlencode(query)}"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Sign-ups dashboard"),
            "form": form,
            "numbers": numbers,
            "period_list_url": f"{changelist}?{urlencode(period_query)}",
            "can_export": self.has_export_permission(request),
        }
        return TemplateResponse(request, self.dashboard_template, context, status=status)
