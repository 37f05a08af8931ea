"""Bounded, polite GET requests to the registries: timeouts, a pace, retries.

Standard library only (``urllib.request``): two JSON/XML GETs need no HTTP package.
"""

import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

from django.utils import timezone

# A registry's answer for one work is a few kilobytes; anything far larger is not one.
MAX_RESPONSE_BYTES = 5 * 1024 * 1024
# Never wait longer than this for a Retry-After within one run: the next run retries.
MAX_RETRY_AFTER_SECONDS = 60


class RegistryError(Exception):
    """The registry did not answer usably (server error, timeout, refused connection);
    ``registry`` names it when the client raised it."""

    registry = ""


class RateLimited(RegistryError):
    """The registry still answered 429 Too Many Requests after the retries: stop asking it."""


@dataclass
class Client:
    """GETs to one registry, at most one every ``delay`` seconds, each with ``timeout``
    seconds, retried ``retries`` times on 429, 5xx, timeouts and connection errors after
    ``Retry-After`` (capped at :data:`MAX_RETRY_AFTER_SECONDS`) or ``retry_seconds``
    doubled each time. ``user_agent`` identifies the site, as Crossref asks."""

    name: str
    timeout: float
    delay: float
    retries: int
    retry_seconds: float
    user_agent: str
    requests_made: int = 0
    _last: float = field(default=0.0, repr=False)

    def get(self, url, params):
        """``(status, body bytes)`` for a 200 or 404; raises :class:`RateLimited` or
        :class:`RegistryError` (message saying what happened) otherwise."""
        full = f"{url}?{urllib.parse.urlencode(params)}" if params else url
        if urllib.parse.urlsplit(full).scheme not in ("http", "https"):
            raise RegistryError(f"{self.name}: not an http(s) address: {url}")
        for attempt in range(self.retries + 1):
            try:
                return self._once(full)
            except _Retryable as problem:
                if attempt == self.retries:
                    kind = RateLimited if problem.status == 429 else RegistryError
                    error = kind(f"{self.name}: {problem.message}")
                    error.registry = self.name.lower()
                    raise error from None
                time.sleep(problem.wait if problem.wait is not None else self.retry_seconds * 2**attempt)
        raise AssertionError("unreachable")

    def _once(self, url):
        self._pace()
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent, "Accept": "*/*"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.read(MAX_RESPONSE_BYTES)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return 404, b""
            if error.code == 429 or error.code >= 500:
                message = f"HTTP {error.code} {error.reason}"
                raise _Retryable(message, error.code, _retry_after(error.headers)) from None
            raise RegistryError(f"{self.name}: HTTP {error.code} {error.reason}") from None
        except TimeoutError:
            raise _Retryable(f"no answer within {self.timeout:g} s", None, None) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise _Retryable(f"no answer within {self.timeout:g} s", None, None) from None
            raise _Retryable(f"cannot connect ({error.reason})", None, None) from None
        finally:
            self.requests_made += 1

    def _pace(self):
        wait = self._last + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last = time.monotonic()


class _Retryable(Exception):
    def __init__(self, message, status, wait):
        super().__init__(message)
        self.message, self.status, self.wait = message, status, wait


def _retry_after(headers):
    """Seconds from a ``Retry-After`` header (RFC 9110 §10.2.3: seconds or an HTTP date),
    capped; ``None`` when absent or unreadable."""
    value = (headers or {}).get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return min(int(value), MAX_RETRY_AFTER_SECONDS)
    try:
        seconds = (parsedate_to_datetime(value) - timezone.now()).total_seconds()
    except (TypeError, ValueError):  # unreadable, or a date without a zone
        return None
    return max(0, min(seconds, MAX_RETRY_AFTER_SECONDS))
