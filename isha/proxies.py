"""The client's address behind the site's own proxies, one rule for every caller.

Used by the sign-up rate limit (``signups.abuse``) and the admin login throttle
(``AXES_CLIENT_IP_CALLABLE`` in settings), so both count the same client.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """Return the client's address as a string, trusting ``SIGNUP_TRUSTED_PROXY_HOPS`` proxies.

    With N trusted hops, each proxy appends the address it received the request from to
    ``X-Forwarded-For``, so the client is the Nth entry from the right; entries further
    left were written by the client and prove nothing (MDN, "X-Forwarded-For: Security
    and privacy concerns"). With 0 hops (or a header shorter than N) the socket's
    ``REMOTE_ADDR`` is used; an empty string if even that is missing.
    """
    hops = settings.SIGNUP_TRUSTED_PROXY_HOPS
    if hops > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")
