"""Keeping bots out without losing people: client address, rate limit, fill time.

Nothing here stores an IP address: the rate limit keeps a salted hash of it in the
cache for one window, and that is all (see the README's "Sign-ups" section).
"""

import hashlib
import logging
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

from isha import cacheguard
from isha.proxies import client_ip  # also the admin login throttle's: one rule

from .models import Subscriber

logger = logging.getLogger(__name__)

STAMP_SALT = "signups.form-rendered"
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

# Counts kept in this process while the shared cache is unreachable: each web process
# then limits on its own, so a client may get up to (processes x limit) through.
_local_counts = LocMemCache("signups-rate-limit-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
_fallback_logged_for = 0  # the cacheguard outage number last logged


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


def over_rate_limit(request, *, rate=None, scope="signups"):
    """Count this sign-up against its client and return True if it is over the limit.

    ``rate`` is a ``"COUNT/UNIT"`` string (default ``SIGNUP_RATE_LIMIT``); ``scope``
    names the count, so another form (reader feedback) limits with its own. A fixed
    window per client in Django's cache (Redis when configured, so every web host shares
    the count). While that cache cannot be reached (:mod:`isha.cacheguard`)
    the count is kept in this process instead, and that is logged once per outage. Any
    other failure must never cost a sign-up either: it lets the request through (logged).
    """
    try:
        limit = parse_rate(settings.SIGNUP_RATE_LIMIT if rate is None else rate)
        if limit is None:
            return False
        count, window = limit
        digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_ip(request)}".encode()).hexdigest()[:32]
        key = f"{scope}:rate:{window}:{digest}"
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


# A person may leave a page open in a tab for a day before signing up (an overnight tab);
# added to the longest any cache may keep the page.
STAMP_GRACE_SECONDS = 86_400


@dataclass(frozen=True)
class Hold:
    """Why a sign-up looked automated: ``reason`` (a ``Subscriber.HeldReason``) and a note for its history."""

    reason: str
    note: str


def form_stamp():
    """A signed "the form was made now" value for the form's hidden ``rendered_at`` field.

    It is the same for every visitor of a page made at that moment, so a cached page
    can carry it; on a cached page it is older than the visit, which only makes the
    fill-time check more lenient.
    """
    return signing.dumps(round(time.time(), 1), salt=STAMP_SALT)


def stamp_max_age():
    """Seconds after which a form's stamp has expired (the sign-up is then held).

    Longer than any copy of the page can live: ``PAGE_CACHE_SECONDS`` in the page cache,
    then ``EDGE_CACHE_SECONDS`` plus ``EDGE_STALE_WHILE_REVALIDATE_SECONDS`` in a shared
    cache in front (Varnish, a CDN: a Django hit is given a whole new shared lifetime),
    then ``PAGE_CACHE_BROWSER_SECONDS`` in a browser's cache, then
    :data:`STAMP_GRACE_SECONDS` open in a tab. A replayed old stamp (a bot that fetched
    the page once) stops passing after that.
    """
    return (
        settings.PAGE_CACHE_SECONDS
        + settings.EDGE_CACHE_SECONDS
        + settings.EDGE_STALE_WHILE_REVALIDATE_SECONDS
        + settings.PAGE_CACHE_BROWSER_SECONDS
        + STAMP_GRACE_SECONDS
    )


def hold_for(stamp, trap=""):
    """Return a :class:`Hold` if a form sent with ``stamp`` and ``trap`` looks automated, else ``None``.

    In order: the trap field filled in (autofill may do that for a person, so they are
    held, not dropped); a stamp missing or not ours (a form our page did not make);
    sent within ``SIGNUP_MIN_FILL_SECONDS`` of rendering; a stamp older than
    :func:`stamp_max_age`. The caller holds such a sign-up for review rather than
    refusing it. ``SIGNUP_MIN_FILL_SECONDS = 0`` turns the stamp checks off (not the trap).
    """
    Reason = Subscriber.HeldReason
    if trap.strip():
        return Hold(Reason.TRAP, "The hidden trap field was filled in (a bot, or a browser's autofill).")
    minimum = settings.SIGNUP_MIN_FILL_SECONDS
    if minimum <= 0:
        return None
    if not stamp:
        return Hold(Reason.NO_STAMP, "The form came without its timestamp.")
    try:
        rendered = float(signing.loads(stamp, salt=STAMP_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return Hold(Reason.NO_STAMP, "The form's timestamp was not valid.")
    elapsed = time.time() - rendered
    if elapsed < minimum:
        return Hold(
            Reason.TOO_FAST, f"Sent {max(elapsed, 0):.1f} s after the form was shown (minimum {minimum:g} s)."
        )
    if elapsed > stamp_max_age():
        return Hold(
            Reason.EXPIRED,
            f"The form's timestamp had expired: sent {elapsed / 3600:.1f} h after the form was shown.",
        )
    return None


def fill_time_problem(stamp):
    """The note of :func:`hold_for` for ``stamp`` alone (no trap), or "" if it looks like a person's."""
    hold = hold_for(stamp)
    return hold.note if hold else ""
