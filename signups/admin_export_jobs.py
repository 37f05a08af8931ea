"""The subscriber list's background exports: the page listing them, their progress, the download.

Each staff member sees and downloads only the exports they asked for, and only while they
hold the ``signups.export_subscriber`` permission; anyone else's export answers 404, as
one that does not exist. Files are served from the private ``signup_exports`` storage,
never from a public URL, as attachments.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from .export import background
from .models import ExportJob

State = ExportJob.State
ACTIVE = (State.QUEUED, State.RUNNING)


def job_status(job):
    """What the progress script needs of ``job``: a JSON-ready dict."""
    return {
        "id": job.pk,
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "percent": job.percent,
    }


class ExportJobsAdminMixin:
    """For SubscriberAdmin (through ExportAdminMixin): start a background export, list, download."""

    export_jobs_template = "signups/admin/export_jobs.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("exports/", view(self.export_jobs_view), name="signups_subscriber_export_jobs"),
            path(
                "exports/status/", view(self.export_jobs_status_view), name="signups_subscriber_export_status"
            ),
            path(
                "exports/<int:job_id>/download/",
                view(self.export_download_view),
                name="signups_subscriber_export_download",
            ),
            *super().get_urls(),
        ]

    def _own_jobs(self, request):
        if not self.has_export_permission(request):
            raise PermissionDenied
        return ExportJob.objects.filter(user=request.user)

    def start_background_export(self, request, queryset, cleaned, *, via, filters, total):
        """Queue the export and send the staff member to the page showing its progress."""
        background.start(
            queryset,
            user=request.user,
            via=via,
            format=cleaned["format"],
            preset=cleaned["preset"],
            include_source=cleaned["include_source"],
            bom=cleaned["bom"],
            filters=filters,
            total=total,
        )
        messages.info(
            request,
            _(
                "%(count)s rows are too many to download at once: the export is being made in the "
                "background. Its download link appears below when it is ready."
            )
            % {"count": f"{total:,}"},
        )
        return HttpResponseRedirect(reverse("admin:signups_subscriber_export_jobs"))

    def export_jobs_view(self, request):
        """The staff member's background exports: state, progress, and a link when ready."""
        jobs = self._own_jobs(request)
        background.fail_stale()
        jobs = list(jobs[:50])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Your background exports"),
            "jobs": jobs,
            "active": any(job.state in ACTIVE for job in jobs),
            "changelist_url": reverse("admin:signups_subscriber_changelist"),
            "status_url": reverse("admin:signups_subscriber_export_status"),
        }
        return TemplateResponse(request, self.export_jobs_template, context)

    def export_jobs_status_view(self, request):
        """JSON for the progress script: ``{"jobs": [job_status(...), ...]}``, newest first."""
        jobs = self._own_jobs(request)
        background.fail_stale()
        response = JsonResponse({"jobs": [job_status(job) for job in jobs[:50]]})
        response["Cache-Control"] = "no-store"
        return response

    def export_download_view(self, request, job_id):
        """The finished file, as an attachment; 404 for anyone but the person who asked."""
        job = self._own_jobs(request).filter(pk=job_id, state=State.DONE).exclude(file_name="").first()
        if job is None:
            raise Http404(_("No such export, or it is no longer available."))
        store = background.storage()
        if not store.exists(job.file_name):
            raise Http404(_("The export file is gone; export again."))
        name = f"signups-{job.preset}-{job.created_at:%Y%m%d-%H%M}.{job.format}"
        response = FileResponse(store.open(job.file_name, "rb"), as_attachment=True, filename=name)
        response["Cache-Control"] = "private, no-store"
        return response
