"""Using the shared cache (Redis in production) without depending on it.

The cache holds only what can be rebuilt (rendered pages, rate-limit counts), so when it
cannot be reached the site carries on without it: :func:`guarded` runs one cache
operation and gives back a fallback value instead of raising. In each process an outage
is logged once when it starts and once when it ends, never per request, and while it
lasts the cache is tried again at most every :data:`RETRY_SECONDS`, so requests do not
each wait for a connection attempt (the socket timeouts are ``REDIS_CACHE_OPTIONS`` in
settings). Code that must act when the cache is back (the page cache retires pages that
may have missed an invalidation) registers with :func:`on_recovery`.
"""

import logging
import threading
import time

try:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError
except ImportError:  # pragma: no cover - redis is a dependency; only a stripped install lacks it
    _REDIS_ERRORS = ()
else:
    _REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError)

# What an unreachable cache raises: redis-py's connection and timeout errors (it wraps
# socket errors in them; https://redis.readthedocs.io/en/stable/exceptions.html) and
# the operating system's own (OSError, ConnectionError...) for any other backend.
CACHE_ERRORS = (OSError, *_REDIS_ERRORS)
# While the cache is down, one request per process tries it again after this long.
RETRY_SECONDS = 5.0

logger = logging.getLogger(__name__)


class _State:
    """This process's view of the cache: up, or down since an outage numbered ``number``."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down = False
        self.number = 0
        self.retry_at = 0.0


_state = _State()
_recovery_callbacks = []


def guarded(operation, default=None, *, force=False):
    """Run ``operation()`` (a callable doing cache calls) and return its result, or
    ``default`` if the cache cannot be reached (any of :data:`CACHE_ERRORS`).

    While an outage is known, ``operation`` is not even tried until :data:`RETRY_SECONDS`
    have passed since the last try, unless ``force`` is set (for writes that matter, such
    as retiring pages after a change); when it is tried, the :func:`on_recovery`
    callbacks run first, so no operation sees the cache as it was before they ran.
    Other errors propagate: they are bugs, not outages.
    """
    try:
        if not _state.down:
            return operation()
        if not force and time.monotonic() < _state.retry_at:
            return default
        for callback in list(_recovery_callbacks):
            callback()
        result = operation()
    except CACHE_ERRORS as error:
        _failed(error)
        return default
    _recovered()
    return result


def is_down():
    """True while this process knows the cache to be unreachable."""
    return _state.down


def outage_number():
    """How many outages this process has seen (an int, 0 before the first): a caller can
    log its own fallback once per outage by remembering the number it last logged."""
    return _state.number


def on_recovery(callback):
    """Run ``callback()`` (no arguments; cache calls that raise the cache's errors when it
    cannot be reached) when the cache answers again after an outage, before any other
    operation uses it, in the request that finds it back. Registering twice keeps one.
    Returns ``callback`` (usable as a decorator)."""
    if callback not in _recovery_callbacks:
        _recovery_callbacks.append(callback)
    return callback


def reset():
    """Forget any outage (for tests that point the cache elsewhere); logs nothing."""
    with _state.lock:
        _state.down = False
        _state.retry_at = 0.0


def _failed(error):
    with _state.lock:
        _state.retry_at = time.monotonic() + RETRY_SECONDS
        if _state.down:
            return
        _state.down = True
        _state.number += 1
    logger.error(
        "The cache is unreachable (%s: %s): pages are served uncached and sign-ups are counted "
        "in each process until it answers again; retrying every %g s.",
        type(error).__name__,
        error,
        RETRY_SECONDS,
    )


def _recovered():
    with _state.lock:
        if not _state.down:
            return
        _state.down = False
    logger.warning("The cache answers again after outage %d.", _state.number)
