"""Small response middleware the project needs and Django does not ship."""

from django.conf import settings


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
