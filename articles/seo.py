"""What search engines and link previews read: descriptions, absolute URLs, images.

The article page's JSON-LD is built in :mod:`articles.structured_data`; here only
:func:`json_ld_script` puts it in the page.

Everything here is built from objects the views already loaded, so a page's head adds
no queries. Values are plain text; templates escape them, and :func:`json_ld_script`
escapes JSON for a ``<script>`` element.
"""

import html
import json
import re
from urllib.parse import urljoin

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.encoding import iri_to_uri
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe

from .citations import MARKER_RE

SITE_NAME = "Isha Health"
SITE_DESCRIPTION = "Evidence-based articles on ketamine therapy from Isha Health's clinical team."
# Search engines show about this many characters of a description.
DESCRIPTION_LENGTH = 160
# An author credited by a name like these is a team, not a person (schema.org Organization).
ORGANIZATION_NAME_RE = re.compile(r"\b(team|staff|editorial|isha health)\b", re.IGNORECASE)
# As django.utils.html.json_script: in a <script> element, "</script>" or "<!--" in a
# string must not end or change the element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def absolute_url(path):
    """``path`` (a URL path, or an already absolute URL) on the public site, ``settings.SITE_URL``.

    Links shared outside the site must not depend on the Host header of the request
    that happened to render them.
    """
    return urljoin(settings.SITE_URL, iri_to_uri(path))


# Tags that end a block of text (HTML's block-level elements and line breaks): each reads
# as a space, so paragraphs do not run together; inline tags (em, a...) read as nothing.
_BLOCK_TAG_RE = re.compile(
    r"</?(?:p|div|h[1-6]|li|ul|ol|dl|dt|dd|blockquote|br|hr|figure|figcaption|table|tr|td|th|pre)\b[^>]*>",
    re.IGNORECASE,
)


def meta_description(text, length=DESCRIPTION_LENGTH):
    """``text`` as a one-line plain description of at most ``length`` characters.

    Tags and citation markers are removed (a block's tag counts as a space, so paragraphs
    do not run together), entities decoded (the template escapes the result once) and whitespace
    collapsed; a longer text is cut at a word with "…".
    """
    spaced = _BLOCK_TAG_RE.sub(" ", MARKER_RE.sub("", text or ""))
    text = " ".join(html.unescape(strip_tags(spaced)).split())
    if len(text) <= length:
        return text
    return text[: length - 1].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"


def article_description(article):
    """The article's description: its meta description, else its summary, else the start
    of its body."""
    return (
        meta_description(article.meta_description)
        or meta_description(article.summary)
        or meta_description(article.body)
    )


def search_title(article):
    """The article's title for search results and link previews: its search title, else
    its title."""
    return " ".join(article.search_title.split()) or article.title


def hero_image(article):
    """``{"url", "width", "height"}`` of the article's largest hero rendition, or None.

    The largest rendition is the original size re-encoded upright without metadata; its
    JPEG/PNG file is used because not every link preview reads WebP. Without current
    renditions the uploaded file is used, without dimensions.
    """
    if not article.hero_image:
        return None
    renditions = article.hero_renditions or {}
    if renditions.get("name") == article.hero_image.name and renditions.get("sources"):
        largest = renditions["sources"][-1]
        return {
            "url": absolute_url(default_storage.url(largest["fallback"])),
            "width": renditions["width"],
            "height": renditions["height"],
        }
    return {"url": absolute_url(article.hero_image.url), "width": None, "height": None}


def sharing_image(article):
    """``{"url", "width", "height", "alt"}`` of the picture link previews show: the
    article's social image (its dimensions are not read, which would open the file), else
    its hero image (:func:`hero_image`) with the hero's alt text; None without either."""
    if article.social_image:
        return {"url": absolute_url(article.social_image.url), "width": None, "height": None, "alt": ""}
    image = hero_image(article)
    if image is None:
        return None
    return {**image, "alt": "" if article.hero_image_decorative else article.hero_image_alt}


def person_or_organization(name, url=""):
    """A schema.org ``Person``, or ``Organization`` when the name reads like one (a team,
    the editors, Isha Health), as a dict for JSON-LD; ``url`` is left out when empty."""
    kind = "Organization" if ORGANIZATION_NAME_RE.search(name) else "Person"
    return {"@type": kind, "name": name, **({"url": url} if url else {})}


def json_ld_script(data):
    """``data`` serialised into a ``<script type="application/ld+json">`` element."""
    text = json.dumps(data, cls=DjangoJSONEncoder).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))
