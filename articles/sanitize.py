"""The one HTML allow-list for article text.

Every path that stores editor or imported HTML (model ``save()``, the admin form, the
Webflow importer, the shell) goes through :func:`sanitize_html`, so nothing depends on
which door the content came in by. What readers get is sanitised again, after the site's
own substitutions (citation markers, heading ids), by :func:`sanitize_for_readers`: a
body written around a substitution, or stored by a path that skipped ``save()``
(``QuerySet.update()``, SQL), can never become markup the allow-list refuses.
"""

import re
import unicodedata

import nh3

from .db_ids import parse_id

# C0 controls except tab, newline and carriage return, plus DEL: never meaningful in
# text, invalid in XML 1.0 (feeds) and invisible on the page.
CONTROL_CHARACTERS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "b",
    "em",
    "i",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "figure",
    "figcaption",
    "img",
    "sup",
    "sub",
    "hr",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    # data-file: the media library's id of the image (django-prose-editor's Image extension).
    "img": {"src", "alt", "width", "height", "loading", "role", "data-file"},
    "h2": {"id"},
    "h3": {"id"},
}
# Replaces nh3's defaults, and applies to href and src alike: no javascript:, no data:.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


_SRCSET = re.compile(r"/[^\s,/][^\s,]* \d+w(?:, /[^\s,/][^\s,]* \d+w)*")
_SIZES = re.compile(r"[()a-z0-9:, -]+")

# What the site's substitutions add, allowed in what readers get only, each with the one
# shape the site writes (articles/citations.py and articles/toc.py).
_READER_ONLY_ATTRIBUTES = {
    ("a", "id"): re.compile(r"cite-\d+-\d+"),
    ("a", "aria-label"): re.compile(r"Source \d+"),
    ("a", "rel"): re.compile(r"noopener noreferrer"),
    ("sup", "class"): re.compile(r"citation"),
    # A library image as articles/library.py writes it: own-origin paths with widths.
    ("img", "srcset"): _SRCSET,
    ("img", "sizes"): _SIZES,
    ("source", "srcset"): _SRCSET,
    ("source", "sizes"): _SIZES,
    ("source", "type"): re.compile(r"image/webp"),
}
_READER_TAGS = ALLOWED_TAGS | {"picture", "source"}
_READER_ATTRIBUTES = {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}
for _tag, _name in _READER_ONLY_ATTRIBUTES:
    _READER_ATTRIBUTES.setdefault(_tag, set()).add(_name)


def _attribute_filter(element, attribute, value):
    # role is allowed only to mark an image decorative (WAI-ARIA "presentation").
    if attribute == "role" and not (element == "img" and value == "presentation"):
        return None
    if attribute == "data-file" and parse_id(value) is None:
        return None
    return value


def sanitize_html(html):
    """Return ``html`` reduced to the allow-list above.

    Scripts and styles are dropped with their content; other unknown tags are dropped
    but their text kept; event-handler and style attributes and URLs with schemes
    outside ``ALLOWED_URL_SCHEMES`` are removed; ``role`` survives only as
    ``role="presentation"`` on an image, the mark of a decorative one. Links get
    ``rel="noopener noreferrer"``.
    ``None`` or "" gives "". Idempotent: sanitising clean HTML returns it unchanged.
    The text comes out in Unicode Normalization Form C (UAX #15), as search expects:
    "é" typed and "e" + combining acute pasted are then the same characters.
    """
    if not html:
        return ""
    return nh3.clean(
        unicodedata.normalize("NFC", html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        attribute_filter=_attribute_filter,
        strip_comments=True,
    )


def _reader_attribute_filter(element, attribute, value):
    shape = _READER_ONLY_ATTRIBUTES.get((element, attribute))
    if shape is not None and not shape.fullmatch(value):
        return None
    return _attribute_filter(element, attribute, value)


def sanitize_for_readers(html):
    """Return the final HTML of a public page's body, reduced to the allow-list.

    The same tags, URL schemes and rules as :func:`sanitize_html`, plus only what the
    site's substitutions write: a citation's ``<sup class="citation">`` and its link's
    ``id="cite-N-M"`` and ``aria-label="Source N"``, and a library image's ``<picture>``
    with ``srcset`` s of own-origin paths (``articles.library``). Links keep the ``rel`` that
    :func:`sanitize_html` gave them (none is added, so citation links stay as written).
    ``None`` or "" gives "".
    """
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=_READER_TAGS,
        attributes=_READER_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        attribute_filter=_reader_attribute_filter,
        link_rel=None,
        strip_comments=True,
    )


def strip_control_characters(text):
    """``text`` without C0 control characters (tab, LF, CR kept) and DEL, in Unicode
    Normalization Form C (as :func:`sanitize_html`)."""
    return unicodedata.normalize("NFC", CONTROL_CHARACTERS_RE.sub("", text or ""))
