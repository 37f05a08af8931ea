"""Whole-page caching for anonymous readers, invalidated by any content change.

Public pages are the same for every visitor without a session, so their rendered
responses are kept in the cache (Redis in production) under the page's full path,
together with the *generation* number current when it was made. Any change to content
(an article, author, source, the sign-up form's copy...) bumps the generation, which
retires every cached page at once without having to know which pages showed the
changed row. The generation never expires: only content changes retire pages.
Scheduled content needs no job either: a page is never kept past the next time content
changes by itself, and caching resumes as soon as that moment has passed. A hit costs
one cache round trip (the generation and the page are read together).

Only hosts in ``ALLOWED_HOSTS`` are answered (Django's ``request.get_host()`` check runs
before a look-up). The cache is a convenience, never a dependency: while it cannot be
reached (:mod:`isha.cacheguard`), pages are rendered for every request, and when it
answers again every page is retired, since an invalidation may have been lost meanwhile.

This module knows no app. Apps tell it about their content in ``AppConfig.ready()``:
:func:`invalidate_on_changes_to` connects their models' save/delete signals to
:func:`invalidate_on_commit`, and :func:`register_next_change` adds a provider of the
next scheduled change (for example the next article publication).

Who is never served from or stored in the cache: anyone with a session cookie (staff
previews, logged-in pages), requests other than GET/HEAD, requests with a ``preview``
parameter, and responses that set cookies or are not 200.
"""

import time
from functools import partial, wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_cache_control

from isha import cacheguard

GENERATION_KEY = "pagecache:generation"
NEXT_CHANGE_KEY = "pagecache:next-change"
PAGE_KEY_PREFIX = "pagecache:page:"
# Health probes never wait on the cache: a hung Redis must not fail them (isha.health).
NEVER_LOOKED_UP = frozenset({"/healthz", "/healthz/live"})

# Callables returning the next aware datetime at which content changes by itself, or None.
_next_change_providers = []


def generation():
    """The current content generation (an int), created on first use; ``None`` while
    the cache cannot be reached."""
    return cacheguard.guarded(_generation)


def _generation():
    value = cache.get(GENERATION_KEY)
    if value is None:
        # Time-based start, so a restarted cache cannot revive pages of an old generation.
        # No timeout: an expiring generation would retire every page on a timer.
        cache.add(GENERATION_KEY, int(time.time() * 1000), timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


def invalidate(**_signal_kwargs):
    """Retire every cached page now (and with them the remembered next scheduled change,
    which is kept per generation).

    Prefer :func:`invalidate_on_commit` inside a transaction: a page retired before the
    commit is refilled from the old rows by the next reader. Tried even during a known
    outage; if the cache cannot be reached, the pages are retired when it answers again.
    """
    cacheguard.guarded(_next_generation, force=True)


def _next_generation():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (or it was evicted): start one, then move on
        _generation()
        cache.incr(GENERATION_KEY)


# An invalidation that failed during an outage is made up for when the cache is back.
cacheguard.on_recovery(_next_generation)


# Set to True on a model instance before saving it when readers can see neither its old
# nor its new state (a draft's autosave): the save then leaves the cached pages alone.
UNSEEN_BY_READERS = "_pagecache_unseen_by_readers"


def invalidate_on_commit(*, using=None, instance=None, **_signal_kwargs):
    """Retire every cached page once the current transaction commits (at once outside one).

    Usable as a ``post_save`` / ``post_delete`` / ``m2m_changed`` receiver (``using`` is the
    signal's database alias). Nothing happens if the transaction is rolled back, and no
    reader can cache the old rows between the invalidation and the commit. ``robust``: the
    change is committed by then, so a cache outage is logged rather than turned into an
    error for the person who saved. A save of an ``instance`` marked with
    :data:`UNSEEN_BY_READERS` retires nothing: an editor writing a draft every few seconds
    would otherwise empty the cache for every reader as often.
    """
    if getattr(instance, UNSEEN_BY_READERS, False):
        return
    transaction.on_commit(invalidate, using=using, robust=True)


def invalidate_on_changes_to(*models):
    """Connect saves, deletes and many-to-many changes of ``models`` to
    :func:`invalidate_on_commit`. Call it from an ``AppConfig.ready()``; calling it
    twice for a model connects it once (the receivers have a ``dispatch_uid``)."""
    for model in models:
        label = model._meta.label
        post_save.connect(invalidate_on_commit, sender=model, dispatch_uid=f"pagecache-save-{label}")
        post_delete.connect(invalidate_on_commit, sender=model, dispatch_uid=f"pagecache-delete-{label}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                invalidate_on_commit,
                sender=field.remote_field.through,
                dispatch_uid=f"pagecache-m2m-{label}-{field.name}",
            )


def register_next_change(provider):
    """Add ``provider``, a callable taking no argument that returns the next aware
    ``datetime`` at which public content changes without a save (a scheduled
    publication), or ``None``. No page is cached past the earliest of these times.
    Registering the same callable twice keeps one. Returns ``provider`` (usable as a
    decorator)."""
    if provider not in _next_change_providers:
        _next_change_providers.append(provider)
    return provider


def _seconds_until_next_change(current):
    """Seconds until the next scheduled change (``None`` if none is scheduled), as seen
    in generation ``current``.

    The answer is kept in the cache with the generation it was computed in: a content
    change (a new schedule) makes it stale at once, even if a reader that asked before the
    change stores it afterwards. Once the moment has passed it is computed again, so
    caching resumes right after a scheduled publication instead of staying off.
    """
    now = time.time()
    known = cacheguard.guarded(partial(cache.get, NEXT_CHANGE_KEY))
    if known is not None and known[0] == current and (not known[1] or known[1] > now):
        next_change = known[1]
    else:
        upcoming = [moment for moment in (provider() for provider in _next_change_providers) if moment]
        # 0 stands for "nothing scheduled", so that is kept too.
        next_change = min(upcoming).timestamp() if upcoming else 0
        cacheguard.guarded(
            partial(cache.set, NEXT_CHANGE_KEY, (current, next_change), timeout=settings.PAGE_CACHE_SECONDS)
        )
    if not next_change:
        return None
    return max(0, next_change - now)


def _cacheable_request(request):
    return (
        request.method in ("GET", "HEAD")
        and request.path_info not in NEVER_LOOKED_UP
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "preview" not in request.GET
    )


def _cached_response(request):
    """The stored page for ``request`` if it is still current, else ``None``.

    Remembers the generation it saw on the request (``None`` if the cache cannot be
    reached, and then nothing is stored), so storing a freshly rendered page needs no
    second look-up. One round trip: the generation and the page together. Raises
    ``DisallowedHost`` (a 400) for a host outside ``ALLOWED_HOSTS``, as Django's
    ``CommonMiddleware`` would further in: a hit must not skip that check.
    """
    request.get_host()
    key = PAGE_KEY_PREFIX + request.get_full_path()
    found = cacheguard.guarded(partial(cache.get_many, [GENERATION_KEY, key])) or {}
    current = found.get(GENERATION_KEY) or generation()
    request._page_cache = None if current is None else (key, current)
    cached = found.get(key)
    # A page made in an older generation was retired by a content change. The entry
    # also carries its own deadline: a page must not outlive the next scheduled
    # publication even if the cache backend keeps it a little longer.
    if cached is not None and cached[0] == current and cached[1] > time.time():
        response = cached[2]
        response["X-Page-Cache"] = "hit"
        return response
    return None


def _store(response, entry):
    key, current, timeout = entry
    # A cookie set on the way out (a session, a CSRF token) makes the page personal.
    if response.status_code == 200 and not response.cookies and not response.streaming:
        # Only what a reader receives: the response object itself may by now hold the
        # request (a test client's) or resources to close, which are no part of the page.
        stored = HttpResponse(response.content, status=response.status_code, headers=response.headers)
        cacheguard.guarded(partial(cache.set, key, (current, time.time() + timeout, stored), timeout))


class PageCacheMiddleware:
    """Answer cache hits before sessions, authentication and the URL resolver run, and
    store pages on their way out, with the headers the inner middleware added.

    Place it after SecurityMiddleware (HTTPS redirects come first) and WhiteNoise
    (static files never reach it), before the middleware that adds the Content Security
    Policy and other headers, so a stored page carries them. Only responses of
    :func:`cache_public_page` views are stored, so nothing else is ever served from it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.PAGE_CACHE_SECONDS and _cacheable_request(request):
            response = _cached_response(request)
            if response is not None:
                return response
        request._page_cache_middleware = True
        response = self.get_response(request)
        entry = getattr(response, "_page_cache_entry", None)
        if entry is not None:
            _store(response, entry)
        return response


def cache_public_page(view):
    """Decorate a view whose anonymous GET responses may be shared between visitors.

    Cached for ``settings.PAGE_CACHE_SECONDS`` (0 turns caching off), never past the next
    scheduled publication. The response says ``X-Page-Cache: hit`` or ``miss`` and is
    marked ``Cache-Control: public, max-age=...`` for anonymous readers only when the
    setting ``PAGE_CACHE_BROWSER_SECONDS`` allows it (default 0: browsers revalidate).
    With :class:`PageCacheMiddleware` installed, it looks pages up and stores them;
    without it the decorator does both itself.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        ttl = settings.PAGE_CACHE_SECONDS
        if not ttl or not _cacheable_request(request):
            return view(request, *args, **kwargs)
        if not hasattr(request, "_page_cache"):
            response = _cached_response(request)
            if response is not None:
                return response
        if request._page_cache is None:  # the cache cannot be reached: render, store nothing
            return view(request, *args, **kwargs)
        key, current = request._page_cache
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200 and not response.cookies and not response.streaming:
            until_change = _seconds_until_next_change(current)
            timeout = ttl if until_change is None else min(ttl, int(until_change))
            if timeout > 0:
                response["X-Page-Cache"] = "miss"
                # Browsers may not keep it past the next scheduled change either.
                browser_seconds = min(settings.PAGE_CACHE_BROWSER_SECONDS, timeout)
                patch_cache_control(response, public=True, max_age=browser_seconds)
                entry = (key, current, timeout)
                if getattr(request, "_page_cache_middleware", False):
                    response._page_cache_entry = entry
                else:
                    # Without the middleware, the page is stored when the server closes
                    # the response: the middleware around this view (sessions, CSRF) may
                    # still set a cookie after it returns. Django's handler closes the
                    # request through the same list.
                    response._resource_closers.append(partial(_store, response, entry))
        return response

    return wrapper
