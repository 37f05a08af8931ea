from django.apps import AppConfig


class IshaConfig(AppConfig):
    """The project itself: registers the system checks of the project-wide settings.

    It knows no app: ``articles`` and ``signups`` connect their content to the page
    cache (:mod:`isha.pagecache`) in their own ``ready()``.
    """

    name = "isha"
    verbose_name = "Isha Health"

    def ready(self):
        from . import checks  # noqa: F401  (registers the checks)
