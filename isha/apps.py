from django.apps import AppConfig


class IshaConfig(AppConfig):
    """The project itself: registers the system checks of the project-wide settings and
    Django's own periodic housekeeping (:mod:`isha.periodic`).

    It knows no app: ``articles`` and ``signups`` connect their content to the page
    cache (:mod:`isha.pagecache`) in their own ``ready()``. Here the edge (the HTTP cache
    in front, :mod:`isha.edge`) is purged after each committed content change.
    """

    name = "isha"
    verbose_name = "Isha Health"

    def ready(self):
        from datetime import timedelta

        from . import (
            checks,  # noqa: F401  (registers the checks)
            periodic,
        )
        from .edge import checks as edge_checks  # noqa: F401  (registers the checks)
        from .edge.tasks import purge_on_change
        from .pagecache import content_changed

        content_changed.connect(purge_on_change, dispatch_uid="isha-edge-purge")

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
