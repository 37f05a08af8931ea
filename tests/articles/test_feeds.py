"""RSS and Atom feeds: published articles only, valid XML whatever an editor pasted."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import ArticleFactory, AuthorFactory, TopicFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://www.example.org"


FEEDS = ["feed-rss", "feed-atom", "topic-feed-rss", "topic-feed-atom"]


def feed_url(name, topic):
    kwargs = {"slug": topic.slug} if name.startswith("topic") else {}
    return reverse(f"articles:{name}", kwargs=kwargs)


def feed_urls(topic):
    return [feed_url(name, topic) for name in FEEDS]


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return ET.fromstring(response.content)


def entries(root):
    """``(title, link)`` of each item (RSS) or entry (Atom), in feed order."""
    if root.tag == "rss":
        return [(item.findtext("title"), item.findtext("link")) for item in root.iter("item")]
    return [
        (entry.findtext(f"{ATOM}title"), entry.find(f"{ATOM}link").get("href"))
        for entry in root.iter(f"{ATOM}entry")
    ]


def titles(client, url):
    return [title for title, _link in entries(parse(client, url))]


def test_the_rss_feed_carries_each_articles_summary_link_dates_author_and_topics(client):
    topic = TopicFactory(name="Depression")
    article = ArticleFactory(
        title="Ketamine and sleep",
        summary="What the trials found.",
        author=AuthorFactory(name="Dr Ada"),
        published_at=timezone.now() - timedelta(days=3),
    )
    article.topics.add(topic)

    item = parse(client, reverse("articles:feed-rss")).find("channel/item")

    assert item.findtext("title") == "Ketamine and sleep"
    assert item.findtext("description") == "What the trials found."
    assert item.findtext("link") == "https://www.example.org" + article.get_absolute_url()
    assert item.findtext("category") == "Depression"
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Dr Ada"
    assert item.findtext("pubDate")


def test_the_atom_feed_gives_publication_and_last_updated_times(client):
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=30), updated_on=date(2030, 1, 2))

    entry = parse(client, reverse("articles:feed-atom")).find(f"{ATOM}entry")

    published = timezone.localtime(article.published_at).date().isoformat()
    assert entry.findtext(f"{ATOM}published").startswith(published)
    assert entry.findtext(f"{ATOM}updated").startswith("2030-01-02")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == article.author.name


@pytest.mark.parametrize("name", FEEDS)
def test_feeds_stay_valid_xml_when_an_editor_pastes_control_characters(client, name):
    topic = TopicFactory(name="Sleep\x01")
    article = ArticleFactory(
        title="Ketamine\x01 and\x0b sleep",
        summary="Summary\x01 with\x0b controls",
        body="<p>Body\x01 text</p>",
        author=AuthorFactory(name="Dr\x01 Ada"),
    )
    article.topics.add(topic)

    root = parse(client, feed_url(name, topic))

    [(title, _link)] = entries(root)
    assert title == "Ketamine and sleep"
    assert "Summary with controls" in ET.tostring(root, encoding="unicode")


@pytest.mark.parametrize("name", FEEDS)
def test_markup_in_a_title_or_summary_reaches_feed_readers_as_text(client, name):
    topic = TopicFactory()
    article = ArticleFactory(title="<script>alert(1)</script>", summary="<b>x</b>\"quote'")
    article.topics.add(topic)
    raw = client.get(feed_url(name, topic)).content.decode()
    root = ET.fromstring(raw)

    assert "<script>" not in raw and "<b>" not in raw
    [(title, _link)] = entries(root)
    # Atom titles are plain text; RSS readers read titles and descriptions as HTML.
    expected_title = (
        "<script>alert(1)</script>" if "atom" in name else "&lt;script&gt;alert(1)&lt;/script&gt;"
    )
    assert title == expected_title
    description = root.findtext("channel/item/description") or root.findtext(f"{ATOM}entry/{ATOM}summary")
    assert description == "&lt;b&gt;x&lt;/b&gt;&quot;quote&#x27;"


def test_feeds_never_include_draft_archived_or_scheduled_articles_until_their_time(client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        topic = TopicFactory()
        for title, traits in [
            ("Live", {}),
            ("Draft", {"draft": True}),
            ("Archived", {"archived": True}),
            ("Scheduled", {"published_at": start + timedelta(hours=2)}),
        ]:
            ArticleFactory(title=title, **traits).topics.add(topic)

        for url in feed_urls(topic):
            assert titles(client, url) == ["Live"]

    with time_machine.travel(start + timedelta(hours=2, seconds=1), tick=False):
        for url in feed_urls(topic):
            assert titles(client, url) == ["Scheduled", "Live"]


def test_a_topic_feed_lists_only_that_topics_articles(client):
    sleep, mood = TopicFactory(name="Sleep"), TopicFactory(name="Mood")
    ArticleFactory(title="About sleep").topics.add(sleep)
    ArticleFactory(title="About mood").topics.add(mood)

    url = reverse("articles:topic-feed-rss", kwargs={"slug": sleep.slug})
    assert titles(client, url) == ["About sleep"]
    assert parse(client, url).findtext("channel/title") == "Isha Health: Sleep"


def test_an_unknown_topics_feed_is_404(client):
    assert (
        client.get(reverse("articles:topic-feed-atom", kwargs={"slug": "no-such-topic"})).status_code == 404
    )


def test_feeds_run_the_same_number_of_queries_whatever_the_number_of_articles_and_topics(client):
    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return len(captured)

    topic = TopicFactory()
    ArticleFactory().topics.add(topic)
    queries(feed_urls(topic)[0])  # the site settings are read once per process
    few = [queries(url) for url in feed_urls(topic)]

    for _ in range(4):
        article = ArticleFactory()
        article.topics.add(topic, TopicFactory(), TopicFactory())
    assert [queries(url) for url in feed_urls(topic)] == few
