"""Small response middleware the project needs and Django does not ship."""

from urllib.parse import unquote_plus

from django.conf import settings
from django.http import HttpResponseBadRequest


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
