"""Small response middleware the project needs and Django does not ship."""

import logging
from urllib.parse import unquote_plus

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.urls import reverse

logger = logging.getLogger(__name__)


class PermissionsPolicyMiddleware:
    """Add the ``Permissions-Policy`` header (W3C Permissions Policy) from settings.

    ``settings.PERMISSIONS_POLICY`` is the header's value, e.g. ``"camera=(), geolocation=()"``;
    empty sends nothing. A view that set the header itself keeps its own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RefuseNulBytesMiddleware:
    """Answer 400 to a request whose path or query string holds a NUL byte (``%00``).

    No page of ours has a NUL in its address, and PostgreSQL refuses NUL in text values
    ("A string literal cannot contain NUL (0x00) characters"), so a NUL reaching a query
    (a search, an admin filter, a slug) would answer 500. Refused first, before the page
    cache or any view, on every database alike. ``%2500`` (the text ``%00``) is no NUL.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # path_info is already percent-decoded; the query string is decoded as QueryDict does.
        if "\x00" in request.path_info or "\x00" in unquote_plus(request.META.get("QUERY_STRING", "")):
            return HttpResponseBadRequest(
                "Bad request: the address holds a NUL character.", content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)


class AdminOutOfRangeParametersMiddleware:
    """Answer 400, not 500, when an admin list's parameters overflow Python's dates.

    Django's admin reads a list's filters and date drill-down from the query string and
    catches most bad values, but not all: ``?created_at__year=9999&created_at__month=12``
    makes it compute a year 10000, ``?created_at__year=0`` fails when the count's SQL is
    made, and a time at the edge of year 1 or 9999 overflows when converted to or from the
    site's zone (``OverflowError``, ``ValueError("year ... is out of range")``). That holds
    for every list, third-party ones (django-axes, django-otp) included, so the answer is
    given here for any GET to the admin with a query string. Other errors, and any error
    without a query string, stay 500s: they are bugs, not odd input. Logged as a warning.
    """

    OUT_OF_RANGE = ("out of range", "too large to convert")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OverflowError, ValueError)):
            return None
        if request.method not in ("GET", "HEAD") or not request.META.get("QUERY_STRING"):
            return None
        if not request.path.startswith(reverse("admin:index")):
            return None
        if not any(words in str(exception) for words in self.OUT_OF_RANGE):
            return None
        logger.warning("Admin parameters out of range on %s: %s", request.path, exception)
        return HttpResponseBadRequest(
            "Bad request: a date in the address is out of range.", content_type="text/plain; charset=utf-8"
        )
