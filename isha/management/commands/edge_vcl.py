"""``manage.py edge_vcl``: rewrite the settings-derived block of the shipped Varnish VCL."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from isha.edge import vcl


class Command(BaseCommand):
    """Write the block of ``deploy/varnish/default.vcl`` between its "generated" marker
    lines from ``TRACKING_QUERY_PARAMETERS`` and ``SESSION_COOKIE_NAME``
    (:mod:`isha.edge.vcl`), leaving the rest of the file as it is. ``--check`` writes
    nothing and fails (status 1) when the file differs from the settings; ``--path``
    names another VCL file. A file without the markers, or a setting that cannot be
    written as VCL, is an error naming it.
    """

    help = "Rewrite the settings-derived block of deploy/varnish/default.vcl (--check: only compare)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail if the file is out of date.")
        parser.add_argument("--path", type=Path, default=vcl.VCL_PATH, help="The VCL file.")

    def handle(self, *args, check=False, path=vcl.VCL_PATH, **options):
        try:
            text = path.read_text()
            updated = vcl.with_block(text, vcl.current_block())
        except (OSError, ValueError) as error:
            raise CommandError(f"{path}: {error}") from error
        if updated == text:
            self.stdout.write(f"{path} is up to date.")
        elif check:
            raise CommandError(f"{path} is out of date with the settings: run `manage.py edge_vcl`.")
        else:
            path.write_text(updated)
            self.stdout.write(f"{path} updated from the settings.")
