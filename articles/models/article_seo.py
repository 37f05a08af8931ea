"""An article's search and sharing fields: what search results and link previews show.

Each is optional; :mod:`articles.seo` falls back to the article's own title, summary and
hero image.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

#: About this many characters of a title fit in a search result (Google truncates titles
#: by pixel width, near 600 px; roughly 60 characters).
SEARCH_TITLE_LENGTH = 60
#: About this many characters of a meta description show in a search result.
META_DESCRIPTION_LENGTH = 155


class ArticleSeoFields(models.Model):
    """The search title, meta description and social image of ``Article`` (abstract)."""

    search_title = models.CharField(
        _("title in search results"),
        max_length=200,
        blank=True,
        help_text=_(
            "The page title search engines and browser tabs show. The article's title when "
            "empty. About 60 characters fit in a search result."
        ),
    )
    meta_description = models.TextField(
        _("meta description"),
        blank=True,
        help_text=_(
            "The text under the title in search results and link previews. The summary (or "
            "the start of the body) when empty. About 155 characters show."
        ),
    )
    social_image = models.ImageField(
        _("social image"),
        upload_to="articles/social/",
        blank=True,
        max_length=255,
        help_text=_(
            "The picture of link previews on social media and in messages. The hero image "
            "when empty. 1200 by 630 pixels suits most sites."
        ),
    )

    class Meta:
        abstract = True
