"""Health endpoints: ``/healthz/live`` for load balancers, ``/healthz`` for monitoring.

A load balancer should probe ``/healthz/live``: it answers 200 whenever this process
can answer at all, touching neither the database nor the cache, so an outage shared by
every host (a Redis or database restart) never takes every host out of rotation at once.

``/healthz`` reports each dependency for monitoring and alerts. The site serves pages
without the cache (uncached, :mod:`isha.cacheguard`), so a cache that is down leaves the
site *degraded* (200); without the database it is *down* (503).
"""

import logging
import time

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

OK, DEGRADED, DOWN = "ok", "degraded", "down"


def _check_database():
    """``OK``, or raises whatever the database driver raises."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


def _check_cache():
    """``OK``; ``DEGRADED`` if the cache answers but loses what was just written (full,
    or evicting); raises whatever the cache backend raises if it cannot be reached."""
    key = "healthz:probe"
    cache.set(key, "ok", timeout=10)
    return OK if cache.get(key) == "ok" else DEGRADED


# Dependency -> (its check, the site's state when it fails).
CHECKS = {"database": (_check_database, DOWN), "cache": (_check_cache, DEGRADED)}


@never_cache
@require_GET
def live(request):
    """Answer 200 ``{"status": "ok"}``: the process is running and answering requests."""
    return JsonResponse({"status": OK})


@never_cache
@require_GET
def healthz(request):
    """Report each dependency as ``"ok"``, ``"degraded"`` or ``"down"``, in JSON.

    ``{"status": "ok" | "degraded" | "down", "checks": {"database": {"status": ...,
    "ms": float}, "cache": {...}}}``: the overall status is the worst effect of a failing
    dependency (cache down: degraded; database down: down). 200 unless the site is down,
    then 503. Error details go to the log, never into the (public) response.
    """
    checks, site = {}, OK
    for name, (check, effect) in CHECKS.items():
        started = time.perf_counter()
        try:
            status = check()
        except Exception:  # any failure means "down"; the log has the details
            logger.exception("healthz: the %s check failed", name)
            status = DOWN
        if status != OK:
            site = _worse(site, effect if status == DOWN else DEGRADED)
        checks[name] = {"status": status, "ms": round((time.perf_counter() - started) * 1000, 1)}
    return JsonResponse({"status": site, "checks": checks}, status=503 if site == DOWN else 200)


def _worse(first, second):
    order = (OK, DEGRADED, DOWN)
    return max(first, second, key=order.index)
