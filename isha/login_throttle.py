"""Admin login throttling: django-axes with two limits, one per (username, address) pair
and a higher one per address.

django-axes (https://django-axes.readthedocs.io/en/latest/4_configuration.html) compares
one number, the largest failure count over its ``AXES_LOCKOUT_PARAMETERS``, with one
``AXES_FAILURE_LIMIT``. The site wants two limits, so :class:`TwoLimitDatabaseHandler`
reports each count as a fraction of its own limit, scaled to the pair limit: the result
reaches ``AXES_FAILURE_LIMIT`` exactly when either count reaches its limit.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

# The order of settings.AXES_LOCKOUT_PARAMETERS, which get_user_attempts follows.
LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]


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
        pair_attempts, address_attempts = self.get_user_attempts(request, credentials)
        pair = pair_attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
        address = address_attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
        pair_limit = settings.AXES_FAILURE_LIMIT
        return max(pair, address * pair_limit // settings.LOGIN_ADDRESS_FAILURE_LIMIT)
