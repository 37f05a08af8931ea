"""Answering while the database is down: a styled 503 with ``Retry-After``, never a traceback.

Django turns an exception that escapes a view or a middleware into the ``handler500``
view (https://docs.djangoproject.com/en/6.1/ref/views/#the-500-server-error-view),
called while the exception is being handled, so :func:`server_error` can tell a
database that cannot be reached (:data:`DATABASE_UNAVAILABLE`) from a bug. The former
gets ``503 Service Unavailable`` with ``Retry-After`` (RFC 9110, 15.6.4 and 10.2.3),
rendered from ``503.html`` without a request context, so no context processor or
template tag can query the database again. Pages already in the page cache are
answered before any view runs (:mod:`isha.pagecache`), so they are still served.

This module knows no app. A view that must answer differently (the sign-up form keeps
the typed address and says nothing was stored) is registered by its app in
``AppConfig.ready()`` with :func:`respond_when_database_is_down`.
"""

import sys

from django.http import HttpResponse
from django.template import loader
from django.views import defaults

# IntegrityError, ProgrammingError and the like are bugs and stay 500s. Logging of the
# 503s: one report per minute (isha.logfilters, configured in settings.LOGGING).
from isha.logfilters import DATABASE_UNAVAILABLE

# How long clients are asked to wait (seconds): about a database restart or fail-over.
RETRY_AFTER_SECONDS = 30

# View name ("app:name") -> callable(request) returning a response, or None for the page.
_responders = {}


def respond_when_database_is_down(view_name, responder):
    """Let the view named ``view_name`` (``"namespace:name"``, as ``reverse()`` takes it)
    answer for itself when the database is down: ``responder(request)`` returns an
    ``HttpResponse`` or ``None`` for the usual 503 page. It must not touch the database.
    ``Retry-After`` is added to its response if missing. Registering again replaces."""
    _responders[view_name] = responder


def unavailable_response(template_name="503.html", context=None, *, content_type=None):
    """The 503 response for ``template_name`` (rendered without a request) with
    ``Retry-After: RETRY_AFTER_SECONDS``. ``context`` is a plain dict."""
    content = loader.get_template(template_name).render(context or {})
    response = HttpResponse(content, status=503, content_type=content_type)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def database_unavailable(request):
    """The answer to ``request`` while the database is down: the registered responder of
    its view, if any answers, else the styled ``503.html`` page."""
    match = getattr(request, "resolver_match", None)
    responder = _responders.get(match.view_name) if match is not None else None
    response = responder(request) if responder is not None else None
    if response is None:
        return unavailable_response()
    response.setdefault("Retry-After", str(RETRY_AFTER_SECONDS))
    return response


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """``handler500``: 503 (:func:`database_unavailable`) when the exception being handled
    is one of :data:`DATABASE_UNAVAILABLE`, else Django's own 500 page."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    return defaults.server_error(request, template_name)
