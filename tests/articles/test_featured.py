"""Featured articles: the newest featured, published article leads page 1 of the home page."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import publishing
from articles.models import Article
from tests.articles.admin_support import error_text, form_data
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def home_titles(client, page=1):
    response = client.get(reverse("articles:list"), {"page": page})
    return [article.title for article in response.context["articles"]]


def test_the_newest_featured_article_leads_and_the_rest_stay_newest_first(client):
    ArticleFactory(title="Old featured", featured=True, published_at=days_ago(9))
    ArticleFactory(title="Featured", featured=True, published_at=days_ago(5))
    ArticleFactory(title="Newest", published_at=days_ago(1))
    ArticleFactory(title="Middle", published_at=days_ago(3))
    assert home_titles(client) == ["Featured", "Newest", "Middle", "Old featured"]


def test_with_none_featured_the_newest_article_leads(client):
    ArticleFactory(title="Older", published_at=days_ago(4))
    ArticleFactory(title="Newest", published_at=days_ago(1))
    assert home_titles(client) == ["Newest", "Older"]


def test_a_featured_draft_or_scheduled_article_never_leads(client):
    ArticleFactory(title="Featured draft", featured=True, draft=True)
    ArticleFactory(title="Featured scheduled", featured=True, scheduled=True)
    ArticleFactory(title="Older", published_at=days_ago(4))
    ArticleFactory(title="Newest", published_at=days_ago(1))
    assert home_titles(client) == ["Newest", "Older"]


def test_the_lead_opens_page_1_only_and_no_article_is_repeated_or_lost(client, settings):
    settings.ARTICLES_PER_PAGE = 2
    ArticleFactory(title="Featured", featured=True, published_at=days_ago(8))
    for days in (1, 2, 3):
        ArticleFactory(title=f"{days} days old", published_at=days_ago(days))
    assert home_titles(client, 1) == ["Featured", "1 days old"]
    assert home_titles(client, 2) == ["2 days old", "3 days old"]


def test_the_queryset_names_the_lead_in_one_query(django_assert_num_queries):
    ArticleFactory(title="Featured", featured=True, published_at=days_ago(8))
    ArticleFactory(title="Newest", published_at=days_ago(1))
    with django_assert_num_queries(1):
        titles = [a.title for a in Article.objects.published().lead_story_first()]
    assert titles == ["Featured", "Newest"]


def test_featuring_through_the_service_retires_the_cached_home_page(
    settings, publisher, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600
    ArticleFactory(title="Newest", published_at=days_ago(1))
    chosen = ArticleFactory(title="Chosen", published_at=days_ago(6))
    reader = Client()
    assert reader.get("/").content.decode().index("Newest") < reader.get("/").content.decode().index("Chosen")
    assert reader.get("/")["X-Page-Cache"] == "hit"

    chosen.featured = True
    with django_capture_on_commit_callbacks(execute=True):
        publishing.save_draft(article=chosen, actor=publisher, fields=["featured"])

    html = reader.get("/").content.decode()
    assert html.index("Chosen") < html.index("Newest")


def test_an_editor_featuring_a_live_article_waits_for_a_publisher(
    editor_client, publisher, client, django_capture_on_commit_callbacks
):
    ArticleFactory(title="Newest", published_at=days_ago(1))
    older = ArticleFactory(title="Older", published_at=days_ago(5))
    change = reverse("admin:articles_article_change", args=[older.pk])
    data = form_data(editor_client.get(change), featured="on")

    response = editor_client.post(change, data)

    assert response.status_code == 302, error_text(response)
    older.refresh_from_db()
    assert older.featured is False and older.pending_revision["fields"]["featured"] is True
    assert home_titles(client)[0] == "Newest"
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish_pending(article=older, actor=publisher)
    assert home_titles(client)[0] == "Older"
