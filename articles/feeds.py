"""RSS 2.0 and Atom 1.0 feeds of published articles, site-wide and per topic."""

import re

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.dateformat import format as format_date
from django.utils.html import escape

from .corrections import last_updated_at
from .models import Article, Topic, UpdateNote
from .seo import SITE_DESCRIPTION, SITE_NAME, absolute_url
from .structured_data import published_time
from .views import listed_subjects

# Characters XML 1.0 forbids (https://www.w3.org/TR/xml/#charsets): C0 controls other than
# tab, newline and carriage return; lone surrogates; U+FFFE and U+FFFF. Django's
# feedgenerator refuses them with UnserializableContentError, which would be a 500.
XML_FORBIDDEN_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value):
    """``value`` without the characters XML 1.0 cannot carry; lists cleaned item by item."""
    if isinstance(value, str):
        return XML_FORBIDDEN_RE.sub("", value)
    if isinstance(value, (list, tuple)):
        return [xml_safe(item) for item in value]
    return value


class XMLSafeFeedMixin:
    """Cleans every value on its way into the feed, whatever an editor pasted where."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{key: xml_safe(value) for key, value in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **{key: xml_safe(value) for key, value in kwargs.items()})


class RssFeedType(XMLSafeFeedMixin, feedgenerator.Rss201rev2Feed):
    """RSS 2.0 (https://www.rssboard.org/rss-specification) with every value made XML-safe."""


class AtomFeedType(XMLSafeFeedMixin, feedgenerator.Atom1Feed):
    """Atom (RFC 4287) with every value made XML-safe."""


class LatestArticlesRssFeed(Feed):
    """``/feed/rss/``: the newest published articles."""

    feed_type = RssFeedType
    title = SITE_NAME
    description = SITE_DESCRIPTION
    item_count = 30

    def link(self):
        return absolute_url(reverse("articles:list"))

    def feed_url(self):
        return absolute_url(reverse("articles:feed-rss"))

    def items(self):
        return self.articles()[: self.item_count]

    def articles(self):
        corrections = Prefetch(
            "update_notes", queryset=UpdateNote.objects.filter(is_correction=True), to_attr="corrections"
        )
        return Article.objects.published().with_listing_data().prefetch_related("topics", corrections)

    def item_title(self, article):
        # RSS readers treat titles as HTML, so markup in a title must arrive escaped
        # (Django's own default, ticket #6533).
        return escape(article.title)

    def item_description(self, article):
        """The summary, then the latest correction ("Correction, <date>: <note>"), so an
        entry's text changes with a correction, not only its Atom update time."""
        # The summary is plain text; RSS descriptions and Atom summaries are HTML.
        text = escape(article.summary)
        if article.corrections:
            latest = article.corrections[0]  # the notes' order: newest date first
            when = format_date(latest.date, "F j, Y")
            correction = escape(f"Correction, {when}: {latest.text}")
            text = f"{text}<p>{correction}</p>" if text else correction
        return text

    def item_link(self, article):
        return absolute_url(article.get_absolute_url())

    def item_guid(self, article):
        """The entry's identity (RSS ``guid``, Atom ``id``): :attr:`Article.feed_id`, which
        never changes, so a slug fix never shows the article as new in feed readers."""
        return article.feed_id or absolute_url(article.get_absolute_url())

    # A stored address or a tag: URI is an identity, not necessarily where the article lives now.
    item_guid_is_permalink = False

    def item_pubdate(self, article):
        """The publication time, as the page's JSON-LD and Open Graph give it."""
        return published_time(article)

    def item_updateddate(self, article):
        """The reader-facing "Last updated" date (start of that day), or the time of the
        latest correction note if later; never before publication."""
        return last_updated_at(article, article.corrections)

    def item_author_name(self, article):
        return article.author.name

    def item_author_link(self, article):
        return absolute_url(article.author.get_absolute_url())

    def item_categories(self, article):
        return [topic.name for topic in article.topics.all()]


class AtomFeedMixin:
    """Turns one of the RSS feeds here into its Atom twin."""

    feed_type = AtomFeedType

    def item_title(self, article):
        # Atom titles are declared plain text (RFC 4287 section 3.1): no HTML escaping.
        return article.title


class LatestArticlesAtomFeed(AtomFeedMixin, LatestArticlesRssFeed):
    """``/feed/atom/``: the same articles as an Atom feed."""

    subtitle = SITE_DESCRIPTION

    def feed_url(self):
        return absolute_url(reverse("articles:feed-atom"))


class TopicRssFeed(LatestArticlesRssFeed):
    """``/topics/<slug>/feed/rss/``: a topic's newest published articles (404 while it has
    none, like the topic's page)."""

    def get_object(self, request, slug):
        return get_object_or_404(listed_subjects(Topic, "topics"), slug=slug)

    def title(self, topic):
        return f"{SITE_NAME}: {topic.name}"

    def description(self, topic):
        return topic.description or f"Articles about {topic.name} from {SITE_NAME}."

    def link(self, topic):
        return absolute_url(topic.get_absolute_url())

    def feed_url(self, topic):
        return absolute_url(reverse("articles:topic-feed-rss", kwargs={"slug": topic.slug}))

    def items(self, topic):
        return self.articles().filter(topics=topic)[: self.item_count]


class TopicAtomFeed(AtomFeedMixin, TopicRssFeed):
    """``/topics/<slug>/feed/atom/``: the same articles as an Atom feed."""

    def subtitle(self, topic):
        return self.description(topic)

    def feed_url(self, topic):
        return absolute_url(reverse("articles:topic-feed-atom", kwargs={"slug": topic.slug}))
