"""``manage.py refresh_reader_parts``: store every article's rendering for readers again.

Run once after deploying a change of what :func:`articles.reader_parts.render_parts`
makes (with :data:`articles.reader_parts.RENDER_VERSION` bumped) or after loading rows
that skipped ``articles.publishing``; until then those pages are rendered on every view
(correct, only slower). Saves of articles, cited sources and library images refresh
them on their own.
"""

from typing import Any

from django.core.management.base import BaseCommand

from articles.models import Article
from articles.reader_parts import store_parts


class Command(BaseCommand):
    """Renders every article's body, contents and source list and prints how many it stored."""

    help = "Render every article's body, table of contents and source list for readers and store them."

    def handle(self, *args: Any, **options: Any) -> None:
        count = store_parts(Article.objects.values_list("pk", flat=True).iterator())
        self.stdout.write(f"Stored {count} article{'s' if count != 1 else ''}.")
