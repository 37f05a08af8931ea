"""The article page's transfer size: HTML, CSS and JS as a browser gets them compressed,
and the images a 1280 px wide 1x browser would fetch (issue 7's 100 KB budget)."""

import gzip
import re
from html.parser import HTMLParser

from harness import PROXY_HEADERS, fetch

TRANSFER_BUDGET = 100 * 1024
VIEWPORT_PX = 1280  # a laptop browser at 1x, for picking image candidates


class PageAssets(HTMLParser):
    """The stylesheets, scripts and images a page makes a browser fetch."""

    def __init__(self):
        super().__init__()
        self.styles, self.scripts, self.icons, self.pictures = [], [], [], []
        self._picture = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.styles.append(attrs["href"])
        elif tag == "link" and attrs.get("rel") == "icon":
            self.icons.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        elif tag == "picture":
            self._picture = {"webp": None, "sizes": "100vw", "src": None}
        elif tag == "source" and self._picture is not None and attrs.get("type") == "image/webp":
            self._picture["webp"] = attrs.get("srcset")
            self._picture["sizes"] = attrs.get("sizes", "100vw")
        elif tag == "img":
            if self._picture is not None:
                self._picture["src"] = attrs.get("src")
            else:
                self.icons.append(attrs.get("src"))

    def handle_endtag(self, tag):
        if tag == "picture" and self._picture is not None:
            self.pictures.append(self._picture)
            self._picture = None


def slot_width(sizes, viewport=VIEWPORT_PX, rem=16):
    """The CSS width ``sizes`` gives an image at ``viewport`` px (min-width queries, rem/vw/px)."""
    for part in sizes.split(","):
        part = part.strip()
        match = re.match(r"\(min-width:\s*([\d.]+)(rem|px)\)\s*(.+)", part)
        if match:
            minimum = float(match[1]) * (rem if match[2] == "rem" else 1)
            if viewport < minimum:
                continue
            part = match[3]
        value = re.match(r"([\d.]+)(rem|vw|px)", part)
        if value:
            number, unit = float(value[1]), value[2]
            return number * {"rem": rem, "vw": viewport / 100, "px": 1}[unit]
    return viewport


def picked_candidate(srcset, width):
    """The srcset candidate a 1x browser picks for a slot ``width`` px wide."""
    candidates = sorted(
        (int(w[:-1]), url) for url, w in (item.strip().rsplit(" ", 1) for item in srcset.split(","))
    )
    for candidate_width, url in candidates:
        if candidate_width >= width:
            return url
    return candidates[-1][1]


def transfer_size(base, path, media_root):
    """Bytes on the wire for ``path``: HTML (gzip -6, as nginx or a load balancer would
    compress it), CSS and JS as whitenoise serves them (brotli or gzip), images apart."""
    status, _headers, html = fetch(base + path, PROXY_HEADERS)
    assert status == 200, status
    parser = PageAssets()
    parser.feed(html.decode())
    rows = [("HTML", path, len(html), len(gzip.compress(html, 6)), "gzip -6")]
    for kind, urls in (("CSS", parser.styles), ("JS", parser.scripts)):
        for url in urls:
            _s, headers, body = fetch(base + url, PROXY_HEADERS | {"Accept-Encoding": "br, gzip"})
            _s, _h, plain = fetch(base + url, PROXY_HEADERS)
            rows.append((kind, url, len(plain), len(body), headers.get("Content-Encoding") or "none"))
    images = []
    for url in dict.fromkeys(parser.icons):  # the favicon is linked twice, fetched once
        _s, headers, body = fetch(base + url, PROXY_HEADERS | {"Accept-Encoding": "br, gzip"})
        images.append(("icon", url, len(body), headers.get("Content-Encoding") or "none"))
    for picture in parser.pictures:
        url = (
            picked_candidate(picture["webp"], slot_width(picture["sizes"]))
            if picture["webp"]
            else picture["src"]
        )
        local = media_root / url.split("/media/", 1)[-1]
        images.append(
            (
                "picture",
                url,
                local.stat().st_size if local.exists() else 0,
                "webp" if picture["webp"] else "original",
            )
        )
    return rows, images
