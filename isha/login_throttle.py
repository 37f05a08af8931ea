"""Admin login throttling: django-axes with two limits, one per (username, address) pair
and a higher one per address.

django-axes (https://django-axes.readthedocs.io/en/latest/4_configuration.html) compares
one number, the largest failure count over its ``AXES_LOCKOUT_PARAMETERS``, with one
``AXES_FAILURE_LIMIT``. The site wants two limits, so :class:`TwoLimitDatabaseHandler`
reports each count as a fraction of its own limit, scaled to the pair limit: the result
reaches ``AXES_FAILURE_LIMIT`` exactly when either count reaches its limit.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.urls import reverse


class TwoLimitDatabaseHandler(AxesDatabaseHandler):
    """Axes' database handler (no cache involved: it works with Redis down) with a pair
    limit (``AXES_FAILURE_LIMIT``) and an address limit (``LOGIN_ADDRESS_FAILURE_LIMIT``).

    Axes asks the handler before any authentication backend runs (``axes.backends.AxesBackend``
    is first in ``AUTHENTICATION_BACKENDS``), so a locked attempt never reaches the password
    hasher.
    """

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """Return the failures that count toward a lockout, in units of the pair limit.

        With a pair limit P and an address limit A: ``max(pair, address * P // A)``, which is
        ``>= P`` exactly when ``pair >= P`` or ``address >= A`` (floor(x * P / A) >= P iff x >= A).
        """
        # In the order of settings.AXES_LOCKOUT_PARAMETERS: the pair, then the address.
        pair_attempts, address_attempts = self.get_user_attempts(request, credentials)
        pair = pair_attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
        address = address_attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
        pair_limit = settings.AXES_FAILURE_LIMIT
        return max(pair, address * pair_limit // settings.LOGIN_ADDRESS_FAILURE_LIMIT)


class RefuseLockedOutLoginMiddleware:
    """Answers a sign-in POST from a locked-out (username, address) pair or address with
    the 429 lockout page before the session, CSRF check, login view and form run.

    Axes alone refuses such a POST inside ``authenticate()`` and then swaps the rendered
    login page for its lockout page: each refused guess still costs a full admin page
    render, so a flood of guesses keeps the workers busy and slows every reader (see
    ``bench/login_flood.py``). Here a refused guess costs the two counting queries. Nothing
    is lost by skipping the rest: refusals during a lockout are not recorded
    (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path == reverse("admin:login"):
            # The admin's login form names its field "username", as axes expects by default.
            credentials = {"username": request.POST.get("username")}
            if not AxesProxyHandler.is_allowed(request, credentials):
                return get_lockout_response(request, None, credentials)
        return self.get_response(request)
