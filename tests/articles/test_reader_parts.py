"""The article page's stored rendering (articles.reader_parts): readers get the same page
from it as from a live render, and it follows every change of what it derives from."""

import contextlib
import re
import zoneinfo
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import publishing
from articles.citations import marker_for
from articles.models import Article, SiteSettings
from articles.reader_parts import parts_key, store_parts
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    RelatedArticleFactory,
    SourceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def page(client, article):
    html = client.get(reverse("articles:detail", kwargs={"slug": article.slug})).content.decode()
    # The feedback forms' "made at" stamp is the only part that moves with the clock.
    return re.sub(r'name="rendered_at" value="[^"]*"', 'name="rendered_at" value=""', html)


def cited_article(**kwargs):
    source = SourceFactory(citation_text="Original citation of the trial.", doi="10.1000/trial")
    article = ArticleFactory(
        body=(
            f"<p>Intro.</p><h2>Effects</h2><p>It helped {marker_for(source.pk)}.</p>"
            "<h2>Risks</h2><p>Some.</p>"
        ),
        **kwargs,
    )
    CitationFactory(article=article, source=source)
    return article, source


def test_a_stored_rendering_gives_readers_the_same_page_as_a_live_one(client):
    article, _source = cited_article()
    live = page(client, article)
    assert store_parts([article.pk]) == 1
    article.refresh_from_db()
    assert article.reader_parts["key"] == parts_key(article.body)
    assert page(client, article) == live
    assert "Original citation of the trial." in live and 'href="#effects"' in live


def test_publishing_stores_the_rendering_once_the_change_commits(client, django_capture_on_commit_callbacks):
    article, _source = cited_article(status=Article.Status.DRAFT, published_at=None)
    with django_capture_on_commit_callbacks(execute=True), publishing.system_actor("test"):
        publishing.publish(article=article, actor=None)
    article.refresh_from_db()
    assert article.reader_parts["key"] == parts_key(article.body)
    assert 'id="source-1"' in article.reader_parts["sources_html"]
    assert "Original citation of the trial." in page(client, article)


def test_a_source_edit_refreshes_the_articles_citing_it_when_it_commits(
    client, django_capture_on_commit_callbacks
):
    article, source = cited_article()
    other = ArticleFactory()
    store_parts([article.pk, other.pk])
    source.citation_text = "Corrected citation of the trial."
    with django_capture_on_commit_callbacks(execute=False) as pending:
        source.save()
    # Until the edit commits, readers keep the committed text.
    assert "Original citation of the trial." in page(client, article)
    for callback in pending:
        callback()
    html = page(client, article)
    assert "Corrected citation of the trial." in html and "Original citation" not in html


def test_a_source_edit_that_rolls_back_changes_nothing(client, django_capture_on_commit_callbacks):
    article, source = cited_article()
    store_parts([article.pk])
    with django_capture_on_commit_callbacks(execute=False) as pending:
        source.citation_text = "Never committed."
        source.save()
    # A rollback discards the callbacks unrun: the stored page is the committed one.
    assert pending and "Never committed." not in page(client, article)


def test_a_citation_added_later_reaches_the_page_once_it_commits(client, django_capture_on_commit_callbacks):
    article, _source = cited_article()
    store_parts([article.pk])
    with django_capture_on_commit_callbacks(execute=True):
        CitationFactory(article=article, source=SourceFactory(citation_text="A second trial."))
    assert "A second trial." in page(client, article)


def stored_renderings(queries):
    """How many of the captured ``queries`` wrote an article's stored rendering."""
    return sum('SET "reader_parts"' in query["sql"] for query in queries)


def test_one_transaction_renders_each_article_once_however_many_citations_change(
    client, django_capture_on_commit_callbacks
):
    article, source = cited_article()
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        for number in range(3):
            CitationFactory(article=article, source=SourceFactory(citation_text=f"Trial {number}."))
        source.citation_text = "Edited citation."
        source.save()
    assert stored_renderings(queries) == 1
    assert "Trial 2." in page(client, article) and "Edited citation." in page(client, article)


def test_a_change_after_a_rolled_back_savepoint_is_still_rendered(client, django_capture_on_commit_callbacks):
    article, _source = cited_article()
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        with contextlib.suppress(RuntimeError), transaction.atomic():
            CitationFactory(article=article, source=SourceFactory(citation_text="Rolled back."))
            raise RuntimeError
        CitationFactory(article=article, source=SourceFactory(citation_text="Kept."))
    assert stored_renderings(queries) == 1
    assert "Kept." in page(client, article) and "Rolled back." not in page(client, article)


def test_a_body_written_past_the_service_is_rendered_live_not_stale(client):
    article, _source = cited_article()
    store_parts([article.pk])
    Article.objects.filter(pk=article.pk).update(body="<h2>New heading</h2><p>New text.</p>")
    html = page(client, article)
    assert '<h2 id="new-heading">New heading</h2>' in html and "Intro." not in html


def test_the_article_page_reads_no_sources_and_no_site_settings_once_stored(client):
    topic = TopicFactory()
    article, _source = cited_article()
    article.topics.add(topic)
    RelatedArticleFactory(from_article=article, to_article=ArticleFactory())
    ArticleFactory.create_batch(4)
    store_parts([article.pk])
    page(client, article)  # warms what a process reads once (the site settings)
    with CaptureQueriesContext(connection) as queries:
        html = page(client, article)
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "articles_source" not in tables and "articles_sitesettings" not in tables
    # The article, its topics, related and latest together, its notes; the sign-up copy.
    assert len(queries.captured_queries) <= 5
    assert "Related articles" in html and "The Latest From" in html


def test_related_and_latest_are_the_same_as_asked_separately():
    topic, other_topic = TopicFactory(), TopicFactory()
    article = ArticleFactory()
    article.topics.add(topic)
    articles = ArticleFactory.create_batch(9)
    for index, candidate in enumerate(articles):
        candidate.topics.add(topic if index % 3 == 0 else other_topic)
    RelatedArticleFactory(from_article=article, to_article=articles[4], position=1)
    RelatedArticleFactory(from_article=article, to_article=articles[7], position=0)
    ArticleFactory(status=Article.Status.DRAFT, published_at=None).topics.add(topic)
    for picks in (0, 1, 2):
        published = Article.objects.published()
        related, latest = published.reading_next(article, [topic.pk], 3, 3)
        expected_related = published.related_to(article, 3)
        shown = [article.pk, *(a.pk for a in expected_related)]
        expected_latest = list(published.exclude(pk__in=shown)[:3])
        assert [a.pk for a in related] == [a.pk for a in expected_related]
        assert [a.pk for a in latest] == [a.pk for a in expected_latest]
        if picks < 2:
            article.related_links.order_by("position").first().delete()


def test_an_archived_article_leaves_related_and_latest_at_once(client):
    article = ArticleFactory()
    gone = ArticleFactory(title="Soon archived")
    RelatedArticleFactory(from_article=article, to_article=gone)
    store_parts([article.pk])
    assert "Soon archived" in page(client, article)
    Article.objects.filter(pk=gone.pk).update(status=Article.Status.ARCHIVED)
    assert "Soon archived" not in page(client, article)


def test_the_feedback_block_made_once_per_process_equals_a_fresh_one(client, settings):
    first, second = ArticleFactory(), ArticleFactory(slug="second-one")
    Article.objects.filter(pk=second.pk).update(version=7)
    second.refresh_from_db()
    settings.DEBUG = True  # rendered from the template every time
    fresh = [page(client, article) for article in (first, second)]
    settings.DEBUG = False
    assert [page(client, article) for article in (first, second)] == fresh
    assert f'action="{reverse("articles:feedback", kwargs={"slug": "second-one"})}"' in fresh[1]
    assert 'name="version" value="7"' in fresh[1]


def test_site_settings_are_read_once_per_process_until_a_save_commits(django_capture_on_commit_callbacks):
    SiteSettings.load()
    first = SiteSettings.load_shared()
    assert SiteSettings.load_shared() is first
    SiteSettings.objects.filter(pk=1).update(site_name="Changed past save()")
    assert SiteSettings.load_shared().site_name == first.site_name
    row = SiteSettings.load()
    row.site_name = "Saved name"
    with django_capture_on_commit_callbacks(execute=True):
        row.save()
    assert SiteSettings.load_shared().site_name == "Saved name"


def test_a_library_image_edit_refreshes_the_articles_showing_it(client, django_capture_on_commit_callbacks):
    from tests.articles.test_media import figure, stored_image

    image = stored_image(alt_text="A treatment room")
    article = ArticleFactory(body=f"<p>Intro.</p>{figure(image)}")
    store_parts([article.pk])
    assert 'alt="A treatment room"' in page(client, article)
    image.alt_text = "A quiet consulting room"
    with django_capture_on_commit_callbacks(execute=True):
        image.save()
    html = page(client, article)
    assert 'alt="A quiet consulting room"' in html and "A treatment room" not in html


def test_reading_next_reads_a_time_given_in_any_zone_as_that_instant():
    """``now`` may come in any zone: an article published an hour before it is offered, one
    due an hour after it is not, even where the zone's clock reads earlier than UTC's."""
    topic = TopicFactory()
    article = ArticleFactory()
    article.topics.add(topic)
    now = timezone.now()
    past = ArticleFactory(title="Out an hour ago", published_at=now - timedelta(hours=1))
    due = ArticleFactory(title="Due in an hour", published_at=now + timedelta(hours=1))
    for candidate in (past, due):
        candidate.topics.add(topic)
    for zone in ("UTC", "America/Los_Angeles", "Pacific/Kiritimati"):
        local = now.astimezone(zoneinfo.ZoneInfo(zone))
        related, latest = Article.objects.reading_next(article, [topic.pk], 3, 3, now=local)
        offered = {a.title for a in [*related, *latest]}
        assert "Out an hour ago" in offered and "Due in an hour" not in offered, zone
