"""Answering page-cache hits at the WSGI level, before Django builds a request.

A hit needs no request object, no middleware and no view: :class:`EarlyHits` wraps the
WSGI application (``isha/wsgi.py``) and answers a fresh stored page from its bytes and
headers with one cache round trip, after the checks that must come first, in Django's
own terms:

- the HTTPS redirect: with ``SECURE_SSL_REDIRECT``, a request that is not secure (by
  ``SECURE_PROXY_SSL_HEADER`` or the WSGI scheme, as ``HttpRequest.is_secure`` decides)
  goes to Django, which redirects it;
- the host: ``ALLOWED_HOSTS`` through Django's ``validate_host`` (the host read as
  ``HttpRequest.get_host`` reads it, ``USE_X_FORWARDED_HOST`` included); a refused one
  goes to Django, which answers 400;
- the session cookie, a ``preview`` parameter, a NUL byte, a method other than GET/HEAD,
  a path whose view is not a cached one: Django.

Everything else that is not a fresh hit (a miss, a stale page, the cache unreachable)
goes to Django as well, where :class:`isha.pagecache.PageCacheMiddleware` deals with it.
The headers ``SecurityMiddleware`` adds to every response (it runs outside the page
cache, so stored pages lack them) are added here the same way; a test compares both paths.
"""

import time
from http import HTTPStatus
from http.cookies import SimpleCookie

from django.conf import settings
from django.core.handlers.wsgi import get_path_info, get_script_name
from django.http import QueryDict
from django.http.request import split_domain_port, validate_host
from django.urls import Resolver404, resolve
from django.utils.http import parse_http_date_safe

from . import representation as rep
from .serving import FRESH, NEVER_LOOKED_UP, look_up_parts

_SPECS_MAX = 10_000


class EarlyHits:
    """WSGI middleware: ``EarlyHits(django_application)``. Answers fresh page-cache hits
    itself, passes every other request to the wrapped application unchanged."""

    def __init__(self, application):
        self.application = application
        self._specs: dict[str, object] = {}

    def __call__(self, environ, start_response):
        if settings.PAGE_CACHE_SECONDS and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            answer = self._hit(environ)
            if answer is not None:
                status, headers, body = answer
                start_response(status, headers)
                return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]
        return self.application(environ, start_response)

    def _hit(self, environ):
        query_string = environ.get("QUERY_STRING", "")
        if "\x00" in query_string or "%00" in query_string or not self._passes_checks(environ):
            return None
        path_info = get_path_info(environ) or "/"
        if "\x00" in path_info or path_info in NEVER_LOOKED_UP:
            return None
        spec = self._spec(path_info)
        if spec is None:
            return None
        query = QueryDict(query_string)
        if "preview" in query:
            return None
        path = get_script_name(environ).rstrip("/") + path_info
        found = look_up_parts(path, query, spec.query)
        if found is None or found.state != FRESH:
            return None
        return _respond(environ, found.entry)

    def _spec(self, path_info):
        if path_info not in self._specs:
            if len(self._specs) >= _SPECS_MAX:
                self._specs.clear()
            try:
                match = resolve(path_info)
            except Resolver404:
                self._specs[path_info] = None
            else:
                self._specs[path_info] = getattr(match.func, "page_cache", None)
        return self._specs[path_info]

    def _passes_checks(self, environ):
        if settings.SESSION_COOKIE_NAME in environ.get("HTTP_COOKIE", "") and _has_session(environ):
            return False
        if settings.SECURE_SSL_REDIRECT and not _is_secure(environ):
            return False
        return _host_allowed(environ)


def _has_session(environ):
    try:
        cookies = SimpleCookie(environ.get("HTTP_COOKIE", ""))
    except Exception:  # a cookie header Python cannot parse: let Django decide
        return True
    return settings.SESSION_COOKIE_NAME in cookies


def _is_secure(environ):
    header = settings.SECURE_PROXY_SSL_HEADER
    if header:
        name, secure_value = header
        value = environ.get(name)
        if value is not None:
            return value.split(",", 1)[0].strip() == secure_value
    return environ.get("wsgi.url_scheme") == "https"


def _host_allowed(environ):
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
        host = environ["HTTP_X_FORWARDED_HOST"]
    elif "HTTP_HOST" in environ:
        host = environ["HTTP_HOST"]
    else:  # as HttpRequest._get_raw_host composes it
        host = environ.get("SERVER_NAME", "")
        if str(environ.get("SERVER_PORT")) != ("443" if _is_secure(environ) else "80"):
            host = f"{host}:{environ.get('SERVER_PORT')}"
    domain, _port = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return bool(domain) and validate_host(domain, allowed)


def security_headers(secure):
    """The headers Django's ``SecurityMiddleware`` adds to a response (from the same
    settings), for a request that was ``secure`` or not."""
    headers = []
    if secure and settings.SECURE_HSTS_SECONDS:
        value = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            value += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            value += "; preload"
        headers.append(("Strict-Transport-Security", value))
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    policy = settings.SECURE_REFERRER_POLICY
    if policy:
        value = policy if isinstance(policy, str) else ",".join(policy)
        headers.append(("Referrer-Policy", value))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    return headers


def _not_modified(environ, etag, last_modified):
    """RFC 9110 §13.1.2 and §13.1.3, as Django's ``get_conditional_response`` applies them."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        wanted = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in wanted or etag.removeprefix("W/") in wanted
    since = parse_http_date_safe(environ.get("HTTP_IF_MODIFIED_SINCE", ""))
    modified = parse_http_date_safe(last_modified)
    return since is not None and modified is not None and modified <= since


def _respond(environ, entry):
    """``(status line, headers, body)`` for a fresh stored page."""
    coding = rep.choose_coding(environ.get("HTTP_ACCEPT_ENCODING"), entry.bodies)
    body, etag = entry.bodies[coding], entry.etags[coding]
    left = None if entry.cap_at is None else entry.cap_at - time.time()
    headers = [(name, value) for name, value in entry.headers if name.lower() != "last-modified"]
    headers += [
        ("ETag", etag),
        ("Last-Modified", entry.last_modified),
        ("Cache-Control", rep.shared_cache_control(left)),
        ("X-Page-Cache", "hit"),
        *security_headers(_is_secure(environ)),
    ]
    status = entry.status
    if 200 <= status < 300 and _not_modified(environ, etag, entry.last_modified):
        kept = {"cache-control", "content-location", "date", "etag", "expires", "last-modified", "vary"}
        return "304 Not Modified", [(n, v) for n, v in headers if n.lower() in kept], b""
    if coding != "identity":
        headers.append(("Content-Encoding", coding))
    headers.append(("Content-Length", str(len(body))))
    return f"{status} {HTTPStatus(status).phrase}", headers, body
