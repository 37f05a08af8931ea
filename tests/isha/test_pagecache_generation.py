"""The page cache's generation never expires, on Redis as on the local-memory cache: only
a content change retires pages, never the cache's default 300-second timeout.

``tests/isha/test_pagecache.py`` moves the clock past 300 s, which only the local-memory
cache sees (it reads ``time.time()``); Redis keeps time itself, so there the key's TTL is
asked of Redis (``TTL`` answers -1 for a key without expiry, https://redis.io/commands/ttl/).
"""

import pytest
from django.core.cache import cache

from isha import pagecache

pytestmark = pytest.mark.django_db


def expires(key):
    """True if the cache would drop ``key`` on a timer."""
    stored = cache.make_and_validate_key(key)
    if hasattr(cache, "_expire_info"):  # Django's local-memory cache
        return cache._expire_info[stored] is not None
    return cache._cache.get_client(stored).ttl(stored) != -1


def test_the_generation_has_no_timeout_when_created_or_moved_on():
    first = pagecache.generation()
    assert not expires(pagecache.GENERATION_KEY)

    pagecache.invalidate()
    assert pagecache.generation() == first + 1
    assert not expires(pagecache.GENERATION_KEY)

    cache.delete(pagecache.GENERATION_KEY)  # evicted under memory pressure
    pagecache.invalidate()
    assert not expires(pagecache.GENERATION_KEY)
