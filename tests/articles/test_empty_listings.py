"""Topic, author and reviewer pages exist for readers only while they list a published article.

With the page cache on: a 404 seen before the first article is published must not be
what readers get after it (the cache keeps only 200s, and a publish retires cached pages).
"""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from articles import publishing
from tests.factories import ArticleFactory, AuthorFactory, ReviewerFactory, TopicFactory, record_sign_off

pytestmark = pytest.mark.django_db

SITE = "https://www.example.org"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.SITE_URL = SITE


@pytest.fixture
def subjects():
    """A draft with a topic, an author and a reviewer that no published article names."""
    topic, author, reviewer = TopicFactory(), AuthorFactory(), ReviewerFactory()
    draft = ArticleFactory(draft=True, author=author)
    draft.topics.add(topic)
    record_sign_off(draft, reviewer)
    draft.refresh_from_db()
    return draft, [topic, author, reviewer]


def topic_feeds(topic):
    return [reverse(f"articles:topic-feed-{kind}", kwargs={"slug": topic.slug}) for kind in ("rss", "atom")]


def sitemap_locations(client):
    root = ET.fromstring(client.get(reverse("sitemap")).content)
    return {loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}


def pages(subjects):
    topic = subjects[0]
    return [page.get_absolute_url() for page in subjects] + topic_feeds(topic)


def test_pages_without_a_published_article_are_404_and_left_out_of_sitemap_and_feeds(client, subjects):
    _draft, people = subjects
    ArticleFactory()  # something published elsewhere

    for url in pages(people):
        assert client.get(url).status_code == 404, url
    listed = sitemap_locations(client)
    assert not {SITE + page.get_absolute_url() for page in people} & listed
    feed = client.get(reverse("articles:feed-rss")).content.decode()
    assert people[0].name not in feed


def test_publishing_the_first_article_makes_them_appear_even_after_a_404_was_seen(
    client, subjects, publisher, django_capture_on_commit_callbacks
):
    draft, people = subjects
    for url in pages(people):
        assert client.get(url).status_code == 404, url

    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(article=draft, actor=publisher)

    for url in pages(people):
        assert client.get(url).status_code == 200, url
    assert {SITE + page.get_absolute_url() for page in people} <= sitemap_locations(client)

    with django_capture_on_commit_callbacks(execute=True):
        publishing.unpublish(article=draft, actor=publisher)

    for url in pages(people):
        assert client.get(url).status_code == 404, url
