"""Keeping bots out without losing people: client address, rate limit, fill time.

Nothing here stores an IP address: the rate limit keeps a salted hash of it in the
cache for one window, and that is all (see the README's "Sign-ups" section).
"""

import hashlib
import logging
import re
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

from isha import cacheguard

logger = logging.getLogger(__name__)

STAMP_SALT = "signups.form-rendered"
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

# Counts kept in this process while the shared cache is unreachable: each web process
# then limits on its own, so a client may get up to (processes x limit) through.
_local_counts = LocMemCache("signups-rate-limit-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
_fallback_logged_for = 0  # the cacheguard outage number last logged


def client_ip(request):
    """Return the client's address as a string, trusting ``SIGNUP_TRUSTED_PROXY_HOPS`` proxies.

    With N trusted hops, each proxy appends the address it received the request from to
    ``X-Forwarded-For``, so the client is the Nth entry from the right; entries further
    left were written by the client and prove nothing. With 0 hops (or a header shorter
    than N) the socket's ``REMOTE_ADDR`` is used.
    """
    hops = settings.SIGNUP_TRUSTED_PROXY_HOPS
    if hops > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def parse_rate(rate):
    """Parse ``"COUNT/UNIT"`` (UNIT ``s``, ``m``, ``h`` or ``d``, optionally with a number
    in front, e.g. ``"100/10m"``) into ``(count, seconds)``; empty, ``"0"`` or ``"off"``
    gives ``None`` (no limit). Raises ``ValueError`` for anything else.
    """
    rate = (rate or "").strip().lower()
    if rate in ("", "0", "off", "none"):
        return None
    match = re.fullmatch(r"(\d+)\s*/\s*(\d*)\s*([smhd])", rate)
    if not match:
        raise ValueError(f"SIGNUP_RATE_LIMIT must look like '20/m', not {rate!r}.")
    count, multiple, unit = int(match[1]), int(match[2] or 1), match[3]
    return count, multiple * UNITS[unit]


def over_rate_limit(request):
    """Count this sign-up against its client and return True if it is over the limit.

    A fixed window per client in Django's cache (Redis when configured, so every web
    host shares the count). While that cache cannot be reached (:mod:`isha.cacheguard`)
    the count is kept in this process instead, and that is logged once per outage. Any
    other failure must never cost a sign-up either: it lets the request through (logged).
    """
    try:
        limit = parse_rate(settings.SIGNUP_RATE_LIMIT)
        if limit is None:
            return False
        count, window = limit
        digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_ip(request)}".encode()).hexdigest()[:32]
        key = f"signups:rate:{window}:{digest}"
        current = cacheguard.guarded(lambda: _count(cache, key, window))
        if current is None:
            _log_fallback_once()
            current = _count(_local_counts, key, window)
        return current > count
    except Exception:
        logger.exception("Sign-up rate limit unavailable; letting the sign-up through")
        return False


def _count(counts, key, window):
    """Add one to ``key`` in the cache ``counts`` (a fixed window of ``window`` seconds)."""
    counts.add(key, 0, timeout=window)
    try:
        return counts.incr(key)
    except ValueError:  # expired between add() and incr()
        counts.add(key, 1, timeout=window)
        return 1


def _log_fallback_once():
    global _fallback_logged_for
    outage = cacheguard.outage_number()
    if outage != _fallback_logged_for:
        _fallback_logged_for = outage
        logger.warning(
            "Sign-up rate limit: the cache is unreachable, so each web process counts sign-ups "
            "on its own until it is back (a client may get the limit through once per process)."
        )


def form_stamp():
    """A signed "the form was made now" value for the form's hidden ``rendered_at`` field.

    It is the same for every visitor of a page made at that moment, so a cached page
    can carry it; on a cached page it is older than the visit, which only makes the
    fill-time check more lenient.
    """
    return signing.dumps(round(time.time(), 1), salt=STAMP_SALT)


def fill_time_problem(stamp):
    """Return why a form sent with ``stamp`` looks automated, or "" if it does not.

    Too fast (under ``SIGNUP_MIN_FILL_SECONDS``), or a stamp that is missing or not ours
    (a form our page did not make). The caller holds such a sign-up for review rather
    than refusing it. ``SIGNUP_MIN_FILL_SECONDS = 0`` turns the check off entirely.
    """
    minimum = settings.SIGNUP_MIN_FILL_SECONDS
    if minimum <= 0:
        return ""
    if not stamp:
        return "The form came without its timestamp."
    try:
        rendered = float(signing.loads(stamp, salt=STAMP_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return "The form's timestamp was not valid."
    elapsed = time.time() - rendered
    if elapsed < minimum:
        return f"Sent {max(elapsed, 0):.1f} s after the form was shown (minimum {minimum:g} s)."
    return ""
