"""Pages are keyed on what makes them differ, and retired by the surrogate keys they carry.

On the local-memory cache (the logic is the same on Redis: tests/isha/test_pagecache_redis.py).
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles import publishing
from isha.pagecache import content_changed
from signups.models import SignupFormCopy
from tests.articles.admin_support import staff_in
from tests.factories import ArticleFactory, CitationFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture
def publisher(django_user_model):
    return staff_in("Publishers", django_user_model, "pablo")


@pytest.fixture
def announced():
    """The ``content_changed`` signals sent, as ``(sorted keys, sorted hard keys)`` pairs."""
    sent = []

    def receiver(sender, keys, hard_keys, **kwargs):
        sent.append((sorted(keys), sorted(hard_keys)))

    content_changed.connect(receiver, weak=False, dispatch_uid="test-announced")
    yield sent
    content_changed.disconnect(dispatch_uid="test-announced")


def get(url, **headers):
    return Client().get(url, headers=headers)


def state(url):
    return get(url).get("X-Page-Cache")


@pytest.mark.parametrize(
    "extra",
    ["?utm_source=newsletter&utm_campaign=may", "?r=5821", "?fbclid=abc&gclid=def&mc_eid=1", "?page=1"],
)
def test_tracking_and_unread_parameters_share_the_article_page(extra):
    article = ArticleFactory()
    assert state(article.get_absolute_url()) == "miss"
    assert state(article.get_absolute_url() + extra) == "hit"


def test_the_list_is_keyed_on_its_page_number_only(settings):
    settings.ARTICLES_PER_PAGE = 1
    ArticleFactory(title="Older", published_at=timezone.now() - timedelta(days=2))
    ArticleFactory(title="Newer", published_at=timezone.now() - timedelta(days=1))
    first, second = get("/"), get("/?page=2")
    assert "Newer" in first.content.decode() and "Older" in second.content.decode()
    assert second["X-Page-Cache"] == "miss"
    again = get("/?utm_medium=email&page=2&x=1")
    assert again["X-Page-Cache"] == "hit" and "Older" in again.content.decode()


def test_searches_are_keyed_on_the_query_and_page():
    ArticleFactory(title="Sleep hygiene basics")
    ArticleFactory(title="Hydration myths")
    sleep = get("/search/?q=sleep")
    assert "Sleep hygiene" in sleep.content.decode() and sleep["X-Page-Cache"] == "miss"
    water = get("/search/?q=hydration&utm_source=x")
    assert "Hydration myths" in water.content.decode() and water["X-Page-Cache"] == "miss"
    assert get("/search/?utm_source=y&q=sleep")["X-Page-Cache"] == "hit"


def test_an_old_thanks_flag_neither_shows_the_thanks_nor_splits_the_cache():
    # The plain-form thanks has its own, uncached address (/signup/thanks/): an old link
    # with ?signup=thanks gets the page everyone gets, never a stored thanks.
    article = ArticleFactory()
    thanks_text = SignupFormCopy.load().success_message
    plain = get(article.get_absolute_url())
    flagged = get(article.get_absolute_url() + "?signup=thanks")
    assert plain["X-Page-Cache"] == "miss" and flagged["X-Page-Cache"] == "hit"
    assert thanks_text not in flagged.content.decode()


def test_a_page_names_what_it_shows_in_surrogate_key_and_cache_tag():
    topic = TopicFactory()
    article = ArticleFactory()
    article.topics.add(topic)
    response = get(article.get_absolute_url())
    keys = response["Surrogate-Key"].split(" ")
    for expected in (f"article-{article.pk}", f"author-{article.author_id}", f"topic-{topic.pk}", "site"):
        assert expected in keys
    assert {"signup-copy", "article-list"} <= set(keys)
    assert response["Cache-Tag"].split(",") == keys
    assert all(len(name) <= 64 and name == name.lower() for name in keys)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/feed/rss/", "feeds"),
        ("/feed/atom/", "feeds"),
        ("/sitemap.xml", "sitemap"),
        ("/robots.txt", "site"),
        ("/search/?q=anything", "article-list"),
        ("/signup/", "signup-copy"),
    ],
)
def test_feeds_sitemap_robots_search_and_the_sign_up_page_are_tagged_and_cached(url, expected):
    ArticleFactory()
    first = get(url)
    assert first.status_code == 200
    assert expected in first["Surrogate-Key"].split(" ")
    assert get(url)["X-Page-Cache"] == "hit"


def test_a_404_for_an_unknown_slug_is_cached_until_that_slug_is_published(
    publisher, django_capture_on_commit_callbacks
):
    missing = get("/articles/coming-soon/")
    assert missing.status_code == 404
    assert "article-slug-coming-soon" in missing["Surrogate-Key"].split(" ")
    assert "public" in missing["Cache-Control"]
    assert get("/articles/coming-soon/")["X-Page-Cache"] == "hit"

    draft = ArticleFactory(draft=True, slug="coming-soon", title="Now out")
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(article=draft, actor=publisher)
    shown = get("/articles/coming-soon/")
    assert shown.status_code == 200 and "Now out" in shown.content.decode()


def test_a_topic_page_that_was_404_appears_with_its_first_article(django_capture_on_commit_callbacks):
    topic = TopicFactory(slug="sleep")
    assert get("/topics/sleep/").status_code == 404
    assert get("/topics/sleep/")["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        article = ArticleFactory()
        article.topics.add(topic)
    assert get("/topics/sleep/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_editing_a_source_retires_only_the_pages_citing_it(announced):
    """A topic page listing another article stays cached; every article page lists the
    citing one among its latest, so only the topic page can show it."""
    citing, other = ArticleFactory(), ArticleFactory()
    topic = TopicFactory(slug="other-topic")
    other.topics.add(topic)
    source = CitationFactory(article=citing).source
    get(citing.get_absolute_url()), get("/topics/other-topic/")
    announced.clear()

    source.citation_text = "Author A. Corrected study. J Example. 2021;2:3."
    source.save()

    assert announced == [(sorted({f"source-{source.pk}", f"article-{citing.pk}"}), [])]
    assert state("/topics/other-topic/") == "hit"
    assert state(citing.get_absolute_url()) == "miss"


# Real commits: in a test's own transaction, the factories' changes would join the batch.
@pytest.mark.django_db(transaction=True)
def test_one_commit_sends_one_signal_naming_its_hard_keys(publisher, announced):
    """An archive retires its own pages hard and the lists softly: one signal (so one edge
    purge), which says which keys were hard."""
    article = ArticleFactory()
    announced.clear()
    publishing.archive(article=article, actor=publisher)
    assert len(announced) == 1
    keys, hard_keys = announced[0]
    assert {f"article-{article.pk}", f"article-slug-{article.slug}", "feeds", "sitemap"} <= set(hard_keys)
    assert set(keys) - set(hard_keys) == {"article-list"}


@pytest.mark.django_db(transaction=True)
def test_an_edit_is_soft_and_a_draft_save_announces_nothing(announced):
    from django.db import transaction

    live, draft = ArticleFactory(), ArticleFactory(draft=True)
    announced.clear()
    with transaction.atomic():
        live.title = "Edited"
        live.save()
        draft.title = "Still a draft"
        draft.save()
    assert announced == [(sorted({f"article-{live.pk}", "feeds", "sitemap"}), [])]


@pytest.mark.django_db(transaction=True)
def test_the_sign_up_copy_is_a_hard_change(announced):
    copy = SignupFormCopy.load()
    announced.clear()
    copy.heading = "New heading"
    copy.save()
    assert announced == [(["signup-copy"], ["signup-copy"])]


def test_nothing_is_announced_for_a_rolled_back_change(announced):
    from django.db import transaction

    article = ArticleFactory()
    announced.clear()
    with transaction.atomic():
        article.title = "Never"
        article.save()
        transaction.set_rollback(True)
    assert announced == []
