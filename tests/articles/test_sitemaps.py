"""sitemap.xml and robots.txt: published pages only, on the site's own address."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, ReviewerFactory, TopicFactory, record_sign_off

pytestmark = pytest.mark.django_db

SITE = "https://www.example.org"
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def sitemap(client):
    """``{location: lastmod}`` of every URL in the sitemap."""
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {url.findtext(f"{NS}loc"): url.findtext(f"{NS}lastmod") for url in root.iter(f"{NS}url")}


def test_the_sitemap_lists_the_home_page_published_articles_and_the_pages_listing_them(client):
    topic, author, reviewer = TopicFactory(), AuthorFactory(), ReviewerFactory()
    article = ArticleFactory(author=author)
    article.topics.add(topic)
    record_sign_off(article, reviewer)

    assert set(sitemap(client)) == {
        SITE + "/",
        SITE + article.get_absolute_url(),
        SITE + topic.get_absolute_url(),
        SITE + author.get_absolute_url(),
        SITE + reviewer.get_absolute_url(),
    }


def test_the_sitemap_uses_site_url_whatever_host_the_request_named(client, settings):
    settings.ALLOWED_HOSTS = ["other.example.com"]
    article = ArticleFactory()
    response = client.get(reverse("sitemap"), HTTP_HOST="other.example.com")
    assert f"<loc>{SITE}{article.get_absolute_url()}</loc>" in response.content.decode()
    assert "other.example.com" not in response.content.decode()


def test_the_sitemap_never_lists_draft_archived_or_scheduled_articles_until_their_time(client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        live = ArticleFactory()
        hidden = {
            "draft": ArticleFactory(draft=True, author=AuthorFactory()),
            "archived": ArticleFactory(archived=True, author=AuthorFactory()),
            "scheduled": ArticleFactory(published_at=start + timedelta(hours=2), author=AuthorFactory()),
        }
        for article in hidden.values():
            topic = TopicFactory()
            article.topics.add(topic)
            record_sign_off(article, ReviewerFactory())

        listed = set(sitemap(client))
        assert SITE + live.get_absolute_url() in listed
        for article in hidden.values():
            article.refresh_from_db()
            for page in (article, article.author, article.reviewed_by, article.topics.get()):
                assert SITE + page.get_absolute_url() not in listed

    with time_machine.travel(start + timedelta(hours=2, seconds=1), tick=False):
        listed = set(sitemap(client))
        scheduled = hidden["scheduled"]
        for page in (scheduled, scheduled.author, scheduled.reviewed_by, scheduled.topics.get()):
            assert SITE + page.get_absolute_url() in listed
        assert SITE + hidden["draft"].get_absolute_url() not in listed


def test_an_articles_lastmod_is_its_last_updated_date_where_the_editor_set_one(client):
    updated = ArticleFactory(updated_on=date(2025, 3, 4))
    edited = ArticleFactory()
    Article.objects.filter(pk=edited.pk).update(
        modified_at=timezone.make_aware(timezone.datetime(2025, 6, 7, 12)),
        published_at=timezone.make_aware(timezone.datetime(2025, 1, 1, 12)),
    )

    lastmod = sitemap(client)
    assert lastmod[SITE + updated.get_absolute_url()] == "2025-03-04"
    assert lastmod[SITE + edited.get_absolute_url()] == "2025-06-07"


def test_a_topics_lastmod_is_the_publication_of_its_newest_article(client):
    topic = TopicFactory()
    for days in (10, 3):
        ArticleFactory(published_at=timezone.now() - timedelta(days=days)).topics.add(topic)
    newest = (timezone.now() - timedelta(days=3)).date().isoformat()
    assert sitemap(client)[SITE + topic.get_absolute_url()].startswith(newest)


def test_the_sitemap_runs_the_same_number_of_queries_whatever_the_number_of_articles(client):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("sitemap"))
        return len(captured)

    def add_article():
        article = ArticleFactory()
        article.topics.add(TopicFactory())
        record_sign_off(article, ReviewerFactory())

    add_article()
    queries()  # what a process reads once is read
    few = queries()
    for _ in range(5):
        add_article()
    assert queries() == few


def test_robots_txt_is_plain_text_naming_the_absolute_sitemap_url(client):
    response = client.get(reverse("robots"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert f"Sitemap: {SITE}/sitemap.xml" in response.content.decode().splitlines()
    assert "User-agent: *" in response.content.decode()
