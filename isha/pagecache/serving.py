"""Looking pages up, rendering them under a single-flight lock, and storing them.

One look-up is one cache round trip: the page and the versions of the keys this process
remembers it carries are read together (``get_many``); a page whose keys changed since
(its topics did) costs a second trip once. What happens next depends on the page's state
(:mod:`isha.pagecache.invalidation`):

- fresh: served;
- soft-stale: whoever takes the page's lock (``cache.add``, :data:`LOCK_SECONDS`) renders
  it; everyone else gets the stale copy meanwhile (``X-Page-Cache: stale``);
- hard-stale or missing: whoever takes the lock renders; everyone else polls for the fresh
  copy (every :data:`POLL_SECONDS`, for at most :data:`WAIT_SECONDS`), takes the lock if
  it is released without a fresh copy, and renders itself once the wait is over. A stale
  copy is never served.
"""

import time
from functools import partial
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from isha import cacheguard

from . import representation as rep
from .invalidation import CHANGES_KEY, fresh_version, generation, is_hard_change, next_change, version_key
from .keys import every_page_keys, every_page_parameters, valid

PAGE_PREFIX = "pagecache:page:"
LOCK_PREFIX = "pagecache:lock:"
LOCK_SECONDS = 5
WAIT_SECONDS = 2.0
POLL_SECONDS = 0.02
# Health probes never wait on the cache: a hung Redis must not fail them (isha.health).
NEVER_LOOKED_UP = frozenset({"/healthz", "/healthz/live"})
FRESH, SOFT, HARD, MISS = "fresh", "soft", "hard", "miss"
# Headers that belong to one representation or one moment, set when a page is served.
PER_RESPONSE = frozenset({"content-length", "content-encoding", "etag", "cache-control", "x-page-cache"})
_REMEMBERED_MAX = 50_000

# Page cache key -> the surrogate keys its stored page carries, as last seen here.
_remembered: dict[str, tuple[str, ...]] = {}


class Entry(NamedTuple):
    """A stored page: status, headers (shared by its representations), ``bodies`` and
    ``etags`` per coding, surrogate ``keys`` with the ``versions`` read before its render,
    ``last_modified`` (HTTP-date), and POSIX times: ``expires_at`` (end of its life here),
    ``cap_at`` (the next scheduled change, or None)."""

    status: int
    headers: tuple
    bodies: dict
    etags: dict
    keys: tuple
    versions: tuple
    last_modified: str
    expires_at: float
    cap_at: float | None


class Found(NamedTuple):
    """A look-up's result: the page's cache key, its entry (or None), its state, the
    versions read with it (key name -> int, None when absent) and the change counter."""

    page: str
    entry: Entry | None
    state: str
    versions: dict
    counter: int | None


def cacheable_request(request) -> bool:
    """True for a request pages may be shared with: GET or HEAD, without the session
    cookie, without a ``preview`` parameter, not a health probe."""
    return (
        request.method in ("GET", "HEAD")
        and request.path_info not in NEVER_LOOKED_UP
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "preview" not in request.GET
    )


def page_key(request, query) -> str:
    """The cache key of ``request``'s page: its path and the values of the parameters
    the view reads (``query``, plus those every page reads); the last value of a repeated
    parameter, as ``QueryDict.get`` reads it. Other parameters never split the cache."""
    return page_key_for(request.path, request.GET, query)


def page_key_for(path, get, query) -> str:
    """:func:`page_key` from the parts: ``path`` (``request.path``), ``get`` (a ``QueryDict``)."""
    names = sorted(set(query) | every_page_parameters())
    pairs = "&".join(f"{name}={get[name]}" for name in names if name in get)
    return f"{PAGE_PREFIX}{path}?{pairs}"


def _state(entry, versions) -> str:
    if entry is None:
        return MISS
    state = FRESH
    for name, kept in zip(entry.keys, entry.versions, strict=True):
        current = versions.get(name)
        if current == kept:
            continue
        if is_hard_change(kept, current) or current < kept:
            return HARD
        state = SOFT
    return state


def _read(page, names, *extra):
    found = cache.get_many([page, CHANGES_KEY, *extra, *map(version_key, names)])
    return found, {name: found.get(version_key(name)) for name in names}


def look_up(request, query) -> Found | None:
    """The stored page for ``request`` and its state; ``None`` while the cache cannot be
    reached. Raises ``DisallowedHost`` (a 400) for a host outside ``ALLOWED_HOSTS``, as
    Django's ``CommonMiddleware`` would further in: a hit must not skip that check."""
    request.get_host()
    return look_up_key(page_key(request, query))


def look_up_parts(path, get, query) -> Found | None:
    """:func:`look_up` without a request (the WSGI-level path): the caller checked the host."""
    return look_up_key(page_key_for(path, get, query))


def look_up_key(page) -> Found | None:
    """The stored page under cache key ``page`` and its state (None: cache unreachable)."""
    found = cacheguard.guarded(partial(_read, page, _remembered.get(page, ())))
    if found is None:
        return None
    values, versions = found
    entry = values.get(page)
    if entry is not None and entry.expires_at <= time.time():
        entry = None
    if entry is not None and not set(entry.keys) <= versions.keys():
        missing = [name for name in entry.keys if name not in versions]
        more = cacheguard.guarded(partial(cache.get_many, [version_key(name) for name in missing])) or {}
        versions.update({name: more.get(version_key(name)) for name in missing})
        _remember(page, entry.keys)
    counter = values.get(CHANGES_KEY) or generation()
    return Found(page, entry, _state(entry, versions), versions, counter)


def _remember(page, keys):
    if len(_remembered) >= _REMEMBERED_MAX:
        _remembered.clear()
    _remembered[page] = tuple(keys)


def wait_for_fresh(found: Found) -> tuple[Entry | None, bool]:
    """Poll for the lock holder's fresh copy of ``found``'s page: ``(entry, False)`` once
    it is stored, ``(None, True)`` when this request took the released lock itself,
    ``(None, False)`` when :data:`WAIT_SECONDS` passed (or the cache went away)."""
    lock = LOCK_PREFIX + found.page
    names = found.entry.keys if found.entry else _remembered.get(found.page, ())
    deadline = time.monotonic() + WAIT_SECONDS
    pause = POLL_SECONDS
    while time.monotonic() < deadline:
        time.sleep(pause)
        read = cacheguard.guarded(partial(_read, found.page, names, lock))
        if read is None:
            return None, False
        values, versions = read
        entry = values.get(found.page)
        if entry is not None and not set(entry.keys) <= versions.keys():
            names, pause = entry.keys, 0  # a page with keys not read yet: read them now
            continue
        pause = POLL_SECONDS
        if entry is not None and _state(entry, versions) == FRESH:
            _remember(found.page, entry.keys)
            return entry, False
        if lock not in values and take_lock(found.page):
            return None, True
    return None, False


def take_lock(page) -> bool:
    """True if this request may render ``page`` (it took the single-flight lock)."""
    return bool(cacheguard.guarded(partial(cache.add, LOCK_PREFIX + page, 1, timeout=LOCK_SECONDS)))


def release_lock(page) -> None:
    """Let the next waiter render ``page`` (after this request stored it, or failed to)."""
    cacheguard.guarded(partial(cache.delete, LOCK_PREFIX + page))


def from_entry(request, entry: Entry, state: str):
    """A response for ``request`` from a stored page (a 304 when its validators match)."""
    from django.http import HttpResponse

    response = HttpResponse(status=entry.status, headers=dict(entry.headers))
    rep.set_body(response, entry.bodies, entry.etags, request.META.get("HTTP_ACCEPT_ENCODING"))
    left = None if entry.cap_at is None else entry.cap_at - time.time()
    response["Cache-Control"] = rep.shared_cache_control(left)
    response["Last-Modified"] = entry.last_modified
    response["X-Page-Cache"] = "hit" if state == FRESH else "stale"
    return conditional(request, response)


def conditional(request, response):
    """``response``, or a 304 when the request's validators match it (RFC 9110 §13)."""
    if "HTTP_IF_NONE_MATCH" not in request.META and "HTTP_IF_MODIFIED_SINCE" not in request.META:
        return response
    modified = parse_http_date_safe(response.get("Last-Modified", ""))
    return get_conditional_response(
        request, etag=response.get("ETag"), last_modified=modified, response=response
    )


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


def prepare(request, response, spec, found: Found | None, *, keep: bool):
    """Give a freshly rendered cacheable ``response`` its headers and the representation
    the client accepts; return a :class:`Prepared` when it should be stored (``keep``,
    and the cache answered), else None. A 404 is cacheable only when the view's key
    provider names what it stands for (``article-slug-<slug>``...)."""
    named = valid(spec.keys(request, response)) if spec.keys else frozenset()
    if not storable(response) or (response.status_code == 404 and not named):
        return None
    keys = tuple(sorted(named | every_page_keys()))
    now = time.time()
    counter = found.counter if found else generation()
    moment = next_change(counter, settings.PAGE_CACHE_SECONDS or 600)
    left = None if moment is None else moment - now
    response["Cache-Control"] = rep.shared_cache_control(left)
    _drop_vary_cookie(response)
    rep.tag_headers(response, keys)
    accept = request.META.get("HTTP_ACCEPT_ENCODING")
    ctype = response.get("Content-Type", "")
    if keep and found is not None:
        bodies = rep.encode(response.content, ctype)
    else:  # nothing stored: compress only what this client takes
        bodies = (
            rep.encode(response.content, ctype) if rep.choose_coding(accept, CODINGS) != "identity" else {}
        )
        bodies = bodies or {"identity": response.content}
    tags = rep.etags(bodies)
    last_modified = response.get("Last-Modified") or rep.http_date(now)
    rep.set_body(response, bodies, tags, accept)
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
        _remember(page, prepared.keys)
