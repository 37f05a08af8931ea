"""Work that one transaction's changes share, done once when it commits.

A save can touch many rows that each ask for the same follow-up (retire the pages they
appear on, render an article again). :func:`on_commit_once` gathers what they ask into one
batch per transaction and function, run once after the commit by Django's
``transaction.on_commit``
(https://docs.djangoproject.com/en/stable/topics/db/transactions/#performing-actions-after-commit).
"""

from collections.abc import Callable, Hashable, Mapping
from typing import Any

from django.db import transaction


class _Batch(dict):
    """What the changes of one transaction asked ``func`` for: called by each of their
    commit callbacks, it calls ``func`` with the whole batch the first time only."""

    def __init__(self, func: Callable[[dict], Any]):
        super().__init__()
        self.func = func
        self.done = False
        # What Django's log of a failed robust callback names it by.
        self.__qualname__ = getattr(func, "__qualname__", repr(func))

    def __call__(self) -> Any:
        if self.done:
            return None
        self.done = True
        return self.func(dict(self))


def on_commit_once(
    func: Callable[[dict], Any],
    items: Mapping[Hashable, Any],
    *,
    merge: Callable[[Any, Any], Any] | None = None,
    using: str | None = None,
) -> None:
    """Call ``func(batch)`` once the current transaction on ``using`` commits (never after
    a rollback; at once, with ``items`` alone, outside a transaction), where ``batch`` is a
    dict of the ``items`` of every call for ``func`` in that transaction. A key given twice
    keeps ``merge(old, new)`` (by default the new value).

    Each call registers its own robust callback, so a test capturing a block's callbacks
    sees it and a rolled-back savepoint drops it; the first of them to run calls ``func``
    with the whole batch, the others do nothing. Items from a rolled-back savepoint stay
    in the batch: the follow-up is then done for a little more than changed, never less.
    ``func``'s errors are logged by Django, not raised (the change has committed).
    """
    connection = transaction.get_connection(using)
    batch = None
    for _savepoints, callback, _robust in connection.run_on_commit:
        # ==, not is: a bound method is made anew each time it is read.
        if isinstance(callback, _Batch) and callback.func == func and not callback.done:
            batch = callback
    if batch is None:
        batch = _Batch(func)
    for key, value in items.items():
        batch[key] = merge(batch[key], value) if merge is not None and key in batch else value
    transaction.on_commit(batch, using=using, robust=True)
