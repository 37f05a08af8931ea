"""``manage.py expire_exports``: delete expired background export files, fail stopped jobs."""

from django.core.management.base import BaseCommand

from signups.export import background


class Command(BaseCommand):
    help = (
        "Delete background export files older than SIGNUP_EXPORT_KEEP_HOURS, mark failed the "
        "exports whose worker stopped (no progress for SIGNUP_EXPORT_STALE_SECONDS), and forget "
        "finished exports after a week. Run every five minutes by run_periodic."
    )

    def handle(self, *args, **options):
        stale = background.fail_stale()
        files, forgotten = background.expire()
        self.stdout.write(
            f"Deleted {files} expired export files; marked {stale} stopped exports failed; "
            f"forgot {forgotten} old ones."
        )
