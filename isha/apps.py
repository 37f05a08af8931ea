from django.apps import AppConfig


class IshaConfig(AppConfig):
    """The project itself: registers the system checks of the project-wide settings and
    Django's own periodic housekeeping (:mod:`isha.periodic`).

    It knows no app: ``articles`` and ``signups`` connect their content to the page
    cache (:mod:`isha.pagecache`) in their own ``ready()``.
    """

    name = "isha"
    verbose_name = "Isha Health"

    def ready(self):
        from datetime import timedelta

        from . import (
            checks,  # noqa: F401  (registers the checks)
            periodic,
        )

        # Sessions live in the database (settings.SESSION_ENGINE); Django leaves expired
        # ones there until clearsessions deletes them.
        periodic.register(
            "clearsessions", every=timedelta(days=1), description="delete expired sessions from the database"
        )
        # django-axes records every staff sign-in (address, browser) in its access log and
        # keeps it for ever unless told; 90 days covers looking into an incident.
        periodic.register(
            "axes_reset_logs",
            every=timedelta(days=1),
            args=("--age", "90"),
            description="delete staff sign-in records (django-axes' access log) older than 90 days",
        )
