"""Purging the edge after a content change: at once, again a little later, and retried.

:func:`purge_on_change` receives :data:`isha.pagecache.content_changed`, which is sent
once a change has committed (connected in ``isha.apps.IshaConfig.ready()``). It runs in
the editor's request, inside the commit hook:

1. It purges the changed keys at once, within ``EDGE_PURGE_TIMEOUT`` seconds (2), so the
   page is fresh at the edge by the time the editor's save returns.
2. If that fails, the failure is logged once and the purge is queued as a ``django.tasks``
   task (:func:`purge_later`), retried with a doubling wait (``run_after``) from
   ``EDGE_PURGE_RETRY_SECONDS`` up to ``EDGE_PURGE_MAX_ATTEMPTS`` tries. The editor's save
   never fails because of the edge.
3. Either way, the same keys are purged once more after ``EDGE_REPURGE_SECONDS``: a
   reader's request that began before the commit may finish rendering the old rows after
   the first purge, and the edge would keep that old page for its whole lifetime. The
   delay is longer than the slowest render the edge will store (Varnish gives up on the
   origin after ``first_byte_timeout``, 15 s in ``deploy/varnish/default.vcl``).

Every purge is a hard one (the signal's ``hard_keys`` are not needed here): a purged
page is gone from the edge, never served stale, so a publish is visible and a removal is
final as soon as the purge returns. Retries and the re-purge need a task backend that can
defer (production's django-tasks-db queue, worked by ``manage.py db_worker``); with
Django's immediate backend (development, tests) neither runs, and ``manage.py check``
says so.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from isha.pagecache.keys import valid as valid_keys

from .backends import PurgeError, configured_purger

logger = logging.getLogger(__name__)

# The longest wait between two tries of a failed purge.
MAX_RETRY_DELAY = timedelta(minutes=10)
# Purged instead of keys that are not keys (a bug): every page carries it.
EVERYTHING = frozenset({"site"})

RETRY, REPURGE = "retry", "repurge"


def purge_on_change(sender: object = None, *, keys: Iterable[str] = (), **_kwargs: object) -> str:
    """Receiver of ``content_changed``: purge ``keys`` (an iterable of surrogate keys) now,
    queue a retry if that fails, and queue the re-purge. Hard and soft keys alike: the
    edge keeps no stale copy to serve while the origin renders (the signal's ``hard_keys``
    are not read). Returns ``"off"`` (no edge configured), ``"purged"`` or ``"queued"``
    (failed now, retried later).

    Never raises for the edge being down or slow; a key that breaks the promised syntax
    is logged as an error and replaced by ``site``, which every page carries.
    """
    purger = configured_purger()
    if purger is None:
        return "off"
    try:
        checked = valid_keys(keys)
    except ValueError as error:
        logger.error("Edge purge: %s Purging every page instead.", error)
        checked = EVERYTHING
    if not checked:
        return "purged"
    outcome = "purged"
    try:
        purger.purge(checked)
    except PurgeError as error:
        outcome = "queued" if _enqueue(error.keys, 2, RETRY, retry_delay(1)) else "failed"
        logger.warning(
            "Edge purge of %s failed (%s); %s.",
            _describe(error.keys),
            error,
            "retrying in the background" if outcome == "queued" else "not retried: the task backend cannot",
        )
    _enqueue(checked, 1, REPURGE, timedelta(seconds=settings.EDGE_REPURGE_SECONDS))
    return outcome


def retry_delay(attempt: int) -> timedelta:
    """The wait after failed try ``attempt`` (1 for the first): ``EDGE_PURGE_RETRY_SECONDS``
    doubled for each try so far, at most :data:`MAX_RETRY_DELAY`."""
    base = timedelta(seconds=float(settings.EDGE_PURGE_RETRY_SECONDS))
    delay: timedelta = min(base * 2 ** (attempt - 1), MAX_RETRY_DELAY)
    return delay


@task
def purge_later(keys: list[str], attempt: int = 1, kind: str = RETRY) -> str:
    """Purge ``keys`` (surrogate keys) from the edge: try ``attempt`` of a failed purge
    (``kind="retry"``) or the delayed second purge (``kind="repurge"``).

    Returns ``"purged"``, ``"off"`` (the edge was switched off meanwhile), ``"retry"``
    (failed, queued again after :func:`retry_delay`) or ``"failed"`` (failed on the last
    try, logged as an error). Arguments are JSON-safe for the database queue.
    """
    purger = configured_purger()
    if purger is None:
        return "off"
    try:
        purger.purge(valid_keys(keys))
    except PurgeError as error:
        if attempt < settings.EDGE_PURGE_MAX_ATTEMPTS and _enqueue(
            error.keys, attempt + 1, kind, retry_delay(attempt)
        ):
            logger.debug("Edge %s of %s, try %s, failed: %s", kind, _describe(error.keys), attempt, error)
            return "retry"
        logger.error(
            "Edge %s of %s gave up after %s tries (%s): those pages may be stale at the edge until "
            "their lifetime (EDGE_CACHE_SECONDS) runs out.",
            kind,
            _describe(error.keys),
            attempt,
            error,
        )
        return "failed"
    if attempt > 1:
        logger.info("Edge %s of %s succeeded on try %s.", kind, _describe(keys), attempt)
    return "purged"


def _enqueue(keys: Iterable[str], attempt: int, kind: str, delay: timedelta) -> bool:
    """Queue :func:`purge_later` to run after ``delay``; ``False`` if the task backend
    cannot defer or the queue cannot be written (logged: the commit is done by now)."""
    if not purge_later.get_backend().supports_defer:
        return False
    try:
        purge_later.using(run_after=timezone.now() + delay).enqueue(sorted(keys), attempt, kind)
    except Exception:
        logger.exception("Edge %s of %s could not be queued.", kind, _describe(keys))
        return False
    return True


def _describe(keys: Iterable[str]) -> str:
    """``"3 keys (article-7 home site)"``, shortened past 10 keys, for log lines."""
    ordered = sorted(keys)
    shown = " ".join(ordered[:10]) + (" ..." if len(ordered) > 10 else "")
    return f"{len(ordered)} key{'s' if len(ordered) != 1 else ''} ({shown})"
