"""An article's identity in feed readers: the RSS ``guid`` and Atom ``id`` of its entries."""

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_feed_id(today=None):
    """A new ``tag:`` URI (RFC 4151) naming one article for ever, e.g.
    ``tag:www.ishahealth.com,2026-12-06:article:3f2a...``.

    The tagging entity is the host of ``settings.SITE_URL`` on ``today`` (a ``date``, the
    site's today by default), as RFC 4151 asks of a name its minter held on that date;
    the specific part is a random UUID, so it depends on nothing an editor can change.
    """
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    day = today or timezone.localdate()
    return f"tag:{host},{day.isoformat()}:article:{uuid.uuid4().hex}"


class ArticleFeedIdentity(models.Model):
    """The ``feed_id`` of ``Article`` (abstract), given on its first save and never changed.

    Feed readers tell entries apart by this id, so a slug fix must never change it: the
    articles that existed before it did keep the URL they had as their id (migration
    ``articles.0012``), every later one gets a :func:`new_feed_id`.
    """

    feed_id = models.CharField(
        _("feed entry ID"),
        max_length=300,
        blank=True,
        editable=False,
        help_text=_("How feed readers recognise the article (RSS guid, Atom id); it never changes."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """Give the article its feed id on its first save (or the first after a bulk write)."""
        if not self.feed_id:
            self.feed_id = new_feed_id()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "feed_id"}
        super().save(*args, **kwargs)
