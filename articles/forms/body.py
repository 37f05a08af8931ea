"""Checks of an article body: alt text on its images, and citation markers against the
sources attached to the article (and which sources a save attaches)."""

from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..citations import MARKER_RE, cited_source_ids
from ..db_ids import storable_ids
from ..models import Source
from ..sanitize import sanitize_html


class _ImageAltParser(HTMLParser):
    def __init__(self, library):
        super().__init__()
        self.missing = []
        self.library = library

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            attributes = dict(attrs)
            decorative = attributes.get("role") == "presentation"
            library_image = self.library.get(int(attributes.get("data-file") or 0))
            if library_image is not None:
                # A use without its own alt text gets the library's (or is decorative there).
                decorative = decorative or library_image.decorative or bool(library_image.alt_text.strip())
            if not (attributes.get("alt") or "").strip() and not decorative:
                self.missing.append(attributes.get("src") or "")


def images_without_alt(html, library=None):
    """The ``src`` of each ``<img>`` in ``html`` without alt text and not marked decorative.

    ``library`` maps media library ids to their ``Image``: a library image without alt
    text of its own uses the library's default, so it is missing only when that is too.

    An image is decorative when it carries ``role="presentation"`` (WAI-ARIA 1.2); its
    alt text then stays empty so screen readers skip it.
    """
    parser = _ImageAltParser(library or {})
    parser.feed(html or "")
    parser.close()
    return parser.missing


UNKNOWN_SOURCE_MESSAGE = _(
    "The body cites %(marker)s, but there is no source %(number)s in the library. Check "
    "the number, or remove the marker."
)
UNATTACHED_SOURCE_MESSAGE = _(
    "The body cites %(marker)s, but that source is not attached below. Attach it under "
    "Sources, or remove the marker."
)
UNATTACHED_ON_RESTORE_MESSAGE = _(
    "This revision's body cites %(marker)s, but that source is no longer attached to the "
    "article. Attach it under Sources on the article's page, then restore this revision."
)


def unattached_marker_errors(body, attached_source_ids, *, restoring=False):
    """One ``ValidationError`` per source ``body`` cites that is not in ``attached_source_ids``.

    Checks the body as it will be stored (sanitised), so a marker the sanitiser drops
    is not held against it. Each source is named once, by its marker as first typed.
    ``restoring`` words the message for the history's restore form, which has no inlines.
    """
    attached = set(attached_source_ids)
    typed = {}
    for match in MARKER_RE.finditer(sanitize_html(body or "")):
        source_id = int(match.group(1))
        if source_id not in attached:
            typed.setdefault(source_id, match.group(0))
    if not typed:
        return []
    in_library = set(Source.objects.filter(pk__in=storable_ids(typed)).values_list("pk", flat=True))
    errors = []
    for source_id, marker in typed.items():
        if source_id not in in_library:
            message, code = UNKNOWN_SOURCE_MESSAGE, "unknown_source"
        else:
            message = UNATTACHED_ON_RESTORE_MESSAGE if restoring else UNATTACHED_SOURCE_MESSAGE
            code = "unattached_source"
        errors.append(ValidationError(message, code=code, params={"marker": marker, "number": source_id}))
    return errors


def sources_to_attach(body, attached_source_ids, detached_source_ids=()):
    """Ids of the library's sources ``body`` cites that are not attached, in citation order.

    A save attaches them (a citation picked in the editor attaches its source), except
    those in ``detached_source_ids``: a source detached in the same save while the body
    still cites it is a contradiction for the editor to resolve
    (:func:`unattached_marker_errors` names it). Sources not in the library are left to
    that function too.
    """
    skip = set(attached_source_ids) | set(detached_source_ids)
    wanted = [pk for pk in cited_source_ids(sanitize_html(body or "")) if pk not in skip]
    in_library = set(Source.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    return [pk for pk in wanted if pk in in_library]
