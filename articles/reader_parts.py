"""What readers get of an article's own text, rendered once after it is saved.

An article page shows, besides lists of other articles read at request time, the
article's body as readers see it (sanitised, its ``[cite:N]`` markers numbered, its
headings anchored, its library images responsive), a table of contents, the numbered
source list, the reading time and the sources' JSON-LD ``citation`` nodes. All of them
derive from the article itself (its body and the sources it cites), so they are made
once, after each committed change of the article, of a source it cites or of a library
image it shows, and kept on the row (``Article.reader_parts``); a page view then only
reads them. That is most of the cost of an uncached article page (about 2 ms of markup
work and the source list's query and template).

A stored rendering is used only while it matches: its ``key`` names the format
(:data:`RENDER_VERSION`) and the body's SHA-256, so a body written by a path that skipped
the refresh (a bulk update, a fixture) is rendered live, never shown stale.
"""

import hashlib
import json

from django.db import transaction
from django.template.loader import render_to_string

from isha.commits import on_commit_once

from .citations import number_sources
from .library import render_library_images
from .sanitize import sanitize_for_readers, sanitize_html
from .structured_data import citation_node
from .toc import add_heading_anchors, reading_time

#: Bump when what :func:`render_parts` makes changes shape or markup: every stored
#: rendering then stops matching and pages render live until the next refresh.
RENDER_VERSION = 1
PART_NAMES = ("body", "toc_html", "sources_html", "citations", "source_count", "reading_minutes")


class ReaderParts(dict):
    """The dict :func:`render_parts` returns (templates read its keys as attributes).

    ``body``, ``toc_html`` (empty below two headings) and ``sources_html`` (empty
    without sources) are safe HTML strings; ``citations`` a JSON array (text) of the
    sources' schema.org ``CreativeWork`` nodes, in reader order (:meth:`citation_nodes`);
    ``source_count`` and ``reading_minutes`` ints; ``key`` the :func:`parts_key` it was
    made for.
    """

    def citation_nodes(self) -> list[dict]:
        """The ``citations`` as a list of dicts, their keys in the order they were made."""
        return json.loads(self["citations"])


def parts_key(body: str) -> str:
    """``"<RENDER_VERSION>:<SHA-256 hex of body>"``: what a stored rendering was made from."""
    return f"{RENDER_VERSION}:{hashlib.sha256((body or '').encode()).hexdigest()}"


def render_parts(article, sources) -> ReaderParts:
    """Render ``article``'s own parts for readers (:class:`ReaderParts`).

    ``sources`` are the attached ``Source`` objects in the article's order. The body
    is sanitised before the substitutions (which need clean HTML to tell text from
    tags) and after them (what readers get), whatever path stored it. Runs one query
    when the body shows library images.
    """
    numbered = number_sources(sanitize_html(article.body), sources)
    body, toc = add_heading_anchors(numbered.body)
    return ReaderParts(
        key=parts_key(article.body),
        body=sanitize_for_readers(render_library_images(body)),
        toc_html=render_to_string("includes/article_toc.html", {"toc": toc}) if len(toc) > 1 else "",
        sources_html=(
            render_to_string("includes/article_sources.html", {"sources": numbered.entries})
            if numbered.entries
            else ""
        ),
        # As text: PostgreSQL's jsonb would reorder each node's keys, and the page's
        # JSON-LD is to stay byte for byte what it was.
        citations=json.dumps([citation_node(source) for _number, source, _backlinks in numbered.entries]),
        source_count=len(numbered.entries),
        reading_minutes=reading_time(article.body),
    )


def stored_parts(article) -> ReaderParts | None:
    """``article``'s stored rendering when it was made from its current body, else None."""
    stored = article.reader_parts or {}
    if stored.get("key") != parts_key(article.body) or not all(name in stored for name in PART_NAMES):
        return None
    return ReaderParts(stored)


def parts_for(article) -> ReaderParts:
    """The stored rendering of ``article`` (no query), or one rendered now (one query
    for its sources) when none matches its body."""
    from .models import Source  # the models import this package's modules

    return stored_parts(article) or render_parts(article, list(Source.objects.cited_by(article)))


def store_parts(article_ids) -> int:
    """Render and store the parts of the articles with ``article_ids`` (an iterable of
    pks; missing ones are skipped); returns how many were written. Each row is written
    with one UPDATE of ``reader_parts`` alone, so its version, history and modification
    time stay."""
    from .models import Article, Source

    written = 0
    for pk in list(article_ids):
        # The row lock orders concurrent refreshes of one article (a source edit's and a
        # citation change's): each reads after the one before has written, so the last
        # write is made from the latest committed body and sources, never an older read.
        with transaction.atomic():
            article = Article.objects.select_for_update().only("pk", "body").filter(pk=pk).first()
            if article is not None:
                parts = render_parts(article, list(Source.objects.cited_by(article)))
                written += Article.objects.filter(pk=pk).update(reader_parts=dict(parts))
    return written


def store_parts_on_commit(article_ids) -> None:
    """Register :func:`store_parts` for ``article_ids`` to run once the current
    transaction commits (never after a rollback; at once outside a transaction).

    The changes of one transaction share one refresh (:func:`isha.commits.on_commit_once`),
    so each article is rendered once however many of its rows changed (a save with twenty
    citations renders the page once, not twenty-one times).

    Robust (https://docs.djangoproject.com/en/stable/topics/db/transactions/#django.db.transaction.on_commit):
    the change it follows has committed, so a failure is logged, not raised, and the
    page renders live until the next refresh.
    """
    ids = dict.fromkeys(article_ids)
    if ids:
        on_commit_once(store_parts, ids)


def articles_citing(source_ids):
    """Pks of the articles citing any of ``source_ids``, as a list."""
    from .models import Citation

    citing = Citation.objects.filter(source_id__in=source_ids)
    return list(citing.values_list("article_id", flat=True).distinct())


def articles_showing(image_id):
    """Pks of the articles whose body shows library image ``image_id``, as a list."""
    from .models import Article

    return list(Article.objects.filter(body__contains=f'data-file="{image_id}"').values_list("pk", flat=True))


def source_saved(sender, instance, **kwargs):
    """``post_save`` of a ``Source``: refresh the articles citing it once it commits."""
    store_parts_on_commit(articles_citing([instance.pk]))


def citation_changed(sender, instance, **kwargs):
    """``post_save``/``post_delete`` of a ``Citation``: refresh its article once it commits."""
    store_parts_on_commit([instance.article_id])


def image_changed(sender, instance, **kwargs):
    """``post_save``/``post_delete`` of a library ``Image``: refresh the articles showing it."""
    store_parts_on_commit(articles_showing(instance.pk))


def connect_signals(models) -> None:
    """Connect the receivers above to ``models`` (``{name: model class}``: ``Source``,
    ``Citation``, ``Image``). Call it before the page cache's own receivers are connected:
    receivers run in the order they were connected, and the stored parts must be written
    before the cached pages are retired, or a reader could cache a page with the old ones.
    """
    from django.db.models.signals import post_delete, post_save

    post_save.connect(source_saved, sender=models["Source"], dispatch_uid="reader_parts_source")
    for signal in (post_save, post_delete):
        signal.connect(citation_changed, sender=models["Citation"], dispatch_uid="reader_parts_citation")
        signal.connect(image_changed, sender=models["Image"], dispatch_uid="reader_parts_image")
