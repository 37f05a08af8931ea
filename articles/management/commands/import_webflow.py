"""``manage.py import_webflow DIR [--dry-run] [--force]``: see :mod:`articles.webflow`."""

from django.core.management.base import BaseCommand, CommandError

from articles.webflow import WebflowFormatError, apply_export, read_export


class Command(BaseCommand):
    help = (
        "Import blog posts and authors from a Webflow CMS export: a folder holding the "
        "collections' CSVs and an images/ folder. Running it again changes only what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="The export folder.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen; write nothing.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite articles and authors edited on the site since their import.",
        )

    def handle(self, *args, directory, dry_run, force, **options):
        try:
            export = read_export(directory)
        except WebflowFormatError as exc:
            raise CommandError(str(exc)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {directory}: {exc}") from exc
        self.stderr.write(f"Reading {export.posts_file.name}")

        def progress(done, total):
            self.stderr.write(f"  {done}/{total} posts")

        report = apply_export(export, force=force, dry_run=dry_run, progress=progress)
        for line in report.lines():
            self.stdout.write(line)
