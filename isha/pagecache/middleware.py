"""The page cache's middleware and the decorator that marks a view's pages as shareable."""

from functools import partial, wraps
from typing import Any, NamedTuple

from django.conf import settings
from django.urls import Resolver404, resolve

from . import representation as rep
from .serving import (
    FRESH,
    SOFT,
    cacheable_request,
    conditional,
    from_entry,
    look_up,
    release_lock,
    take_lock,
    wait_for_fresh,
)
from .storing import next_change_before_render, prepare, store


class PageSpec(NamedTuple):
    """What a cacheable view declares: the ``query`` parameters it reads and ``keys``, a
    callable ``(request, response) -> iterable of surrogate keys`` (or None)."""

    query: tuple[str, ...]
    keys: Any


def serve(request, spec: PageSpec, render, *, defer_store: bool):
    """The response for a cacheable ``request``: stored, or from ``render()`` (a callable
    returning a rendered response) under the page's single-flight lock, then stored
    (when the response closes, with ``defer_store``: the middleware around a view may
    still set a cookie after it returns)."""
    found = look_up(request, spec.query) if settings.PAGE_CACHE_SECONDS else None
    if found is not None and found.state == FRESH:
        return from_entry(request, found.entry, FRESH)
    holds = False
    if found is not None:
        holds = take_lock(found.page)
        if not holds and found.state == SOFT:
            return from_entry(request, found.entry, SOFT)
        if not holds:
            entry, holds = wait_for_fresh(found)
            if entry is not None:
                return from_entry(request, entry, FRESH)
    released = False
    try:
        moment = next_change_before_render(found)
        response = render()
        prepared = prepare(request, response, spec, found, keep=found is not None, moment=moment)
        if prepared is not None and defer_store:
            # Stored (and the lock released) when the server closes the response.
            answer = conditional(request, response)
            answer._resource_closers.append(
                partial(_store_then_release, found.page, answer, response, prepared)
            )
            released = True
            return answer
        if prepared is not None:
            store(found.page, response, prepared)
        return conditional(request, response)
    finally:
        if holds and not released:
            release_lock(found.page)


def _store_then_release(page, answer, response, prepared):
    try:
        if not answer.cookies:
            store(page, response, prepared)
    finally:
        release_lock(page)


class PageCacheMiddleware:
    """Answer cache hits before sessions, authentication and the view run; render misses
    under the page's lock and store them on their way out, with the headers the inner
    middleware added. Every response that set no ``Cache-Control`` of its own leaves
    marked ``private, no-store``.

    Place it after SecurityMiddleware (HTTPS redirects come first) and WhiteNoise
    (static files never reach it), before the middleware that adds the Content Security
    Policy and other headers, so a stored page carries them. Only views decorated with
    :func:`cache_public_page` are looked up (the URL is resolved here to find out).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        spec = _spec_for(request) if cacheable_request(request) else None
        if spec is None:
            response = self.get_response(request)
        else:
            request._page_cache_served = True
            response = serve(request, spec, partial(self.get_response, request), defer_store=False)
        if "Cache-Control" not in response:
            response["Cache-Control"] = rep.PRIVATE
        return response


def _spec_for(request):
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return getattr(match.func, "page_cache", None)


def cache_public_page(view=None, *, query=(), keys=None):
    """Decorate a view whose anonymous GET responses may be shared between visitors.

    ``query``: the names of the query parameters the view reads (``("page",)``); the page
    is keyed on the path and those only. ``keys``: a callable ``(request, response)``
    returning the surrogate keys of what the response shows (a 404 is shared only when it
    names some). Usable bare (``cache_public_page(view)``) or with arguments.

    Cached for ``PAGE_CACHE_SECONDS`` (0: never stored here, but the headers below are
    still sent), never past the next scheduled change. Responses carry ``X-Page-Cache``
    (``hit``, ``stale``, ``miss``), ``Cache-Control`` for shared caches, ``Surrogate-Key``
    and ``Cache-Tag``, an ``ETag`` and ``Last-Modified``, and the encoding the client
    accepts. With :class:`PageCacheMiddleware` installed, the middleware does the work;
    without it the decorator does it itself.
    """
    if view is None:
        return partial(cache_public_page, query=query, keys=keys)
    spec = PageSpec(tuple(query), keys)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if getattr(request, "_page_cache_served", False) or not cacheable_request(request):
            return view(request, *args, **kwargs)

        def render():
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            return response

        return serve(request, spec, render, defer_store=True)

    wrapper.page_cache = spec  # type: ignore[attr-defined]
    return wrapper
