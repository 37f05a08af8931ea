"""Citations in article bodies, and sources formatted in NLM style.

The one module that knows how a citation is written. A body stores each citation as
its marker, ``[cite:12]`` (12 being the source's id in the source library), in text.
The admin's body editor shows the same citation as an element that carries the
marker as its text::

    <span data-cite="12" data-label="Smith 2020">[cite:12]</span>

and displays it as the number readers will see and the source's short title (see
``articles/static/articles/admin/citations.js``). The element is not on the
sanitiser's allow-list, so sanitising (``articles.sanitize.sanitize_html``, which every
path that stores a body runs) drops the ``<span>`` and keeps its text: the stored form
is the marker, whichever door the body came in by, and existing ``[cite:N]`` bodies
(the Webflow import, demo content) need nothing. :func:`to_editor` turns stored markers
into the editor's element when the form is shown.

The page renders each marker as a numbered superscript linking to the numbered entry
in the article's "Sources" list; sources are numbered in order of first citation in the
body, then the attached sources not cited inline, in their attached order.
"""

import re
from dataclasses import dataclass, field

from django.utils.html import format_html

from .db_ids import storable_ids

MARKER_RE = re.compile(r"\[cite:\s*(\d+)\s*\]", re.IGNORECASE)
# The editor's element (its attribute; the marker inside it is found by MARKER_RE too).
EDITOR_ATTRIBUTE_RE = re.compile(r"""<span\b[^>]*?\sdata-cite=["']?(\d+)""", re.IGNORECASE)
# The whole element, as the editor writes it (its text is the marker, never markup).
EDITOR_ELEMENT_RE = re.compile(r"""<span\b[^>]*?\sdata-cite=["']?(\d+)[^>]*>[^<]*</span>""", re.IGNORECASE)
# In sanitised HTML "<" and ">" are escaped in text and attribute values, so a tag is
# exactly "<" up to the next ">" (as in articles/search.py).
_TAG_SPLIT_RE = re.compile(r"(<[^>]*>)")


def marker_for(source_id):
    """The text an editor types in the body to cite source ``source_id``."""
    return f"[cite:{source_id}]"


def cited_source_ids(html):
    """Source ids cited in ``html``, in order of first citation, without repeats.

    ``html`` is a stored body (``[cite:N]`` markers) or the editor's HTML (the
    ``<span data-cite="N">`` element), or a fragment of either (a sentence, a paragraph).
    """
    seen = []
    found = [(m.start(), m.group(1)) for m in MARKER_RE.finditer(html or "")]
    found += [(m.start(), m.group(1)) for m in EDITOR_ATTRIBUTE_RE.finditer(html or "")]
    for _start, digits in sorted(found):
        source_id = int(digits)
        if source_id not in seen and storable_ids([source_id]):
            seen.append(source_id)
    return seen


def short_title(source):
    """A source's short title for editors, e.g. "Smith 2020" or "Ketamine for depress…".

    The first author's surname (NLM style puts it first) and the year when both are
    known; otherwise the start of the title, or of the citation as written.
    """
    first_author = (source.authors or "").split(",")[0].split()
    if first_author and source.year:
        suffix = " et al." if "," in source.authors else ""
        return f"{first_author[0]}{suffix} {source.year}"
    text = " ".join((source.title or source.citation_text or "").split())
    return text if len(text) <= 40 else text[:39].rstrip() + "\u2026"


def editor_element(source_id, label):
    """The editor's element for a citation of ``source_id`` shown as ``label``, as HTML."""
    return format_html(
        '<span data-cite="{}" data-label="{}">{}</span>', source_id, label, marker_for(source_id)
    )


def to_editor(html, labels):
    """``html`` (a stored body) with each marker in text turned into the editor's element.

    ``labels`` maps source ids to short titles (:func:`short_title`); a marker of a
    source not in it gets an empty label (the editor shows its number only). Markers
    inside a tag (an attribute value) are left as they are, as in :func:`number_sources`.
    """

    def element(match):
        source_id = int(match.group(1))
        return editor_element(source_id, labels.get(source_id, ""))

    # A body sent back by the editor (a form shown again with its errors) holds elements.
    html = EDITOR_ELEMENT_RE.sub(lambda match: marker_for(int(match.group(1))), html or "")
    parts = _TAG_SPLIT_RE.split(html)
    return "".join(part if index % 2 else MARKER_RE.sub(element, part) for index, part in enumerate(parts))


def labels_for(html):
    """``{source id: short title}`` for the sources ``html`` cites that are in the library."""
    from .models import Source  # the models import this module

    sources = Source.objects.filter(pk__in=cited_source_ids(html))
    return {source.pk: short_title(source) for source in sources}


def unknown_markers(html, attached_ids):
    """The markers in ``html`` (as typed) whose source is not in ``attached_ids``."""
    attached = set(attached_ids)
    return [m.group(0) for m in MARKER_RE.finditer(html or "") if int(m.group(1)) not in attached]


@dataclass
class NumberedSources:
    """An article's sources in reader order, and its body with markers rendered.

    ``entries`` is a list of ``(number, source, backlinks)`` where ``backlinks`` are the
    ids of the superscripts citing it (empty for sources only attached).
    """

    body: str
    entries: list = field(default_factory=list)


def number_sources(html, sources):
    """Number ``sources`` (attached, in order) for ``html``; render its markers.

    ``html`` must be sanitised (``articles.sanitize.sanitize_html``). Only markers in
    text are rendered: one inside a tag (an image's ``alt``, a link's ``title``) is left
    as typed, since markup put into an attribute would end the tag and let the rest of
    the value be read as markup. ``sources`` are Source objects with ``pk``. Markers
    for sources not attached are removed from the output (saving such a body is
    refused; this only guards old data). Returns :class:`NumberedSources`.
    """
    by_id = {source.pk: source for source in sources}
    order = [sid for sid in cited_source_ids(html) if sid in by_id]
    order += [source.pk for source in sources if source.pk not in order]
    numbers = {sid: n for n, sid in enumerate(order, start=1)}
    backlinks = {sid: [] for sid in order}

    def render(match):
        source_id = int(match.group(1))
        if source_id not in numbers:
            return ""
        number = numbers[source_id]
        anchor = f"cite-{number}-{len(backlinks[source_id]) + 1}"
        backlinks[source_id].append(anchor)
        return format_html(
            '<sup class="citation"><a id="{}" href="#source-{}" aria-label="Source {}">{}</a></sup>',
            anchor,
            number,
            number,
            number,
        )

    parts = _TAG_SPLIT_RE.split(html or "")
    body = "".join(part if index % 2 else MARKER_RE.sub(render, part) for index, part in enumerate(parts))
    return NumberedSources(body=body, entries=[(numbers[sid], by_id[sid], backlinks[sid]) for sid in order])


def nlm_citation(source):
    """Format ``source`` in NLM (Citing Medicine, 2nd ed.) journal-article style, as text.

    ``Authors. Title. Journal. Year;Volume(Issue):Pages. doi: DOI. PMID: PMID.``
    Returns "" when authors, title, journal or year is missing: the caller then shows
    the citation as written. Source: Patrias K. Citing Medicine: The NLM Style Guide for
    Authors, Editors, and Publishers. 2nd ed. NLM; 2007. https://www.ncbi.nlm.nih.gov/books/NBK7256/
    """
    if not (source.authors and source.title and source.journal and source.year):
        return ""
    title = source.title.rstrip(".")
    parts = [f"{source.authors.rstrip('.')}.", f"{title}.", f"{source.journal.rstrip('.')}."]
    locator = str(source.year)
    if source.volume:
        locator += f";{source.volume}"
        if source.issue:
            locator += f"({source.issue})"
    if source.pages:
        locator += f":{source.pages}"
    parts.append(f"{locator}.")
    if source.doi:
        parts.append(f"doi: {source.doi}.")
    if source.pmid:
        parts.append(f"PMID: {source.pmid}.")
    return " ".join(parts)
