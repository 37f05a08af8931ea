"""Reading one work's record in Crossref (by DOI) and PubMed (by PMID).

Crossref REST API, ``GET /works/{doi}`` (https://api.crossref.org/swagger-ui/index.html;
"Crossmark" update types: https://www.crossref.org/documentation/crossmark/participating-in-crossmark/):
a work that a notice updates lists it under ``updated-by`` (Crossref adds this inverse
of the notice's own ``update-to``, and the Retraction Watch data, to the updated work).
A record with ``update-to`` is itself a notice; citing a notice flags nothing.

NCBI E-utilities, ``efetch.fcgi?db=pubmed&retmode=xml``
(https://www.ncbi.nlm.nih.gov/books/NBK25499/; the PubMed XML elements:
https://www.nlm.nih.gov/bsd/licensee/elements_descriptions.html): the publication type
"Retracted Publication", and ``CommentsCorrections`` with ``RefType`` ``RetractionIn``,
``ErratumIn``, ``ExpressionOfConcernIn`` pointing at the notice's PMID.
"""

import json
import urllib.parse
from dataclasses import dataclass
from xml.etree import ElementTree

from ..models.source_checks import RegistryStatus
from .http import RegistryError

# Crossref update types (the Crossmark "update type" list) and what they mean for a citation.
CROSSREF_UPDATE_TYPES = {
    "retraction": RegistryStatus.RETRACTED,
    "partial_retraction": RegistryStatus.RETRACTED,
    "withdrawal": RegistryStatus.RETRACTED,
    "removal": RegistryStatus.RETRACTED,
    "expression_of_concern": RegistryStatus.CONCERN,
    "correction": RegistryStatus.CORRECTED,
    "corrigendum": RegistryStatus.CORRECTED,
    "erratum": RegistryStatus.CORRECTED,
    "addendum": RegistryStatus.CORRECTED,
    "clarification": RegistryStatus.CORRECTED,
}
# PubMed CommentsCorrections reference types pointing from a work to its notice.
PUBMED_NOTICE_TYPES = {
    "RetractionIn": RegistryStatus.RETRACTED,
    "ExpressionOfConcernIn": RegistryStatus.CONCERN,
    "ErratumIn": RegistryStatus.CORRECTED,
    "CorrectedandRepublishedIn": RegistryStatus.CORRECTED,
}
RETRACTED_PUBLICATION_TYPE = "Retracted Publication"


@dataclass(frozen=True)
class Finding:
    """One registry's answer: ``found``, the worst ``status`` it reports, the work's
    ``title`` there and a link to that status's notice (``notice_url``, or "")."""

    found: bool
    status: str = RegistryStatus.CURRENT
    title: str = ""
    notice_url: str = ""


NOT_FOUND = Finding(found=False, status=RegistryStatus.CURRENT)


def worst(findings):
    """One :class:`Finding` from several: found only if every registry found it, the most
    serious status with its notice, the first title given."""
    findings = list(findings)
    top = max(findings, key=lambda f: (RegistryStatus.severity(f.status), bool(f.notice_url)))
    return Finding(
        found=all(f.found for f in findings),
        status=top.status,
        title=next((f.title for f in findings if f.title), ""),
        notice_url=top.notice_url,
    )


def crossref(client, base_url, doi, mailto):
    """Crossref's :class:`Finding` for ``doi``; raises ``RegistryError`` on an unusable answer."""
    url = f"{base_url.rstrip('/')}/works/{urllib.parse.quote(doi, safe='/')}"
    status, body = client.get(url, {"mailto": mailto} if mailto else {})
    if status == 404:
        return NOT_FOUND
    try:
        work = json.loads(body)["message"]
        titles = work.get("title") or [""]
        updates = work.get("updated-by") or []
    except (ValueError, KeyError, TypeError, AttributeError):
        raise RegistryError("Crossref: the answer is not a work record") from None
    found = [Finding(True, RegistryStatus.CURRENT, str(titles[0]))]
    for update in updates:
        kind = CROSSREF_UPDATE_TYPES.get(str(update.get("type", "")).lower().replace("-", "_"))
        if kind:
            notice = update.get("DOI") or ""
            found.append(Finding(True, kind, "", f"https://doi.org/{notice}" if notice else ""))
    return worst(found)


def pubmed(client, base_url, pmid, *, tool, email, api_key=""):
    """PubMed's :class:`Finding` for ``pmid`` (efetch XML); raises ``RegistryError``."""
    params = {"db": "pubmed", "id": pmid, "retmode": "xml", "tool": tool, "email": email}
    if api_key:
        params["api_key"] = api_key
    status, body = client.get(f"{base_url.rstrip('/')}/efetch.fcgi", params)
    if status == 404:
        return NOT_FOUND
    try:
        # ElementTree resolves no external entities, and Python's expat refuses entity
        # expansion attacks (docs.python.org, "XML vulnerabilities").
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        raise RegistryError("PubMed: the answer is not XML") from None
    for citation in root.iter("MedlineCitation"):
        if (citation.findtext("PMID") or "").strip() == pmid:
            return _pubmed_finding(citation)
    if root.tag == "PubmedArticleSet" or root.find("ERROR") is not None:
        return NOT_FOUND
    raise RegistryError(f"PubMed: unexpected answer <{root.tag}>")


def _pubmed_finding(citation):
    element = citation.find(".//ArticleTitle")
    title = " ".join("".join(element.itertext()).split()) if element is not None else ""
    found = [Finding(True, RegistryStatus.CURRENT, title)]
    types = {(t.text or "").strip() for t in citation.iter("PublicationType")}
    if RETRACTED_PUBLICATION_TYPE in types:
        found.append(Finding(True, RegistryStatus.RETRACTED))
    for link in citation.iter("CommentsCorrections"):
        kind = PUBMED_NOTICE_TYPES.get(link.get("RefType", ""))
        notice = (link.findtext("PMID") or "").strip()
        if kind:
            url = f"https://pubmed.ncbi.nlm.nih.gov/{notice}/" if notice else ""
            found.append(Finding(True, kind, "", url))
    return worst(found)
