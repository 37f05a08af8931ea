"""Making a freshly rendered page ready to share, and storing it.

:func:`prepare` gives a cacheable response its headers (``Cache-Control``, surrogate keys,
``ETag``, ``Last-Modified``) and encodings; :func:`store` keeps it with the versions of its
keys as they were before its render (read with the look-up), or, for a page whose keys
were not known then, as they are after it, provided no content changed meanwhile.
"""

import time
from functools import partial
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache

from isha import cacheguard

from . import representation as rep
from .invalidation import CHANGES_KEY, fresh_version, generation, next_change, version_key
from .keys import every_page_keys, valid
from .serving import PER_RESPONSE, Entry, Found, remember


class Prepared(NamedTuple):
    """A rendered page ready to store: what :class:`Entry` needs besides its headers."""

    bodies: dict
    etags: dict
    keys: tuple
    versions: tuple | None
    last_modified: str
    expires_at: float
    cap_at: float | None
    counter: int | None


def storable(response) -> bool:
    """True for a response that may be shared: 200 or 404, not streamed, no cookie set,
    not marked private or no-store by its view."""
    control = response.get("Cache-Control", "")
    return (
        response.status_code in (200, 404)
        and not response.streaming
        and not response.cookies
        and "private" not in control
        and "no-store" not in control
    )


def next_change_before_render(found: Found | None) -> float | None:
    """The POSIX time of the next scheduled change, to be read BEFORE the page renders: a
    render that straddles a scheduled publication shows the state before it, so it must
    not be kept past that moment (read afterwards, the moment would already be the next
    one). ``None``: nothing scheduled."""
    counter = found.counter if found else generation()
    return next_change(counter, settings.PAGE_CACHE_SECONDS or 600)


def prepare(request, response, spec, found: Found | None, *, keep: bool, moment: float | None):
    """Give a freshly rendered cacheable ``response`` its headers and the representation
    the client accepts; return a :class:`Prepared` when it should be stored (``keep``,
    and the cache answered), else None. ``moment``: :func:`next_change_before_render`'s
    answer. A 404 is cacheable only when the view's key provider names what it stands
    for (``article-slug-<slug>``...)."""
    named = valid(spec.keys(request, response)) if spec.keys else frozenset()
    if not storable(response) or (response.status_code == 404 and not named):
        return None
    keys = tuple(sorted(named | every_page_keys()))
    now = time.time()
    left = None if moment is None else moment - now
    response["Cache-Control"] = rep.shared_cache_control(left)
    _drop_vary_cookie(response)
    rep.tag_headers(response, keys)
    accept = request.META.get("HTTP_ACCEPT_ENCODING")
    ctype = response.get("Content-Type", "")
    if keep and found is not None:
        bodies = rep.encode(response.content, ctype)
    else:  # nothing stored: compress only what this client takes
        chosen = rep.choose_coding(accept, CODINGS)
        codings = () if chosen == "identity" else (chosen,)
        bodies = rep.encode(response.content, ctype, codings)
    tags = rep.etags(bodies)
    last_modified = response.get("Last-Modified") or rep.http_date(now)
    rep.set_body(response, bodies, tags, accept, negotiated=rep.negotiable(response.content, ctype))
    response["Last-Modified"] = last_modified
    timeout = settings.PAGE_CACHE_SECONDS if left is None else min(settings.PAGE_CACHE_SECONDS, int(left))
    if not keep or found is None or timeout <= 0:
        return None
    response["X-Page-Cache"] = "miss"
    versions = None
    if found.entry is not None or set(keys) <= found.versions.keys():
        known = found.versions
        if all(known.get(name) is not None for name in keys):
            versions = tuple(known[name] for name in keys)  # read before the render
    return Prepared(bodies, tags, keys, versions, last_modified, now + timeout, moment, found.counter)


CODINGS = ("br", "gzip", "identity")


def _drop_vary_cookie(response):
    # Requests with the session cookie never share pages (every cache passes them), so the
    # anonymous page does not vary by other cookies: Vary: Cookie would only split caches.
    if "Vary" in response:
        kept = [v.strip() for v in response["Vary"].split(",") if v.strip().lower() != "cookie"]
        if kept:
            response["Vary"] = ", ".join(kept)
        else:
            del response["Vary"]


def _versions_after(prepared: Prepared):
    """The keys' versions for a page whose keys were not known before its render, or None
    when content changed meanwhile (the page may hold old rows: not stored)."""
    names = [version_key(name) for name in prepared.keys]
    found = cache.get_many([CHANGES_KEY, *names])
    if found.get(CHANGES_KEY) != prepared.counter:
        return None
    for name in names:
        if found.get(name) is None:
            cache.add(name, fresh_version(), timeout=None)
    found.update(cache.get_many([name for name in names if found.get(name) is None]))
    return tuple(found[name] for name in names)


def store(page, response, prepared: Prepared) -> None:
    """Keep ``response`` (its headers as they are now) with ``prepared``'s bodies under
    ``page``, unless it set a cookie on its way out or content changed during its render."""
    if response.cookies:
        return
    versions = prepared.versions or cacheguard.guarded(partial(_versions_after, prepared))
    if versions is None:
        return
    headers = tuple((name, value) for name, value in response.items() if name.lower() not in PER_RESPONSE)
    status = response.status_code if response.status_code != 304 else 200
    entry = Entry(
        status,
        headers,
        prepared.bodies,
        prepared.etags,
        prepared.keys,
        versions,
        prepared.last_modified,
        prepared.expires_at,
        prepared.cap_at,
    )
    timeout = max(1, int(prepared.expires_at - time.time()))
    if cacheguard.guarded(partial(cache.set, page, entry, timeout), default=False) is not False:
        remember(page, prepared.keys)
