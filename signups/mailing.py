"""The confirmation and welcome emails: their bodies from the admin-edited copy, and headers.

Every email carries an unsubscribe link in its body and the ``List-Unsubscribe``
header (RFC 2369) with ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``
(RFC 8058), so mail programs can offer a one-click unsubscribe that POSTs to the URL.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models import SiteSettings

from .addresses import delivery_address
from .models.form_copy import CONFIRM_LINK, sanitize_email_html
from .tokens import make_confirmation_token


def absolute(path):
    """``SITE_URL`` + ``path``: emails are read far from any request."""
    return settings.SITE_URL.rstrip("/") + path


def confirm_url(subscriber):
    return absolute(reverse("signups:confirm", args=[make_confirmation_token(subscriber)]))


def unsubscribe_url(subscriber):
    return absolute(reverse("signups:unsubscribe", args=[subscriber.unsubscribe_token]))


def manage_url(subscriber):
    """The "manage your subscription" page: the same per-subscriber secret as unsubscribing."""
    return absolute(reverse("signups:manage", args=[subscriber.unsubscribe_token]))


def unsubscribe_headers(subscriber):
    """The RFC 2369 / RFC 8058 headers for one subscriber's email, as a dict."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(subscriber)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def confirmation_message(subscriber, copy):
    """Return the confirmation email for ``subscriber`` (an ``EmailMultiAlternatives``).

    Plain text and HTML from ``copy`` (a :class:`~signups.models.SignupFormCopy`), with
    ``{confirm_link}`` replaced by a fresh confirmation link. The HTML is sanitised
    again here, so a row written around ``save()`` cannot put markup into an email.
    It is addressed to :func:`signups.addresses.delivery_address` (the domain already in
    ASCII under IDNA 2008), never to the stored string, which Django would encode under
    IDNA 2003. Raises ``ValueError`` for a stored address that has no such form.
    """
    link = confirm_url(subscriber)
    unsubscribe = unsubscribe_url(subscriber)
    context = {
        "text_body": copy.email_text.replace(CONFIRM_LINK, link),
        # Sanitised by the allow-list, and the link is escaped before it goes in.
        "html_body": mark_safe(sanitize_email_html(copy.email_html).replace(CONFIRM_LINK, escape(link))),
        "unsubscribe_url": unsubscribe,
        "manage_url": manage_url(subscriber),
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject=" ".join(copy.email_subject.split()),
        body=render_to_string("signups/email/confirmation.txt", context),
        to=[delivery_address(subscriber.email)],
        headers=unsubscribe_headers(subscriber),
    )
    message.attach_alternative(render_to_string("signups/email/confirmation.html", context), "text/html")
    return message


def welcome_message(subscriber, copy):
    """Return the welcome email for a confirmed ``subscriber`` (an ``EmailMultiAlternatives``).

    Subject and bodies from ``copy``'s welcome fields (the HTML sanitised again here); the
    footer adds the crisis line (``SiteSettings.crisis_line``), the site's linked pages
    (editorial standards among them) and the unsubscribe link, with the RFC 8058 one-click
    headers. Raises ``ValueError`` for a stored address with no ASCII form, as
    :func:`confirmation_message` does.
    """
    context = {
        "text_body": copy.welcome_text,
        "html_body": mark_safe(sanitize_email_html(copy.welcome_html)),
        "crisis_line": SiteSettings.load().crisis_line,
        "unsubscribe_url": unsubscribe_url(subscriber),
        "manage_url": manage_url(subscriber),
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject=" ".join(copy.welcome_subject.split()),
        body=render_to_string("signups/email/welcome.txt", context),
        to=[delivery_address(subscriber.email)],
        headers=unsubscribe_headers(subscriber),
    )
    message.attach_alternative(render_to_string("signups/email/welcome.html", context), "text/html")
    return message
