"""Where the site links to its standalone pages by themselves: the editorial standards,
privacy notice and medical disclaimer (:class:`articles.models.Page` by ``purpose``)."""

from django.core.cache import cache
from django.db import DatabaseError

from isha import cacheguard, pagecache

from .models import Page


def linked_pages():
    """``{purpose: {"title": ..., "url": ...}}`` for each published page with a purpose, in
    the order of ``Page.Purpose`` (``url`` a path, e.g. ``/about/privacy-notice/``); a
    purpose without a published page is absent. Kept in the cache per page-cache generation,
    like the site's copy, so a page costs no query for it; saving any page retires the
    generation. ``{}`` when the database cannot be read (an error page must still render)."""
    generation = pagecache.generation()
    key = f"linked-pages:{generation}"
    if generation is not None:
        cached = cacheguard.guarded(lambda: cache.get(key))
        if cached is not None:
            return cached
    try:
        found = {
            page.purpose: {"title": page.title, "url": page.get_absolute_url()}
            for page in Page.objects.live().exclude(purpose="").only("title", "slug", "purpose")
        }
    except DatabaseError:
        return {}
    pages = {purpose: found[purpose] for purpose in Page.Purpose.values if purpose in found}
    if generation is not None:
        # A day: a retired generation's entry is never read again, so it just expires.
        cacheguard.guarded(lambda: cache.set(key, pages, timeout=24 * 3600))
    return pages


def email_links(site_url):
    """The linked pages for an email's footer: ``[(title, absolute URL)]`` in the order
    editorial standards, privacy notice, medical disclaimer, with ``site_url`` (no trailing
    slash needed) before each path; emails are read far from any request."""
    origin = site_url.rstrip("/")
    return [(link["title"], origin + link["url"]) for link in linked_pages().values()]
