"""``manage.py refresh_editorial_checks``: store every article's editorial checks again.

Run once after deploying new or changed checks (see :mod:`articles.editorial_checks`); an
article's save and a change of the checks' site settings refresh them on their own.
"""

from typing import Any

from django.core.management.base import BaseCommand

from articles.editorial_checks.stored import refresh_all_stored_checks


class Command(BaseCommand):
    """Re-runs the editorial checks on every article and prints how many it checked."""

    help = "Run the editorial checks (reading level, claims...) on every article and store the results."

    def handle(self, *args: Any, **options: Any) -> None:
        count = refresh_all_stored_checks()
        self.stdout.write(f"Checked {count} article{'s' if count != 1 else ''}.")
