"""How a cacheable page goes on the wire: its encodings, validators and cache headers.

- Compression (RFC 9110 §8.4.1): gzip (Python's ``gzip``, level 6, ``mtime=0`` so equal
  pages compress to equal bytes, as Django's ``GZipMiddleware`` does) and Brotli (Google's
  ``brotli`` binding, RFC 7932), made once when a page is stored; a hit only picks one.
  The client's ``Accept-Encoding`` q-values decide (RFC 9110 §12.5.3): ``q=0`` refuses a
  coding, ``*`` stands for codings not named, identity is acceptable unless refused.
- Validators: a strong ``ETag`` per representation (RFC 9110 §8.8.3: the identity bytes'
  SHA-256, suffixed ``-gzip`` / ``-br`` for the compressed ones) and ``Last-Modified``
  (when the page was rendered, unless the view set its own). Conditional requests are
  answered by Django's ``get_conditional_response`` (RFC 9110 §13: ``If-None-Match`` with
  the weak comparison, then ``If-Modified-Since`` only without it).
- ``Cache-Control`` for shared caches (RFC 9111 §5.2.2.10 ``s-maxage``; RFC 5861
  ``stale-while-revalidate`` and ``stale-if-error``), capped by the next scheduled change.
"""

import gzip
import hashlib
from email.utils import formatdate

import brotli
from django.conf import settings
from django.utils.cache import patch_vary_headers

PRIVATE = "private, no-store"
COMPRESSIBLE_TYPES = (
    "text/html",
    "text/plain",
    "text/xml",
    "application/xml",
    "application/json",
    "application/ld+json",
    "application/rss+xml",
    "application/atom+xml",
)
# Below this many bytes compression saves nothing worth a header (Django's GZipMiddleware: 200).
MIN_COMPRESS_BYTES = 200
# Brotli's quality (0-11): 11 takes about half a second on a 30 KB page; 5 costs about
# what gzip's level 6 does and still beats it by some 10% (measured on an article page),
# which matters since every miss under a burst of publishes pays it.
BROTLI_QUALITY = 5
# Preference when the client weighs codings equally: smallest first.
CODINGS = ("br", "gzip", "identity")
# Identity's weight when the header names neither it nor "*": below any named coding.
IDENTITY_WEIGHT = 0.0001


def compressible(content_type: str) -> bool:
    """True for the text types this path compresses (HTML, XML, JSON, plain text)."""
    return content_type.split(";", 1)[0].strip().lower() in COMPRESSIBLE_TYPES


_COMPRESSORS = {
    "gzip": lambda body: gzip.compress(body, compresslevel=6, mtime=0),
    "br": lambda body: brotli.compress(body, mode=brotli.MODE_TEXT, quality=BROTLI_QUALITY),
}


def encode(body: bytes, content_type: str, codings=("gzip", "br")) -> dict[str, bytes]:
    """``{"identity": body}`` plus a body for each of ``codings`` (``"gzip"``, ``"br"``:
    all of them for a page to be stored, only the client's choice for one that is not)
    when the type is compressible, the body large enough and the result smaller. Each
    costs about 2.5 ms of CPU on a 60 KB page."""
    bodies = {"identity": body}
    if len(body) < MIN_COMPRESS_BYTES or not compressible(content_type):
        return bodies
    for coding in codings:
        compressed = _COMPRESSORS[coding](body)
        if len(compressed) < len(body):
            bodies[coding] = compressed
    return bodies


def _weights(header: str) -> dict[str, float]:
    weights = {}
    for item in header.split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        coding = {"x-gzip": "gzip"}.get(coding.lower(), coding.lower())
        if not coding:
            continue
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = -1.0
        if 0.0 <= weight <= 1.0:  # a malformed weight drops the item, not the header
            weights[coding] = weight
    return weights


def choose_coding(header: str | None, available) -> str:
    """The coding to send, among ``available`` (names from :func:`encode`), for an
    ``Accept-Encoding`` value (``None``: no header).

    No header or an empty one gets identity (RFC 9110 §12.5.3: empty means no coding
    wanted; without the header we do not guess). When every coding, identity included,
    is refused, identity is sent all the same, as the RFC allows, rather than a 406.
    """
    if not header:
        return "identity"
    weights = _weights(header)
    star = weights.get("*")
    best, best_weight = "identity", 0.0
    for coding in CODINGS:
        if coding not in available:
            continue
        # Identity is acceptable unless refused (by name or by *), but the least wanted.
        default = (IDENTITY_WEIGHT if star is None else star) if coding == "identity" else (star or 0.0)
        weight = weights.get(coding, default)
        if weight > best_weight:
            best, best_weight = coding, weight
    return best


def etags(bodies: dict[str, bytes]) -> dict[str, str]:
    """A strong entity tag (quoted) per representation in ``bodies``."""
    digest = hashlib.sha256(bodies["identity"]).hexdigest()[:32]
    return {coding: f'"{digest}"' if coding == "identity" else f'"{digest}-{coding}"' for coding in bodies}


def http_date(timestamp: float) -> str:
    """``timestamp`` (POSIX seconds) as an HTTP-date (RFC 9110 §5.6.7)."""
    return formatdate(timestamp, usegmt=True)


def shared_cache_control(seconds_left: float | None) -> str:
    """``Cache-Control`` of a cacheable anonymous response, ``seconds_left`` being the
    time until the next scheduled change (``None``: none). ``s-maxage`` is
    ``EDGE_CACHE_SECONDS`` capped by it; browsers get ``PAGE_CACHE_BROWSER_SECONDS``,
    capped the same; the stale allowances only while the page may be kept at all, and no
    ``stale-while-revalidate`` when the scheduled change is what ends its lifetime: the
    first reader after a scheduled publication must get the new page, not the old one
    while a cache refreshes it (RFC 5861, section 3)."""
    shared = settings.EDGE_CACHE_SECONDS
    capped = seconds_left is not None and seconds_left < shared
    if seconds_left is not None:
        shared = max(0, min(shared, int(seconds_left)))
    browser = min(settings.PAGE_CACHE_BROWSER_SECONDS, shared)
    value = f"public, max-age={browser}, s-maxage={shared}"
    if shared:
        revalidate = 0 if capped else settings.EDGE_STALE_WHILE_REVALIDATE_SECONDS
        value += (
            f", stale-while-revalidate={revalidate}, stale-if-error={settings.EDGE_STALE_IF_ERROR_SECONDS}"
        )
    return value


def tag_headers(response, keys) -> None:
    """Name ``keys`` (surrogate keys) in ``Surrogate-Key`` (space-separated: Varnish,
    Fastly) and ``Cache-Tag`` (comma-separated: Cloudflare)."""
    ordered = sorted(keys)
    response["Surrogate-Key"] = " ".join(ordered)
    response["Cache-Tag"] = ",".join(ordered)


def negotiable(body: bytes, content_type: str) -> bool:
    """True when :func:`encode` would offer compressed bodies for ``body``: its
    representations then depend on ``Accept-Encoding``, whichever one is sent."""
    return len(body) >= MIN_COMPRESS_BYTES and compressible(content_type)


def set_body(
    response,
    bodies: dict[str, bytes],
    tags: dict[str, str],
    accept_encoding: str | None,
    *,
    negotiated: bool = False,
) -> None:
    """Give ``response`` the representation its client accepts, with its ``ETag``,
    ``Content-Encoding`` and ``Content-Length``, and ``Vary: Accept-Encoding`` when
    there was a choice, or ``negotiated`` (a choice exists although only the client's
    body was made): every representation of a negotiated resource names what it
    varies on, the uncompressed one included, so no shared cache keeps it for all
    clients (RFC 9110, section 12.5.5)."""
    coding = choose_coding(accept_encoding, bodies)
    response.content = bodies[coding]
    response["ETag"] = tags[coding]
    response["Content-Length"] = str(len(response.content))
    if coding != "identity":
        response["Content-Encoding"] = coding
    elif "Content-Encoding" in response:
        del response["Content-Encoding"]
    if len(bodies) > 1 or negotiated:
        patch_vary_headers(response, ("Accept-Encoding",))
