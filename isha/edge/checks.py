"""System checks of the edge's settings (``EDGE_*``, ``CLOUDFLARE_*``), tagged like the
other settings checks (:data:`isha.checks.SETTINGS_TAG`), so ``manage.py check`` and a
starting server (``isha/wsgi.py``) refuse a malformed value by name.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.checks import Warning as CheckWarning

from isha.checks import HINT, SETTINGS_TAG, at_least

BACKENDS = ("", "varnish", "cloudflare")
# Cloudflare's zone identifiers are 32 hexadecimal characters (its API reference, "Zone ID").
ZONE_ID = re.compile(r"[0-9a-f]{32}")

MINIMUMS = {
    "EDGE_PURGE_TIMEOUT": 0.1,
    "EDGE_PURGE_RETRY_SECONDS": 0.1,
    "EDGE_PURGE_MAX_ATTEMPTS": 1,
    "EDGE_REPURGE_SECONDS": 1,
}


def _http_url(value: object) -> bool:
    parts = urlsplit(value) if isinstance(value, str) else None
    return bool(parts and parts.scheme in ("http", "https") and parts.hostname)


@register(SETTINGS_TAG)
def check_edge(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """The backend is a known one and has what it needs: Varnish URLs, or Cloudflare's
    zone id, token and API URL; the times and the number of tries are in range."""
    backend = settings.EDGE_PURGE_BACKEND
    if backend not in BACKENDS:
        return [
            Error(
                f"EDGE_PURGE_BACKEND must be empty, 'varnish' or 'cloudflare', not {backend!r}.",
                hint=HINT,
                id="isha.edge.E001",
            )
        ]
    errors: list[CheckMessage] = at_least(MINIMUMS, check_id="isha.edge.E002")
    if backend == "varnish" and (
        not settings.EDGE_VARNISH_URLS or not all(map(_http_url, settings.EDGE_VARNISH_URLS))
    ):
        errors.append(
            Error(
                "EDGE_VARNISH_URLS must list the http:// URL of each Varnish (comma-separated), "
                f"not {settings.EDGE_VARNISH_URLS!r}.",
                hint=HINT,
                id="isha.edge.E003",
            )
        )
    if backend == "cloudflare":
        errors += _cloudflare_errors()
    return errors


def _cloudflare_errors() -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if not ZONE_ID.fullmatch(settings.CLOUDFLARE_ZONE_ID):
        errors.append(
            Error(
                "CLOUDFLARE_ZONE_ID must be the zone's 32-character id, "
                f"not {settings.CLOUDFLARE_ZONE_ID!r}.",
                hint=HINT,
                id="isha.edge.E004",
            )
        )
    if not settings.CLOUDFLARE_API_TOKEN.strip():
        # The token itself is never repeated in a message.
        errors.append(
            Error("CLOUDFLARE_API_TOKEN must be set to purge Cloudflare.", hint=HINT, id="isha.edge.E004")
        )
    if not _http_url(settings.CLOUDFLARE_API_URL):
        errors.append(
            Error(
                f"CLOUDFLARE_API_URL must be an http(s):// URL, not {settings.CLOUDFLARE_API_URL!r}.",
                hint=HINT,
                id="isha.edge.E004",
            )
        )
    return errors


@register(SETTINGS_TAG)
def check_edge_task_queue(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """With an edge to purge, the task backend should be able to defer (``run_after``):
    without it failed purges are not retried and the re-purge never runs."""
    if not settings.EDGE_PURGE_BACKEND:
        return []
    from .tasks import purge_later

    if purge_later.get_backend().supports_defer:
        return []
    return [
        CheckWarning(
            "EDGE_PURGE_BACKEND is set but the task backend cannot defer tasks: failed edge "
            "purges are not retried and the re-purge after EDGE_REPURGE_SECONDS does not run.",
            hint="Use django-tasks-db's queue (as production does) and run `manage.py db_worker`.",
            id="isha.edge.W001",
        )
    ]
