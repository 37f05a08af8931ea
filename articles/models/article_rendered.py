"""What readers get of an article's own text, prepared once it is saved rather than on
every page view: its body as shown (sanitised, citations numbered, headings anchored,
library images made responsive), its table of contents and its source list."""

from django.db import models


class RenderedArticle(models.Model):
    """The stored reader's rendering of an article (abstract; ``Article`` has it).

    ``reader_parts`` is the dict :func:`articles.reader_parts.render_parts` makes, written
    by :func:`articles.reader_parts.store_parts` after each committed save of the article,
    of a source it cites or of a library image its body shows. It holds only what derives
    from the article itself, never lists of other articles. An empty or outdated dict
    (see :func:`articles.reader_parts.stored_parts`) makes the page render it live.
    """

    reader_parts = models.JSONField(default=dict, blank=True, editable=False)

    # Derived after each save, so the history (which records saves) leaves it out.
    derived_fields = ("reader_parts",)

    class Meta:
        abstract = True
