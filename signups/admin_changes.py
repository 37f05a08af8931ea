"""The export page's "changes since an earlier export": the change file from the admin.

Same permission as every export (``signups.export_subscriber``); the file is the one
``export_signups --changes-since`` writes (:mod:`signups.export.changes`), and it is
recorded in the export log as "<layout>-changes", so the next change file can start from it.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import export
from .admin_export import FORMAT_CHOICES, export_response
from .models import ExportLog

changes = export.changes

KIND_CHOICES = [
    ("new", _("New: confirmed since that export")),
    ("changed", _("Changed: their preferences changed since that export")),
    ("unsubscribed", _("Unsubscribed: unsubscribed or bounced since that export")),
]


class ExportLogChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        when = timezone.localtime(obj.created_at)
        who = obj.user_name or obj.via
        return f"#{obj.pk}: {when:%Y-%m-%d %H:%M}, {obj.preset}, {obj.row_count} rows, {who}"


class ChangeExportForm(forms.Form):
    """Which layout, since which earlier export (the mailing layouts' log entries), which kinds."""

    preset = forms.ChoiceField(
        label=_("Layout"),
        choices=[("mailchimp", _("Mailchimp")), ("ghost", _("Ghost"))],
        initial="mailchimp",
        widget=forms.RadioSelect,
    )
    since = ExportLogChoiceField(
        label=_("Changes since this export"),
        queryset=ExportLog.objects.filter(
            preset__in=[name for layout in changes.LAYOUTS for name in (layout, layout + changes.SUFFIX)]
        ).order_by("-created_at", "-pk"),
        empty_label=None,
        help_text=_("The last file you loaded into the mailing tool."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Who"),
        choices=KIND_CHOICES,
        initial=list(changes.KINDS),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Mailchimp applies one status to a whole import: export New and Changed to import as "
            "Subscribed, then Unsubscribed to import as Unsubscribed. Ghost takes every kind in one file."
        ),
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=FORMAT_CHOICES, initial="csv", widget=forms.RadioSelect
    )
    include_source = forms.BooleanField(
        label=export.INCLUDE_SOURCE_LABEL, required=False, help_text=export.INCLUDE_SOURCE_HELP
    )
    bom = forms.BooleanField(label=_("Start the CSV with a byte-order mark"), required=False, initial=True)


class ChangeExportAdminMixin:
    """For SubscriberAdmin: ``export/changes/``, the change file for staff who may export."""

    change_export_template = "signups/admin/export_changes.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.change_export_view)
        return [path("export/changes/", view, name="signups_subscriber_export_changes"), *super().get_urls()]

    def change_export_view(self, request):
        """GET: the form; POST: the file (or the form again with what to fix)."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        form = ChangeExportForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            response = self._change_file(request, form)
            if response is not None:
                return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Export the changes since an earlier export"),
            "form": form,
            "has_exports": form.fields["since"].queryset.exists(),
            "changelist_url": reverse("admin:signups_subscriber_changelist"),
            "export_url": reverse("admin:signups_subscriber_export"),
        }
        return TemplateResponse(
            request, self.change_export_template, context, status=400 if form.is_bound else 200
        )

    def _change_file(self, request, form):
        cleaned = form.cleaned_data
        since = cleaned["since"].created_at
        layout = changes.change_preset(cleaned["preset"], since)
        queryset = changes.changes_since(since, cleaned["kinds"])
        try:
            response = export_response(
                queryset,
                format=cleaned["format"],
                preset=layout,
                include_source=cleaned["include_source"],
                bom=cleaned["bom"],
            )
        except export.TooManyRows as exc:
            form.add_error("format", str(exc))
            return None
        export.log_export(
            via=ExportLog.Via.ADMIN,
            format=cleaned["format"],
            preset=layout,
            filters={"changes_since": cleaned["since"].pk, "change": cleaned["kinds"]},
            row_count=export.count(queryset, layout),
            include_source=cleaned["include_source"],
            user=request.user,
        )
        erased = changes.erased_since(since)
        if erased:
            messages.warning(
                request,
                ngettext(
                    "%(n)d person was erased since that export: no address is left here, so remove them "
                    "in the mailing tool from the erasure request itself.",
                    "%(n)d people were erased since that export: no address is left here, so remove them "
                    "in the mailing tool from the erasure requests themselves.",
                    erased,
                )
                % {"n": erased},
            )
        return response
