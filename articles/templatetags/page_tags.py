"""Links to the standalone pages in templates: ``{% linked_pages as pages %}``."""

from django import template

from .. import pages as page_links

register = template.Library()


@register.simple_tag(takes_context=True)
def linked_pages(context):
    """``{purpose: {"title", "url"}}`` of the published pages the site links to
    (:func:`articles.pages.linked_pages`); ``{}`` on error pages, which render without the
    database."""
    if context.get("request") is None or "exception" in context:
        return {}
    return page_links.linked_pages()


@register.simple_tag
def email_page_links(site_url):
    """``[(title, absolute URL)]`` of the linked pages, for an email's footer
    (:func:`articles.pages.email_links`): emails render without a request."""
    return page_links.email_links(site_url)
