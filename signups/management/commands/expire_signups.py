"""``manage.py expire_signups``: delete sign-ups never confirmed, as the retention settings say."""

from django.core.management.base import BaseCommand

from signups import retention
from signups.models import RetentionSettings


class Command(BaseCommand):
    help = (
        "Delete pending sign-ups never confirmed and held sign-ups never released once older than "
        "the retention settings' days (defaults 30 and 90), keeping only an anonymous count per "
        "sign-up day. Run daily by run_periodic. --dry-run only says how many would go."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")

    def handle(self, *args, **options):
        settings = RetentionSettings.load()
        if options["dry_run"]:
            counts = {str(s): retention.expiring(s).count() for s in ("pending", "held")}
            verb = "Would delete"
        else:
            counts = retention.expire()
            verb = "Deleted"
        self.stdout.write(
            f"{verb} {counts['pending']} pending sign-ups (older than {settings.pending_days} days) "
            f"and {counts['held']} held ones (older than {settings.held_days} days)."
        )
