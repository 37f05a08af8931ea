"""Whole-page caching for anonymous readers, invalidated by any content change.

Public pages are the same for every visitor without a session, so their rendered
responses are kept in the cache (Redis in production) under the page's full path,
together with the *generation* number current when it was made. Any change to content
(an article, author, source, the sign-up form's copy...) bumps the generation, which
retires every cached page at once without having to know which pages showed the
changed row. Scheduled articles need no job either: a page is never kept past the next
scheduled publication time. A hit costs one cache round trip (the generation and the
page are read together).

Who is never served from or stored in the cache: anyone with a session cookie (staff
previews, logged-in pages), requests other than GET/HEAD, requests with a ``preview``
parameter, and responses that set cookies or are not 200.
"""

import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import patch_cache_control

GENERATION_KEY = "pagecache:generation"
NEXT_CHANGE_KEY = "pagecache:next-change"
PAGE_KEY_PREFIX = "pagecache:page:"


def generation():
    """The current content generation (an int), created on first use."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        # Time-based start, so a restarted cache cannot revive pages of an old generation.
        cache.add(GENERATION_KEY, int(time.time() * 1000))
        value = cache.get(GENERATION_KEY)
    return value


def invalidate(**_signal_kwargs):
    """Retire every cached page (call on any content change; usable as a signal receiver)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        generation()
        cache.incr(GENERATION_KEY)
    cache.delete(NEXT_CHANGE_KEY)


def _seconds_until_next_change():
    """Seconds until the next scheduled publication (``None`` if none is scheduled)."""
    next_change = cache.get(NEXT_CHANGE_KEY)
    if next_change is None:
        from articles.models import Article

        upcoming = (
            Article.objects.scheduled()
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        next_change = upcoming.timestamp() if upcoming else 0
        cache.set(NEXT_CHANGE_KEY, next_change, timeout=settings.PAGE_CACHE_SECONDS)
    if not next_change:
        return None
    return max(0, next_change - time.time())


def _cacheable_request(request):
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "preview" not in request.GET
    )


def _cached_response(request):
    """The stored page for ``request`` if it is still current, else ``None``.

    Remembers the generation it saw on the request, so storing a freshly rendered page
    needs no second look-up. One round trip: the generation and the page together.
    """
    key = PAGE_KEY_PREFIX + request.get_full_path()
    found = cache.get_many([GENERATION_KEY, key])
    current = found.get(GENERATION_KEY)
    if current is None:
        current = generation()
    request._page_cache = (key, current)
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
    if response.status_code == 200 and not response.cookies and not response.streaming:
        cache.set(key, (current, time.time() + timeout, response), timeout)


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
            # A cookie set on the way out (a session, a CSRF token) makes the page personal.
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
        key, current = request._page_cache
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200 and not response.cookies and not response.streaming:
            until_change = _seconds_until_next_change()
            timeout = ttl if until_change is None else min(ttl, int(until_change))
            if timeout > 0:
                response["X-Page-Cache"] = "miss"
                patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_BROWSER_SECONDS)
                entry = (key, current, timeout)
                if getattr(request, "_page_cache_middleware", False):
                    response._page_cache_entry = entry
                else:
                    _store(response, entry)
        return response

    return wrapper
