"""What a crawler reads from a page's head (title, meta, links, JSON-LD), for the tests of
the page metadata: :class:`Head` parses it, :func:`get_head` fetches a page and parses it.
``SITE`` is the ``SITE_URL`` those tests set (the ``site_url`` fixture in conftest.py)."""

import json
from html.parser import HTMLParser

SITE = "https://www.example.org"


class Head(HTMLParser):
    """What a crawler reads from a page's head, with entities decoded as a browser would."""

    def __init__(self, html):
        super().__init__()
        self.title, self.meta, self.links, self.json_ld = "", {}, [], []
        self._in = None
        self.feed(html.split("</head>")[0])

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs:
            self.meta.setdefault(attrs.get("name") or attrs.get("property"), []).append(attrs["content"])
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "title" or (tag == "script" and attrs.get("type") == "application/ld+json"):
            self._in = tag
            if tag == "script":
                self.json_ld.append("")

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "script":
            self.json_ld[-1] += data

    def one(self, key):
        [value] = self.meta[key]
        return value

    def link(self, rel):
        return [link for link in self.links if link.get("rel") == rel]

    def data(self):
        [text] = self.json_ld
        return json.loads(text)

    def node(self, kind):
        """The one node of the JSON-LD ``@graph`` whose ``@type`` is ``kind``."""
        [node] = [node for node in self.data()["@graph"] if node["@type"] == kind]
        return node


def get_head(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return Head(response.content.decode())
