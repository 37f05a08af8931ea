"""``/healthz``: is this web process able to serve (database and cache reachable)?"""

import logging
import time

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache():
    key = "healthz:probe"
    cache.set(key, "ok", timeout=10)
    if cache.get(key) != "ok":
        raise RuntimeError("the cache did not return what was written")


@never_cache
@require_GET
def healthz(request):
    """Answer 200 ``{"status": "ok", ...}`` when the database and cache work, else 503.

    Each check reports ``"ok"`` or ``"error"`` and its time in milliseconds; error
    details go to the log, not to the (public) response. Load balancers poll this.
    """
    checks, healthy = {}, True
    for name, check in (("database", _check_database), ("cache", _check_cache)):
        started = time.perf_counter()
        try:
            check()
            status = "ok"
        except Exception:  # any failure means "not healthy"; the log has the details
            logger.exception("healthz: %s check failed", name)
            status, healthy = "error", False
        checks[name] = {"status": status, "ms": round((time.perf_counter() - started) * 1000, 1)}
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
