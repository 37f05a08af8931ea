"""``manage.py import_signups FILE``: bring an existing list (Mailchimp or plain CSV) in."""

from django.core.management.base import BaseCommand, CommandError

from signups.importers import ImportFileError, import_csv

SHOWN_PROBLEMS = 50


class Command(BaseCommand):
    help = (
        "Import subscribers from a Mailchimp audience export (subscribed -> confirmed, "
        "unsubscribed -> unsubscribed, cleaned -> bounced) or a CSV with an email column. "
        "Keeps the original opt-in and confirmation times, sends no email, never brings "
        "back anyone unsubscribed or erased; running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8).")
        parser.add_argument(
            "--status",
            metavar="STATUS",
            help="The list's status when the file has no status column: subscribed, unsubscribed or "
            "cleaned (default: guessed from Mailchimp's file name, e.g. subscribed_members_export_….csv).",
        )
        parser.add_argument(
            "--source", help="What to record as the list imported from (default: the file's name)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; change nothing."
        )

    def handle(self, *args, file, status=None, source=None, dry_run=False, **options):
        try:
            report = import_csv(file, status=status, source=source, dry_run=dry_run)
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}") from None
        except (ImportFileError, OSError) as exc:
            raise CommandError(f"{file}: {exc}") from None
        prefix = "Dry run, nothing saved: " if dry_run else ""
        self.stdout.write(
            f"{prefix}{report.rows} rows: {report.created} added, {report.updated} updated, "
            f"{report.unchanged} unchanged, {len(report.skipped)} skipped, {len(report.errors)} with errors."
        )
        for title, problems in (("Skipped", report.skipped), ("Not imported", report.errors)):
            for line, message in problems[:SHOWN_PROBLEMS]:
                self.stderr.write(f"{title}: line {line}: {message}")
            if len(problems) > SHOWN_PROBLEMS:
                self.stderr.write(f"{title}: … and {len(problems) - SHOWN_PROBLEMS} more.")
