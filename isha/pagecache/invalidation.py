"""Retiring cached pages by surrogate key once a content change commits.

Each key has a *version*, an integer kept in the cache without expiry: the high bits count
hard changes, the low :data:`SOFT_BITS` bits soft ones. A soft change adds 1, a hard one
:data:`HARD_UNIT`, so one atomic ``INCRBY`` records both that a key moved and how. A
stored page keeps the versions of its keys as they were before it was rendered; it is
*fresh* while they are all unchanged, *soft-stale* when only soft bits moved, *hard-stale*
when any hard part moved or a version is missing (evicted: nobody knows what happened).
A new version starts from the clock (milliseconds, shifted into the hard part), so a key
that was evicted and made again is never equal to, or softly ahead of, one a page kept.

The *change counter* (:func:`generation`) moves on every committed change, before the
versions: a page rendered while it moved may hold old rows and is not stored unless its
keys' versions were read before the render. It also dates the remembered next scheduled
change (:func:`seconds_until_next_change`).
"""

import logging
import operator
import time
from functools import partial

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal

from isha import cacheguard
from isha.commits import on_commit_once

from .keys import SITE, Change, changes_for, key, valid

logger = logging.getLogger("isha.pagecache")

CHANGES_KEY = "pagecache:changes"
NEXT_CHANGE_KEY = "pagecache:next-change"
VERSION_PREFIX = "pagecache:v:"
SOFT_BITS = 20
HARD_UNIT = 1 << SOFT_BITS

# Sent once after a content change commits, with ``keys`` (a frozenset of the surrogate keys
# whose pages changed) and ``hard_keys`` (the frozenset of those whose old copy readers must
# never get again; the rest changed softly). Receivers' errors are logged, never raised into
# the request that saved (``send_robust``).
content_changed = Signal()

# Set to True on a model instance before saving it when readers can see neither its old
# nor its new state (a draft's autosave): the save then retires nothing.
UNSEEN_BY_READERS = "_pagecache_unseen_by_readers"

# Callables returning the next aware datetime at which content changes by itself, or None.
_next_change_providers: list = []


def version_key(name: str) -> str:
    """The cache key holding surrogate key ``name``'s version."""
    return VERSION_PREFIX + name


def fresh_version() -> int:
    """A version for a key the cache does not hold: from the clock, so it is hard-newer
    than any version an older page kept."""
    return int(time.time() * 1000) << SOFT_BITS


def is_hard_change(kept: int, current: int | None) -> bool:
    """True if the key moved hard (or vanished) since a page kept version ``kept``."""
    return current is None or current >> SOFT_BITS != kept >> SOFT_BITS


def generation():
    """The change counter (an int that moves on every committed content change), made on
    first use; ``None`` while the cache cannot be reached. Fragment caches that depend on
    any content (the site's copy, the linked pages) use it as their version."""
    return cacheguard.guarded(_generation)


def _generation():
    value = cache.get(CHANGES_KEY)
    if value is None:
        cache.add(CHANGES_KEY, fresh_version(), timeout=None)
        value = cache.get(CHANGES_KEY)
    return value


def _bump(cache_key: str, delta: int) -> None:
    try:
        cache.incr(cache_key, delta)
    except ValueError:  # absent (never made, or evicted): a clock-based start is newer
        if not cache.add(cache_key, fresh_version(), timeout=None):
            cache.incr(cache_key, delta)


def _retire(hardness: dict[str, bool]) -> None:
    # The counter first: a render that reads the counter and versions together after it
    # finished then sees either nothing moved or the counter moved (and stores nothing).
    _bump(CHANGES_KEY, 1)
    for name, hard in hardness.items():
        _bump(version_key(name), HARD_UNIT if hard else 1)


def _retire_everything() -> None:
    _retire({SITE: True})


# An invalidation that failed during an outage is made up for when the cache is back.
cacheguard.on_recovery(_retire_everything)


def invalidate(keys=None, hard=False, **_signal_kwargs) -> None:
    """Retire now the pages carrying ``keys`` (surrogate keys; default: ``site``, every
    page, hard), hard if ``hard``, then send :data:`content_changed` once.

    Prefer :func:`invalidate_on_commit` inside a transaction: a page retired before the
    commit is refilled from the old rows by the next reader. Tried even during a known
    outage; if the cache cannot be reached, every page is retired when it answers again.
    Raises ``ValueError`` for a malformed key.
    """
    if isinstance(keys, dict):
        hardness = dict(keys)
    else:
        names = valid(keys) if keys is not None else frozenset({SITE})
        hardness = dict.fromkeys(names, hard or keys is None)
    if not hardness:
        return
    cacheguard.guarded(partial(_retire, hardness), force=True)
    hard_keys = frozenset(name for name, is_hard in hardness.items() if is_hard)
    _announce(frozenset(hardness), hard_keys)


def _announce(keys: frozenset[str], hard_keys: frozenset[str]) -> None:
    for receiver, outcome in content_changed.send_robust(sender=None, keys=keys, hard_keys=hard_keys):
        if isinstance(outcome, Exception):
            logger.error(
                "A content_changed receiver (%s) failed for keys %s",
                getattr(receiver, "__qualname__", receiver),
                " ".join(sorted(keys)),
                exc_info=outcome,
            )


def retire_on_commit(changes, using=None) -> None:
    """Retire the keys of ``changes`` (:class:`Change` list) when the current transaction
    commits, together with every other change of that transaction (one retirement, one
    :data:`content_changed`); at once outside a transaction. Nothing happens on a
    rollback."""
    hardness: dict[str, bool] = {}
    for change in changes:
        for name in valid(change.keys):
            hardness[name] = hardness.get(name, False) or change.hard
    if not hardness:
        return
    # One retirement and one content_changed per commit, not one per row: the changes
    # of a transaction share a batch (isha.commits), a key hard if any change made it so.
    on_commit_once(invalidate, hardness, merge=operator.or_, using=using)


def invalidate_on_commit(*, using=None, instance=None, keys=None, hard=False, **signal_kwargs) -> None:
    """Retire, once the current transaction commits, what ``instance``'s change touches
    (the app's registration, :func:`isha.pagecache.keys.register_model`), or ``keys``
    (default ``site``: every page). Usable as a ``post_save`` / ``post_delete`` /
    ``m2m_changed`` receiver (``using`` is the signal's database alias). An ``instance``
    marked with :data:`UNSEEN_BY_READERS` retires nothing (a draft's autosave every few
    seconds would otherwise retire pages as often)."""
    if getattr(instance, UNSEEN_BY_READERS, False):
        return
    if keys is not None or instance is None:
        changes = [Change(valid(keys or {SITE}), hard)]
    else:
        changes = changes_for(instance, deleted=signal_kwargs.get("signal") is post_delete)
    retire_on_commit(changes, using=using)


def _m2m_changed(*, using=None, instance=None, action="", model=None, pk_set=None, **_kwargs):
    if not action.startswith("post_") or getattr(instance, UNSEEN_BY_READERS, False):
        return
    changes = changes_for(instance)
    if model is not None:
        # The other side's pages list this row (a topic's page lists its articles).
        others = (key(model._meta.model_name, pk) for pk in pk_set or ())
        changes.append(Change(frozenset(others) if pk_set else frozenset({SITE})))
    retire_on_commit(changes, using=using)


def invalidate_on_changes_to(*models) -> None:
    """Connect saves, deletes and many-to-many changes of ``models`` to
    :func:`invalidate_on_commit`. Call it from an ``AppConfig.ready()``, after
    registering the models' keys; calling it twice for a model connects it once."""
    for model in models:
        label = model._meta.label
        post_save.connect(invalidate_on_commit, sender=model, dispatch_uid=f"pagecache-save-{label}")
        post_delete.connect(invalidate_on_commit, sender=model, dispatch_uid=f"pagecache-delete-{label}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _m2m_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"pagecache-m2m-{label}-{field.name}",
            )


def register_next_change(provider):
    """Add ``provider``, a callable taking no argument that returns the next aware
    ``datetime`` at which public content changes without a save (a scheduled
    publication), or ``None``. No page is cached past the earliest of these times.
    Registering the same callable twice keeps one. Returns ``provider``."""
    if provider not in _next_change_providers:
        _next_change_providers.append(provider)
    return provider


def next_change(current, lifetime):
    """The POSIX time of the next scheduled change (``None`` if none), as seen at change
    counter ``current``; remembered in the cache for ``lifetime`` seconds with the counter,
    so a new schedule makes it stale at once, and computed again once the moment passed."""
    now = time.time()
    known = cacheguard.guarded(partial(cache.get, NEXT_CHANGE_KEY))
    if known is not None and known[0] == current and (not known[1] or known[1] > now):
        return known[1] or None
    upcoming = [moment for moment in (provider() for provider in _next_change_providers) if moment]
    moment = min(upcoming).timestamp() if upcoming else 0  # 0: nothing scheduled
    cacheguard.guarded(partial(cache.set, NEXT_CHANGE_KEY, (current, moment), timeout=lifetime))
    return moment or None
