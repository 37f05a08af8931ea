"""Purge backends: tell the HTTP cache in front of the site (the *edge*) to drop pages by key.

Every cacheable response names what it shows in ``Surrogate-Key: k1 k2`` and
``Cache-Tag: k1,k2`` (:mod:`isha.pagecache`); a purge of a key removes every cached
response carrying it. Two backends, chosen by ``EDGE_PURGE_BACKEND``:

- ``varnish``: one HTTP ``BAN`` request per Varnish in ``EDGE_VARNISH_URLS``, with the
  keys in a ``Surrogate-Key`` request header; ``deploy/varnish/default.vcl`` turns it into
  a ban on ``obj.http.Surrogate-Key`` (Varnish's bans:
  https://varnish-cache.org/docs/7.1/users-guide/purging.html#bans).
- ``cloudflare``: ``POST {CLOUDFLARE_API_URL}/zones/{zone}/purge_cache`` with
  ``{"tags": [...]}`` and a Bearer API token, at most 30 tags per call (Cloudflare's API
  reference, "Purge Cached Content by Tag, Host or Prefix":
  https://developers.cloudflare.com/api/operations/zone-purge; tag purges need an
  Enterprise zone). Cloudflare reads the same keys from the ``Cache-Tag`` header.

Both raise :class:`PurgeError` naming the keys left unpurged; nothing else escapes for a
network failure. The standard library's HTTP client is enough for one request per cache.
"""

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Collection, Iterator
from itertools import batched
from urllib.parse import quote

from django.conf import settings

logger = logging.getLogger(__name__)

# Cloudflare: "You may purge up to 30 tags, hosts, or prefixes in one API call."
CLOUDFLARE_TAGS_PER_CALL = 30
# Varnish refuses request headers longer than its http_req_hdr_len parameter (8 KB by
# default, varnishd(1)): keys go out in several BANs rather than one long header.
VARNISH_HEADER_BYTES = 4000


class PurgeError(Exception):
    """A purge that did not (entirely) happen.

    ``keys`` is the frozenset of keys that may still be cached (all of them when the
    cause is unknown); ``str()`` says where and why, never a credential.
    """

    def __init__(self, message: str, keys: Collection[str]) -> None:
        super().__init__(message)
        self.keys = frozenset(keys)


class Deadline:
    """Seconds left of a time budget, for a purge made of several requests: the editor's
    request waits for all of them, so the timeout bounds the whole, not each one."""

    def __init__(self, seconds: float) -> None:
        self.ends = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds left (at least 0.05, so a request that starts still gets a real timeout)."""
        return max(0.05, self.ends - time.monotonic())

    def passed(self) -> bool:
        return time.monotonic() >= self.ends


# Purges go straight to the cache: an http_proxy in the environment is for outbound
# traffic, and would receive (and could log) BANs for hosts on the private network.
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _header_batches(keys: Collection[str]) -> Iterator[str]:
    line: list[str] = []
    size = 0
    for key in sorted(keys):
        if line and size + len(key) + 1 > VARNISH_HEADER_BYTES:
            yield " ".join(line)
            line, size = [], 0
        line.append(key)
        size += len(key) + 1
    if line:
        yield " ".join(line)


class VarnishPurger:
    """Bans keys on every Varnish in ``urls`` (e.g. ``["http://10.0.0.5:6081/"]``), within
    ``timeout`` seconds in all."""

    def __init__(self, urls: list[str], timeout: float) -> None:
        self.urls = urls
        self.timeout = timeout

    def purge(self, keys: Collection[str]) -> None:
        """Ban ``keys`` everywhere; raises :class:`PurgeError` (all ``keys``) if any
        Varnish did not answer 200, after trying every one."""
        if not keys:
            return
        deadline = Deadline(self.timeout)
        failures = []
        for url in self.urls:
            for header in _header_batches(keys):
                problem = self._ban(url, header, deadline)
                if problem:
                    failures.append(f"{url}: {problem}")
                    break
        if failures:
            raise PurgeError("Varnish BAN failed: " + "; ".join(failures), keys)

    def _ban(self, url: str, header: str, deadline: Deadline) -> str:
        """``""`` when ``url`` answered 200, else what went wrong."""
        if deadline.passed():
            return f"not tried, the {self.timeout:g} s purge timeout was spent"
        request = urllib.request.Request(url, method="BAN", headers={"Surrogate-Key": header})
        try:
            with _direct.open(request, timeout=deadline.left()) as response:
                response.read()
        except urllib.error.HTTPError as error:
            return f"HTTP {error.code} {error.reason}"
        except (OSError, ValueError) as error:  # refused, timed out, malformed URL
            return f"{type(error).__name__}: {error}"
        return ""


class CloudflarePurger:
    """Purges keys as Cache-Tags in one Cloudflare zone through its API (see the module's
    docstring), in calls of at most :data:`CLOUDFLARE_TAGS_PER_CALL` tags."""

    def __init__(self, api_url: str, zone_id: str, token: str, timeout: float) -> None:
        self.endpoint = f"{api_url.rstrip('/')}/zones/{quote(zone_id, safe='')}/purge_cache"
        self.token = token
        self.timeout = timeout

    def purge(self, keys: Collection[str]) -> None:
        """Purge ``keys``; raises :class:`PurgeError` with the keys of every call that
        failed (Cloudflare answered an error, or nothing in time), after trying them all."""
        deadline = Deadline(self.timeout)
        failed: set[str] = set()
        problems = []
        for batch in batched(sorted(keys), CLOUDFLARE_TAGS_PER_CALL):
            problem = self._call(list(batch), deadline)
            if problem:
                failed.update(batch)
                problems.append(problem)
        if failed:
            raise PurgeError(f"Cloudflare purge failed: {'; '.join(sorted(set(problems)))}", failed)

    def _call(self, tags: list[str], deadline: Deadline) -> str:
        """``""`` when Cloudflare accepted the purge of ``tags``, else what went wrong."""
        if deadline.passed():
            return f"not tried, the {self.timeout:g} s purge timeout was spent"
        request = urllib.request.Request(
            self.endpoint,
            method="POST",
            data=json.dumps({"tags": tags}).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=deadline.left()) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            return f"HTTP {error.code}{_cloudflare_errors(error.read())}"
        except (OSError, ValueError) as error:
            return f"{type(error).__name__}: {error}"
        answer = _json(body)
        if not answer.get("success"):
            return f"the API answered without success{_cloudflare_errors(body)}"
        return ""


def _json(body: bytes) -> dict:
    try:
        answer = json.loads(body)
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _cloudflare_errors(body: bytes) -> str:
    """Cloudflare's ``errors`` (``[{"code": 1134, "message": "..."}]``) as ``" (1134
    ...)"``, or ``""``: the API's own words help whoever reads the log."""
    errors = _json(body).get("errors")
    if not isinstance(errors, list) or not errors:
        return ""
    parts = [f"{e.get('code')} {e.get('message', '')}".strip() for e in errors if isinstance(e, dict)]
    return f" ({', '.join(parts)[:300]})" if parts else ""


Purger = VarnishPurger | CloudflarePurger


def configured_purger() -> Purger | None:
    """The purger ``EDGE_PURGE_BACKEND`` names, built from the current settings, or
    ``None`` when there is no edge to purge (the setting is empty)."""
    backend = settings.EDGE_PURGE_BACKEND
    if backend == "varnish":
        return VarnishPurger(list(settings.EDGE_VARNISH_URLS), settings.EDGE_PURGE_TIMEOUT)
    if backend == "cloudflare":
        return CloudflarePurger(
            settings.CLOUDFLARE_API_URL,
            settings.CLOUDFLARE_ZONE_ID,
            settings.CLOUDFLARE_API_TOKEN,
            settings.EDGE_PURGE_TIMEOUT,
        )
    return None
