import pytest

from signups.models import SignupEvent, Subscriber
from signups.subscribe import article_for_path, subscribe
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_a_first_sign_up_creates_the_subscriber_and_records_the_event():
    article = ArticleFactory()
    path = article.get_absolute_url()

    subscriber, created = subscribe("Jane@Example.com", "jane@example.com", path=path)

    assert created is True
    assert subscriber.email == "Jane@Example.com"
    assert subscriber.email_normalized == "jane@example.com"
    assert subscriber.source_path == path
    assert subscriber.source_article == article
    [event] = subscriber.events.all()
    assert (event.path, event.article) == (path, article)


def test_a_repeat_sign_up_in_another_case_adds_only_an_event_and_keeps_the_first_source():
    first_article, second_article = ArticleFactory(), ArticleFactory()
    first, _ = subscribe("jane@example.com", "jane@example.com", path=first_article.get_absolute_url())

    again, created = subscribe("JANE@EXAMPLE.COM", "jane@example.com", path=second_article.get_absolute_url())

    assert created is False
    assert again.pk == first.pk
    assert Subscriber.objects.count() == 1
    again.refresh_from_db()
    assert again.email == "jane@example.com"
    assert again.source_article == first_article
    assert [e.article for e in again.events.order_by("pk")] == [first_article, second_article]


def test_a_sign_up_from_a_page_that_is_not_an_article_links_no_article():
    subscriber, _ = subscribe("jane@example.com", "jane@example.com", path="/signup/")

    assert subscriber.source_path == "/signup/"
    assert subscriber.source_article is None
    assert SignupEvent.objects.get().article is None


def test_a_sign_up_without_a_page_is_recorded_with_an_empty_path():
    subscriber, _ = subscribe("jane@example.com", "jane@example.com")

    assert subscriber.source_path == ""
    assert SignupEvent.objects.get().path == ""


@pytest.mark.parametrize("trait", ["draft", "archived", "scheduled"])
def test_an_article_readers_cannot_see_is_not_linked(trait):
    article = ArticleFactory(**{trait: True})

    subscriber, _ = subscribe("jane@example.com", "jane@example.com", path=article.get_absolute_url())

    assert subscriber.source_article is None
    assert SignupEvent.objects.get().article is None


@pytest.mark.parametrize("path", ["/no/such/page/", "/articles/missing/", "/", "/admin/"])
def test_a_path_that_is_not_a_published_article_resolves_to_none(path):
    ArticleFactory(slug="present")

    assert article_for_path(path) is None


def test_an_articles_path_resolves_to_that_article():
    article = ArticleFactory()

    assert article_for_path(article.get_absolute_url()) == article.pk
