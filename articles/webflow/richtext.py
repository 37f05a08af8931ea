"""Webflow rich text: dropping its empty paragraphs, lifting trailing citations, image URLs.

Works on the raw HTML Webflow exports (before sanitising, which the model's save does).
Webflow's editor keeps an empty line as ``<p>&zwj;</p>`` (a paragraph holding only
U+200D ZERO WIDTH JOINER), and this site's writers put the sources at the end of a post as
plain paragraphs in NLM style ("... doi: 10.1111/acem.13755. ... PMID: 30901130.").
"""

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass

_EMPTY_PARAGRAPH = re.compile(
    r"<p\b[^>]*>(?:\s|\u200d|\u00a0|&nbsp;|&zwj;|&#8205;|&#x200d;|<br\s*/?>)*</p>", re.IGNORECASE
)
_LAST_PARAGRAPH = re.compile(r"<p\b[^>]*>((?:(?!<p\b|</p>).)*)</p>\s*\Z", re.IGNORECASE | re.DOTALL)
_LAST_HEADING = re.compile(r"<(h[2-4])\b[^>]*>([^<]*)</\1>\s*\Z", re.IGNORECASE)
_REFERENCES_HEADING = re.compile(r"^\s*(references|sources|citations|bibliography)\s*:?\s*$", re.IGNORECASE)
# Crossref's advice for matching modern DOIs: 10.<4-9 digits>/<suffix of these characters>.
_DOI = re.compile(r"\b(10\.\d{4,9}/[-._;()/:a-z0-9]+)", re.IGNORECASE)
_PMID = re.compile(r"\bPMID:?\s*(\d{1,9})\b")
_HREF = re.compile(r"""<a\b[^>]*\bhref\s*=\s*(["'])(https?://.*?)\1""", re.IGNORECASE)
_BARE_URL = re.compile(r"https?://[^\s<>\"']+")
_TAG = re.compile(r"<[^>]+>")
_IMG_SRC = re.compile(r"""(<img\b[^>]*?\bsrc\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Citation:
    """A source lifted from the end of a body: its text as written, DOI, PMID, URL ("" if none)."""

    citation: str
    doi: str = ""
    pmid: str = ""
    url: str = ""


def clean_body(body: str | None) -> tuple[str, tuple[Citation, ...]]:
    """Return ``(body, citations)``: empty paragraphs dropped, trailing citations lifted out.

    Trailing paragraphs that carry a DOI or a PMID become :class:`Citation` objects, in the
    order they appeared; a "References" heading left with nothing under it goes too.
    A citation in the middle of the text stays where it is.
    """
    body = _EMPTY_PARAGRAPH.sub("", body or "").rstrip()
    citations: list[Citation] = []
    while (match := _LAST_PARAGRAPH.search(body)) and (citation := parse_citation(match[1])):
        citations.append(citation)
        body = body[: match.start()].rstrip()
    if citations and (heading := _LAST_HEADING.search(body)) and _REFERENCES_HEADING.match(heading[2]):
        body = body[: heading.start()].rstrip()
    return body, tuple(reversed(citations))


def parse_citation(fragment: str) -> Citation | None:
    """A :class:`Citation` for an HTML fragment that cites a DOI or PMID, else None."""
    text = html.unescape(_TAG.sub("", fragment)).strip()
    doi = _DOI.search(text)
    pmid = _PMID.search(text)
    if not (doi or pmid):
        return None
    if href := _HREF.search(fragment):
        url = html.unescape(href[2])
    else:
        url = bare[0] if (bare := _BARE_URL.search(text)) else ""
    return Citation(
        citation=text,
        doi=_trim_doi(doi[1]) if doi else "",
        pmid=pmid[1] if pmid else "",
        url=url,
    )


def _trim_doi(doi: str) -> str:
    # The pattern also swallows the sentence's full stop, and a closing bracket around it.
    doi = doi.rstrip(".,;:")
    while doi.endswith(")") and doi.count(")") > doi.count("("):
        doi = doi[:-1].rstrip(".,;:")
    return doi


def inline_image_urls(body: str) -> list[str]:
    """The ``src`` of every ``<img>`` in ``body``, unescaped, in order, without repeats."""
    return list(dict.fromkeys(html.unescape(m[3]) for m in _IMG_SRC.finditer(body)))


def replace_image_urls(body: str, new_urls: Mapping[str, str]) -> str:
    """Return ``body`` with each ``<img>`` src found in the ``new_urls`` mapping replaced."""

    def replace(match: re.Match[str]) -> str:
        src = html.unescape(match[3])
        if src not in new_urls:
            return match[0]
        return f"{match[1]}{match[2]}{html.escape(new_urls[src])}{match[2]}"

    return _IMG_SRC.sub(replace, body)
