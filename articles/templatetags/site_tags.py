"""The site's editable copy in templates (``{% site_copy as copy %}``) and its filters."""

import re

from django import template
from django.db import DatabaseError
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from ..models import SiteSettings
from ..models.site_copy import BUILT_IN_COPY
from ..validators import PHONE_NUMBER_RE, phone_digits

register = template.Library()

# The first sentence of a line: up to and including its first full stop (or the whole line).
FIRST_SENTENCE_RE = re.compile(r"^(.+?[.!?])(\s+.*)?$")


@register.simple_tag(takes_context=True)
def site_copy(context):
    """The site's copy, as a dict with the names of :data:`BUILT_IN_COPY`.

    :data:`BUILT_IN_COPY` itself on error pages, which render without a request or with
    an ``exception`` in the context and must not need the database, and when the database
    cannot be read. Otherwise the ``SiteSettings`` row's copy, kept in each process
    (:func:`cached_site_copy`), so a page costs no query for it.
    """
    request = context.get("request")
    if request is None or "exception" in context:
        return BUILT_IN_COPY
    copy = getattr(request, "_site_copy", None)
    loaded = context.get("site_settings")  # a view that read the row anyway
    if copy is None and isinstance(loaded, SiteSettings):
        copy = request._site_copy = {name: getattr(loaded, name) for name in BUILT_IN_COPY}
    if copy is None:
        try:
            copy = cached_site_copy()
        except DatabaseError:
            return BUILT_IN_COPY
        request._site_copy = copy
    return copy


def cached_site_copy():
    """The ``SiteSettings`` row's copy (a dict), from this process's copy of the row
    (:meth:`isha.singletons.SingletonModel.load_shared`: one cache read, a query only
    after a save or in a new process). Raises ``DatabaseError`` when the row must be
    read and cannot be."""
    settings = SiteSettings.load_shared()
    return {name: getattr(settings, name) for name in BUILT_IN_COPY}


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@register.filter(is_safe=True)
def tel_links(text):
    """``text`` escaped, with each phone number (``articles.validators.PHONE_NUMBER_RE``)
    made a ``tel:`` link (RFC 3966) a reader can tap to call."""
    parts, last = [], 0
    for match in PHONE_NUMBER_RE.finditer(text or ""):
        parts.append(escape(text[last : match.start()]))
        parts.append(format_html('<a href="tel:{}">{}</a>', phone_digits(match.group()), match.group()))
        last = match.end()
    parts.append(escape((text or "")[last:]))
    return mark_safe("".join(parts))


@register.filter(is_safe=True)
def paragraphs(text, with_tel_links=False):
    """Each non-blank line of ``text`` as an escaped ``<p>`` (phone numbers linked when
    ``with_tel_links``)."""
    render = tel_links if with_tel_links else escape
    return format_html_join("\n", "<p>{}</p>", ((render(line),) for line in _lines(text)))


@register.filter(is_safe=True)
def bold_first_sentence_items(text):
    """Each non-blank line of ``text`` as an escaped ``<li>`` whose first sentence is bold."""
    items = []
    for line in _lines(text):
        match = FIRST_SENTENCE_RE.match(line)
        lead, rest = (match.group(1), match.group(2) or "") if match else (line, "")
        items.append(format_html("<li><strong>{}</strong>{}</li>", lead, rest))
    return mark_safe("\n".join(items))
