"""Template tags for the page head: meta description, canonical URL, Open Graph, JSON-LD."""

from django import template
from django.urls import reverse

from .. import seo, structured_data
from ..models import Article, Page

register = template.Library()

# The descriptions of the topic, author and reviewer pages (as articles_by.html words them).
SUBJECT_DESCRIPTIONS = {
    "topic": "Articles about {subject.name} from Isha Health.",
    "author": "Articles written by {subject.name}.",
    "reviewer": "Articles medically reviewed by {subject}.",
}


def canonical_url(context):
    """The page's absolute URL without its query string, except ``?page=N`` past page 1.

    Empty for error pages: Django's error views render with an ``exception`` in the
    context (or without a request), and an error has no canonical address.
    """
    request = context.get("request")
    if request is None or "exception" in context:
        return ""
    path = request.path
    page = context.get("page_obj")
    if page is not None and page.number > 1:
        path += f"?page={page.number}"
    return seo.absolute_url(path)


FEED_FORMATS = (("rss", "application/rss+xml", "RSS"), ("atom", "application/atom+xml", "Atom"))


def feed_links(topic=None):
    """The feeds offered in the head: on a topic page the topic's own first, then the site's."""
    links = []
    if topic is not None:
        links += [
            {
                "href": reverse(f"articles:topic-feed-{name}", kwargs={"slug": topic.slug}),
                "type": media_type,
                "title": f"{seo.SITE_NAME}: {topic.name} ({label})",
            }
            for name, media_type, label in FEED_FORMATS
        ]
    links += [
        {"href": reverse(f"articles:feed-{name}"), "type": media_type, "title": f"{seo.SITE_NAME} ({label})"}
        for name, media_type, label in FEED_FORMATS
    ]
    return links


@register.simple_tag(takes_context=True)
def seo_meta(context):
    """What the head says about the page, as a dict (``{% seo_meta as seo %}``).

    Reads only what the view put in the context: an ``article`` (detail page), a
    ``subject`` and ``kind`` (topic, author and reviewer pages), ``page_obj``, a standalone ``page`` and
    ``is_preview``. Every value is plain text for the template to escape.
    """
    meta = {
        "title": seo.SITE_NAME,
        "description": seo.SITE_DESCRIPTION,
        "type": "website",
        "url": canonical_url(context),
        "image": None,
        "image_alt": "",
        "site_name": seo.SITE_NAME,
        "noindex": bool(context.get("is_preview")),
        "article": None,
        "tags": [],
    }
    article, subject, kind = context.get("article"), context.get("subject"), context.get("kind")
    if isinstance(article, Article):
        image = seo.sharing_image(article)
        meta.update(
            title=seo.search_title(article),
            description=seo.article_description(article) or seo.SITE_DESCRIPTION,
            type="article",
            image=image,
            image_alt=image["alt"] if image else "",
            article=article,
            published_time=structured_data.iso_datetime(structured_data.published_time(article)),
            modified_time=structured_data.iso_datetime(structured_data.modified_time(article)),
            tags=[topic.name for topic in context.get("topics") or []],
        )
    elif isinstance(context.get("page"), Page):
        meta.update(title=context["page"].title, description=context["page"].summary or seo.SITE_DESCRIPTION)
    elif subject is not None and kind in SUBJECT_DESCRIPTIONS:
        meta.update(
            title=str(subject),
            description=SUBJECT_DESCRIPTIONS[kind].format(subject=subject),
        )
    meta["feeds"] = feed_links(subject if kind == "topic" else None)
    return meta


@register.simple_tag(takes_context=True)
def article_json_ld(context):
    """The article page's JSON-LD ``<script>``, built from what the detail view loaded."""
    citations = context["parts"].citation_nodes()
    data = structured_data.article_json_ld(
        context["article"], citations, context.get("topics") or [], canonical_url(context)
    )
    return seo.json_ld_script(data)


@register.filter
def absolute(path):
    """``path`` as an absolute URL on ``settings.SITE_URL``."""
    return seo.absolute_url(path)
