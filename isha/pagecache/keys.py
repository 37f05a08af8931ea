"""Surrogate keys: the names of what a page shows, and which changes touch which names.

A key matches ``[a-z0-9_-]{1,64}`` (the edge contract: ``Surrogate-Key`` for Varnish and
Fastly, ``Cache-Tag`` for Cloudflare). Apps register, in ``AppConfig.ready()``:

- :func:`invalidate_on_changes_to` with a function naming the keys a saved, deleted or
  re-linked row touches (and whether the change is *hard*: readers must never see the old
  copy again);
- :func:`on_every_page` for keys and query parameters every public page carries or reads
  (the sign-up block is on every page: ``signup-copy`` and its ``signup`` success flag).

Views name their own keys through :func:`isha.pagecache.cache_public_page`'s ``keys``.
"""

import hashlib
import re
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

KEY_RE = re.compile(r"[a-z0-9_-]{1,64}")
SITE = "site"  # every cacheable response carries it: retiring it retires everything
_UNSAFE = re.compile(r"[^a-z0-9_-]")


class Change(NamedTuple):
    """What a content change touches: ``keys`` (surrogate keys), ``hard`` (True when a
    reader must never get a page made before it: a removal, a correction)."""

    keys: frozenset[str]
    hard: bool = False


# Callables (instance, deleted: bool) -> Change | iterable of Change, per model label.
_model_changes: dict[str, Callable[..., Any]] = {}
_every_page_keys: set[str] = {SITE}
_every_page_parameters: set[str] = set()


def key(prefix: str, value: object) -> str:
    """The surrogate key ``<prefix>-<value>`` (e.g. ``article-12``, ``article-slug-sleep``),
    lowercased, with characters outside ``[a-z0-9_-]`` replaced; a key that would pass 64
    characters keeps its start and ends with a hash of the whole, so it stays unique."""
    name = _UNSAFE.sub("_", f"{prefix}-{value}".lower())
    if len(name) <= 64:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:16]
    return f"{name[:47]}-{digest}"


def valid(keys: Iterable[str]) -> frozenset[str]:
    """``keys`` as a frozenset; raises ``ValueError`` naming a key outside ``KEY_RE``
    (nothing that needs quoting in a header, a ban expression or JSON)."""
    result = frozenset(keys)
    for name in result:
        if not isinstance(name, str) or not KEY_RE.fullmatch(name):
            raise ValueError(f"surrogate key {name!r} does not match [a-z0-9_-]{{1,64}}")
    return result


def on_every_page(*, keys: Iterable[str] = (), query: Iterable[str] = ()) -> None:
    """Add ``keys`` to every cacheable response and ``query`` (parameter names) to every
    cached page's cache key, for something every page shows or reads (a block in the
    layout). Registering twice keeps one."""
    _every_page_keys.update(valid(keys))
    _every_page_parameters.update(query)


def every_page_keys() -> frozenset[str]:
    """The keys every cacheable response carries (at least ``site``)."""
    return frozenset(_every_page_keys)


def every_page_parameters() -> frozenset[str]:
    """The query parameters every cached page is keyed on."""
    return frozenset(_every_page_parameters)


def register_model(model, changes: Callable[..., Any]) -> None:
    """Use ``changes(instance, deleted)`` to name what a change of a ``model`` row
    touches: it returns a :class:`Change`, an iterable of them, or None (nothing readers
    see). Without a registration, a change touches ``site`` (every page), softly."""
    _model_changes[model._meta.label] = changes


def changes_for(instance, *, deleted: bool = False) -> list[Change]:
    """The :class:`Change` list for a saved (or ``deleted``) ``instance``."""
    changes = _model_changes.get(type(instance)._meta.label)
    if changes is None:
        return [Change(frozenset({SITE}), hard=deleted)]
    found = changes(instance, deleted)
    if found is None:
        return []
    if isinstance(found, Change):
        return [found]
    return list(found)
