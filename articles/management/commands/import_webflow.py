"""``manage.py import_webflow DIR [--dry-run] [--force]``: see :mod:`articles.webflow`.

A thin wrapper: it reads the export, applies it and prints the report; a folder that
cannot be read is a ``CommandError`` (exit status 1), a row that cannot be imported is
reported, not raised.
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from articles.publishing import system_actor
from articles.webflow import WebflowFormatError, apply_export, read_export


class Command(BaseCommand):
    """Reads the export folder, applies it, prints the report; exit status 1 when unreadable."""

    help = (
        "Import blog posts and authors from a Webflow CMS export: a folder holding the "
        "collections' CSVs and an images/ folder. Running it again changes only what changed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("directory", help="The export folder.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen; write nothing.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite articles and authors edited on the site since their import.",
        )

    def handle(self, *args: Any, directory: str, dry_run: bool, force: bool, **options: Any) -> None:
        try:
            export = read_export(directory)
        except WebflowFormatError as exc:
            raise CommandError(str(exc)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {directory}: {exc}") from exc
        self.stderr.write(f"Reading {export.posts_file.name}")

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"  {done}/{total} posts")

        with system_actor("import_webflow"):
            report = apply_export(export, actor=None, force=force, dry_run=dry_run, progress=progress)
        for line in report.lines():
            self.stdout.write(line)
