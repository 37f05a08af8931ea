"""Citation markers in article bodies, and sources formatted in NLM style.

Editors cite a source in the body by typing its marker, ``[cite:12]`` (12 being the
source's number in the admin's source library). The page renders each marker as a
numbered superscript linking to the numbered entry in the article's "Sources" list;
sources are numbered in order of first citation in the body, then the attached sources
not cited inline, in their attached order.
"""

import re
from dataclasses import dataclass, field

from django.utils.html import format_html

MARKER_RE = re.compile(r"\[cite:\s*(\d+)\s*\]", re.IGNORECASE)
# In sanitised HTML "<" and ">" are escaped in text and attribute values, so a tag is
# exactly "<" up to the next ">" (as in articles/search.py).
_TAG_SPLIT_RE = re.compile(r"(<[^>]*>)")


def marker_for(source_id):
    """The text an editor types in the body to cite source ``source_id``."""
    return f"[cite:{source_id}]"


def cited_source_ids(html):
    """Source ids cited in ``html``, in order of first citation, without repeats."""
    seen = []
    for match in MARKER_RE.finditer(html or ""):
        source_id = int(match.group(1))
        if source_id not in seen:
            seen.append(source_id)
    return seen


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
