"""Whole-page caching for anonymous readers, retired by surrogate key, and the HTTP
headers that let a shared cache in front (Varnish, a CDN) do the same.

**Keys.** A page is stored under its path plus the query parameters its view declares
(``cache_public_page(view, query=("page",))``) and those every page reads (the sign-up's
``signup`` success flag); tracking parameters (``TRACKING_QUERY_PARAMETERS``) and any other
parameter never split it. It names what it shows in *surrogate keys*
(:mod:`isha.pagecache.keys`), sent as ``Surrogate-Key`` and ``Cache-Tag``:

- ``site`` (every response: layout, footer, site settings, linked pages), ``signup-copy``
  (the sign-up block, on every page);
- ``home``, ``article-list`` (any page listing articles: lists, latest, related, feeds,
  sitemap), ``feeds``, ``sitemap``;
- ``article-<pk>``, ``author-<pk>``, ``reviewer-<pk>``, ``topic-<pk>``, ``source-<pk>``,
  ``page-<pk>``;
- for a cacheable 404: ``article-slug-<slug>``, ``topic-slug-<slug>``, ``author-slug-<slug>``,
  ``reviewer-slug-<slug>``, ``page-slug-<slug>`` (publishing that slug retires it).

**Invalidation** (:mod:`isha.pagecache.invalidation`). Apps say in ``AppConfig.ready()``
which keys a row's change touches and whether it is *hard* (a removal or correction:
archive, unpublish, a correction note, site or sign-up copy, a deletion). When the
transaction commits, each key's version moves (one ``INCRBY``; a hard change moves its
high bits) and :data:`content_changed` is sent (``keys``, ``hard_keys``) for the edge purge.
Every stored page keeps its keys' versions; a look-up reads the page and those versions
in one ``get_many``, so a change retires exactly the pages carrying its keys, with no
list of pages per key to maintain. A soft-stale page is served to everyone but the one
request holding the page's short lock, which renders it again; a hard-stale one is
never served: others wait for the lock holder's copy, and render themselves if it is
slow (:mod:`isha.pagecache.serving`). A burst of changes therefore sends at most one
render per page to the database at a time.

**Kept from before.** Retired on commit only (never for a rollback); a save marked
:data:`UNSEEN_BY_READERS` (a draft's autosave) retires nothing; the cache is a
convenience (:mod:`isha.cacheguard`: while it is down pages are rendered, and when it
answers again every page is retired, hard); no page lives past the next scheduled change
(:func:`register_next_change`); nothing that set a cookie is stored; the host is checked
before a hit; a session cookie or a ``preview`` parameter bypasses the cache.

**On the wire** (:mod:`isha.pagecache.representation`): ``ETag`` per representation
(identity, gzip, br) and ``Last-Modified``, 304s for conditional GETs (from the cache
too), compression done once at store time, ``Cache-Control: public, max-age=<browser>,
s-maxage=<EDGE_CACHE_SECONDS>, stale-while-revalidate=..., stale-if-error=...`` capped by
the next scheduled change, and ``private, no-store`` on every other response.
"""

from .invalidation import (
    UNSEEN_BY_READERS,
    content_changed,
    generation,
    invalidate,
    invalidate_on_changes_to,
    invalidate_on_commit,
    register_next_change,
    retire_on_commit,
)
from .keys import SITE, Change, key, on_every_page, register_model
from .middleware import PageCacheMiddleware, cache_public_page

__all__ = [
    "SITE",
    "UNSEEN_BY_READERS",
    "Change",
    "PageCacheMiddleware",
    "cache_public_page",
    "content_changed",
    "generation",
    "invalidate",
    "invalidate_on_changes_to",
    "invalidate_on_commit",
    "key",
    "on_every_page",
    "register_model",
    "register_next_change",
    "retire_on_commit",
]
