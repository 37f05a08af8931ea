from datetime import timedelta

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

MARKETING_MODELS = ("subscriber", "signupevent", "signupformcopy")
# Records Marketing may read but nobody edits.
MARKETING_READ_ONLY = ("signupformcopyversion", "erasurelog", "exportlog")


def create_marketing_group(sender, **kwargs):
    """After every ``migrate``: the "Marketing" group manages sign-ups and the form's copy,
    and may export subscribers (a permission of its own: exports hold personal data)."""
    from isha.groups import ensure_group

    ensure_group("Marketing", "signups", MARKETING_MODELS, extra=("export_subscriber",))
    ensure_group("Marketing", "signups", MARKETING_READ_ONLY, actions=("view",))


def create_form_copy(sender, **kwargs):
    """After every ``migrate`` (and every test-database flush, which sends the same signal):
    the sign-up form's one copy row exists, with its first consent version. The data
    migration makes it once; a flush would otherwise leave the form without its texts."""
    from .models import SignupFormCopy

    SignupFormCopy.load()


def uses_database_queue():
    """True when the emails' task backend is django-tasks-db's queue (production's)."""
    from django.tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task_backends["default"], DatabaseBackend)


class SignupsConfig(AppConfig):
    """Newsletter sign-ups; checks its settings and tells the page cache when the form's
    copy (shown on every public page) changes."""

    name = "signups"
    verbose_name = _("Sign-ups")

    def ready(self):
        from isha import outage, pagecache, periodic

        from . import checks  # noqa: F401  (registers the sign-up settings' checks)
        from .outage import signup_unavailable

        post_migrate.connect(create_marketing_group, sender=self)
        post_migrate.connect(create_form_copy, sender=self)
        # The sign-up block is on every public page, which shows its thanks after a
        # plain-form sign-up (?signup=thanks); a copy change is never served stale.
        pagecache.on_every_page(keys=("signup-copy",), query=("signup",))
        copy = self.get_model("SignupFormCopy")
        pagecache.register_model(
            copy, lambda instance, deleted: pagecache.Change(frozenset({"signup-copy"}), hard=True)
        )
        pagecache.invalidate_on_changes_to(copy)
        # With the database down, a sign-up keeps the typed address and says nothing was stored.
        outage.respond_when_database_is_down("signups:signup", signup_unavailable)
        periodic.register(
            "requeue_stale_tasks",
            every=timedelta(minutes=5),
            description="run again confirmation emails a killed worker left, queue lost ones",
        )
        periodic.register(
            "prune_db_task_results",
            every=timedelta(days=1),
            description="delete finished email tasks older than 14 days (django-tasks-db)",
            enabled=uses_database_queue,
        )
        periodic.register(
            "expire_signups",
            every=timedelta(days=1),
            description="delete sign-ups never confirmed (pending 30 days, held 90: retention settings)",
        )
