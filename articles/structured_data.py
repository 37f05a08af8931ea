"""An article page's JSON-LD and the date-times that it, Open Graph and the feeds share.

The JSON-LD follows Google's Article structured data guidance
(https://developers.google.com/search/docs/appearance/structured-data/article) and the
schema.org vocabulary (release 30.0): an ``@graph`` holding the page (``MedicalWebPage``),
the ``Article`` and the publisher (``Organization``) as separate nodes linked by ``@id``.
Dates are ISO 8601 date-times with the offset of the site's zone (``TIME_ZONE``), as
Google asks, and the same instants Open Graph's ``article:published_time`` /
``article:modified_time`` and the feeds' entries give.
"""

from datetime import datetime, time

from django.core.files.storage import default_storage
from django.templatetags.static import static
from django.utils import timezone

from .seo import (
    SITE_NAME,
    absolute_url,
    article_description,
    hero_image,
    person_or_organization,
    sharing_image,
)

#: Fragment identifiers of the nodes, appended to the page's (or site's) URL.
PAGE_NODE, ARTICLE_NODE, PUBLISHER_NODE = "#webpage", "#article", "#organization"


def start_of_day(day):
    """The aware ``datetime`` at which ``day`` (a ``date``) starts in the site's zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def published_time(article):
    """When ``article`` was published, as an aware ``datetime`` in the site's zone (whole
    seconds), or None before it has a publication time or date.

    The publication time when it falls on the publication date readers see, else the
    start of that date (an editor may date an imported article by its first appearance).
    """
    if article.published_at is None:
        return start_of_day(article.published_on) if article.published_on else None
    published = timezone.localtime(article.published_at).replace(microsecond=0)
    if article.published_on and article.published_on != published.date():
        return start_of_day(article.published_on)
    return published


def modified_time(article):
    """When ``article`` last changed substantively (its "Last updated" date), as an aware
    ``datetime`` in the site's zone: the start of that date, never before
    :func:`published_time`; the publication time when it was never updated. None
    without either."""
    published = published_time(article)
    if not article.updated_on:
        return published
    updated = start_of_day(article.updated_on)
    return max(updated, published) if published else updated


def iso_datetime(value):
    """``value`` (an aware ``datetime`` or None) as ISO 8601 with its offset, or ``""``."""
    return value.isoformat() if value else ""


def publisher_node():
    """The site as the ``Organization`` that publishes every article, with its logo."""
    return {
        "@type": "Organization",
        "@id": absolute_url("/") + PUBLISHER_NODE,
        "name": SITE_NAME,
        "url": absolute_url("/"),
        "logo": {"@type": "ImageObject", "url": absolute_url(static("img/favicon.svg"))},
    }


def publisher_link():
    """A reference to :func:`publisher_node` by its ``@id``."""
    return {"@id": absolute_url("/") + PUBLISHER_NODE}


def credentials(text):
    """``text`` ("MD, PhD") as ``honorificSuffix`` and one schema.org
    ``EducationalOccupationalCredential`` per comma-separated part; ``{}`` when empty."""
    parts = [part.strip() for part in (text or "").split(",") if part.strip()]
    if not parts:
        return {}
    return {
        "honorificSuffix": ", ".join(parts),
        "hasCredential": [{"@type": "EducationalOccupationalCredential", "name": part} for part in parts],
    }


def reviewer_node(reviewer):
    """The medical reviewer as a ``Person`` with the URL of their page and their credentials."""
    return {
        "@type": "Person",
        "name": reviewer.name,
        "url": absolute_url(reviewer.get_absolute_url()),
        **credentials(reviewer.credentials),
        **({"jobTitle": reviewer.specialty} if reviewer.specialty else {}),
    }


def author_node(author):
    """The author as a ``Person`` (``Organization`` for a team) with the URL of their page
    and, when given, their credentials."""
    node = person_or_organization(author.name, absolute_url(author.get_absolute_url()))
    if node["@type"] == "Person":
        node.update(credentials(getattr(author, "credentials", "")))
    return node


def image_nodes(article):
    """The article's images for Google: its hero image's 16:9, 4:3 and 1:1 crops
    (:func:`articles.images.make_crops`) as ``ImageObject`` s, else the picture link
    previews show; ``[]`` without an image."""
    crops = (article.hero_renditions or {}).get("crops") if hero_image(article) else None
    if crops and article.hero_renditions.get("name") == article.hero_image.name:
        return [
            {
                "@type": "ImageObject",
                "url": absolute_url(default_storage.url(crop["path"])),
                "width": crop["width"],
                "height": crop["height"],
            }
            for crop in crops
        ]
    image = sharing_image(article)
    if image is None:
        return []
    dimensions = {"width": image["width"], "height": image["height"]} if image["width"] else {}
    return [{"@type": "ImageObject", "url": image["url"], **dimensions}]


def citation_node(source):
    """A schema.org CreativeWork (ScholarlyArticle when it has a DOI or PMID) for ``source``."""
    links = [link for link in (source.doi_url, source.pubmed_url, source.url) if link]
    work = {
        "@type": "ScholarlyArticle" if source.doi or source.pmid else "CreativeWork",
        "name": source.display_citation,
    }
    if links:
        work["url"] = links[0]
    if links[1:]:
        work["sameAs"] = links[1:]
    identifiers = [
        {"@type": "PropertyValue", "propertyID": kind, "value": value}
        for kind, value in (("DOI", source.doi), ("PMID", source.pmid))
        if value
    ]
    if identifiers:
        work["identifier"] = identifiers
    return work


def article_node(article, citations, url):
    """The ``Article`` node: headline, dates, images, author, publisher and every citation."""
    node = {
        "@type": "Article",
        "@id": url + ARTICLE_NODE,
        "mainEntityOfPage": {"@id": url + PAGE_NODE},
        "headline": article.title,
        "description": article_description(article),
        # A draft autosaved before its author was chosen (previewed only) has none yet.
        "author": author_node(article.author) if article.author else publisher_link(),
        "publisher": publisher_link(),
    }
    for key, value in (("datePublished", published_time(article)), ("dateModified", modified_time(article))):
        if value:
            node[key] = iso_datetime(value)
    images = image_nodes(article)
    if images:
        node["image"] = images
    if citations:
        node["citation"] = list(citations)
    return node


def page_node(article, topics, url):
    """The ``MedicalWebPage`` node: what it is about, for whom, and its medical review
    (``reviewedBy``, ``lastReviewed``) once a reviewer has signed the article off."""
    page = {
        "@type": "MedicalWebPage",
        "@id": url + PAGE_NODE,
        "url": url,
        "name": article.title,
        "description": article_description(article),
        "mainEntity": {"@id": url + ARTICLE_NODE},
        # Written for patients and the people around them, not for clinicians.
        "medicalAudience": {"@type": "Patient"},
    }
    if topics:
        page["about"] = [{"@type": "Thing", "name": topic.name} for topic in topics]
    if article.reviewed_by and article.reviewed_at:
        page["reviewedBy"] = reviewer_node(article.reviewed_by)
        page["lastReviewed"] = timezone.localdate(article.reviewed_at).isoformat()
    return page


def article_json_ld(article, citations, topics, url):
    """The article page's JSON-LD document (a dict): ``{"@context", "@graph": [page,
    article, publisher]}``.

    ``citations`` are the :func:`citation_node` dicts of the article's sources in reader
    order (``articles.reader_parts`` keeps them),
    ``topics`` the article's topics and ``url`` the page's canonical URL (an absolute URL).
    """
    return {
        "@context": "https://schema.org",
        "@graph": [page_node(article, topics, url), article_node(article, citations, url), publisher_node()],
    }
