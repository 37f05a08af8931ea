"""Template tags for the project's additions to the admin."""

from django import template
from django.urls import reverse

from isha.outbox import outbox_enabled

register = template.Library()


@register.simple_tag
def outbox_url():
    """The development outbox's URL while ``DEBUG`` is on, else ``""`` (no link)."""
    return reverse("outbox") if outbox_enabled() else ""
