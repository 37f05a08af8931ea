"""The article page's weight: what a reader downloads before any image, compressed.

No browser needed: the HTML comes from the test client, and the stylesheets and scripts it
links to are the files the static files finders serve (what ``runserver`` and the live
server send; in production WhiteNoise sends the same files, collected).
"""

import gzip
from html.parser import HTMLParser

from django.conf import settings
from django.contrib.staticfiles import finders


class Assets(HTMLParser):
    """The stylesheets and scripts an HTML page links to, as URLs in document order."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if (tag == "link" and attrs.get("rel") == "stylesheet") or (tag == "script" and attrs.get("src")):
            self.urls.append(attrs.get("href") or attrs.get("src"))


def static_file(url):
    """The bytes served at the static ``url`` (a path under STATIC_URL)."""
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    assert url.startswith(prefix), url
    path = finders.find(url[len(prefix) :].split("?")[0])
    assert path, f"{url} is not a static file"
    with open(path, "rb") as handle:
        return handle.read()


def test_the_article_page_weighs_under_100_kb_compressed_without_images(client, clinic_content):
    response = client.get(clinic_content["article"].get_absolute_url())
    assert response.status_code == 200
    html = response.content
    assets = Assets()
    assets.feed(html.decode())

    compressed = sum(len(gzip.compress(body)) for body in [html, *map(static_file, assets.urls)])

    assert len(assets.urls) >= 2
    assert compressed < 100_000, compressed
