"""What readers can reach: scheduling by time alone, old addresses, and no back doors."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from articles import publishing
from articles.demo import demo_image
from articles.models import Article, SlugRedirect
from tests.factories import ArticleFactory, RelatedArticleFactory

pytestmark = pytest.mark.django_db


def public_surfaces(client, around):
    """The HTML of every public page that lists or links articles."""
    pages = [reverse("articles:list"), around.get_absolute_url(), reverse("signups:signup")]
    return "".join(client.get(url).content.decode() for url in pages)


def test_a_scheduled_article_appears_by_itself_when_its_time_comes(client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        neighbour = ArticleFactory(title="Neighbour")
        scheduled = ArticleFactory(title="Scheduled piece", published_at=start + timedelta(hours=2))
        RelatedArticleFactory(from_article=neighbour, to_article=scheduled)

        assert "Scheduled piece" not in public_surfaces(client, neighbour)
        assert client.get(scheduled.get_absolute_url()).status_code == 404
        assert list(Article.objects.published()) == [neighbour]

    with time_machine.travel(start + timedelta(hours=2, seconds=1), tick=False):
        html = public_surfaces(client, neighbour)
        assert html.count("Scheduled piece") >= 2  # home page and the neighbour's related list
        assert client.get(scheduled.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("trait", ["draft", "archived", "scheduled"])
@pytest.mark.parametrize(
    "query", ["", "?preview=1", "?preview=pending", "?preview=true&status=draft", "?page=1"]
)
def test_anonymous_visitors_cannot_reach_unpublished_articles_by_any_url(client, trait, query):
    article = ArticleFactory(**{trait: True})
    assert client.get(article.get_absolute_url() + query).status_code == 404
    assert client.get(reverse("articles:detail", kwargs={"slug": article.pk}) + query).status_code == 404


@pytest.fixture
def save_as(publisher, django_capture_on_commit_callbacks):
    """Save an article as the admin does for a publisher, running what follows the commit."""

    def save(article):
        with django_capture_on_commit_callbacks(execute=True):
            publishing.save_changes(article=article, actor=publisher)

    return save


def test_changing_a_published_articles_slug_leaves_a_permanent_redirect(client, save_as):
    article = ArticleFactory(slug="old-address")
    article.slug = "new-address"
    save_as(article)

    response = client.get("/articles/old-address/")
    assert response.status_code == 301
    assert response["Location"] == "/articles/new-address/"
    assert client.get(response["Location"]).status_code == 200


def test_an_old_address_of_an_article_that_is_no_longer_published_is_404(client, save_as):
    article = ArticleFactory(slug="old-address")
    article.slug = "new-address"
    save_as(article)
    assert SlugRedirect.objects.filter(old_slug="old-address").exists()
    article.status = Article.Status.ARCHIVED
    save_as(article)
    assert client.get("/articles/old-address/").status_code == 404


def test_renaming_a_draft_leaves_no_redirect(save_as):
    article = ArticleFactory(draft=True, slug="first-try")
    article.slug = "second-try"
    save_as(article)
    assert not SlugRedirect.objects.exists()


def test_a_slug_taken_back_stops_redirecting(client, save_as):
    article = ArticleFactory(slug="a")
    article.slug = "b"
    save_as(article)
    article.slug = "a"
    save_as(article)
    assert client.get("/articles/a/").status_code == 200
    assert list(SlugRedirect.objects.values_list("old_slug", flat=True)) == ["b"]


def test_the_article_page_shows_reading_time_and_a_table_of_contents(client):
    body = "<h2>First part</h2><p>" + "word " * 500 + "</p><h3>Detail</h3><p>x</p><h2>Second part</h2>"
    html = client.get(ArticleFactory(body=body).get_absolute_url()).content.decode()
    assert "3 min read" in html
    assert '<a href="#first-part">First part</a>' in html
    assert '<a href="#detail">Detail</a>' in html
    assert '<h2 id="first-part">First part</h2>' in html


def test_images_are_responsive_with_webp_dimensions_and_lazy_loading_below_the_fold(client, save_as):
    hero_article = ArticleFactory(hero_image_alt="A clinic garden")
    hero_article.hero_image.save("hero.jpg", ContentFile(demo_image(1000, 500, 0)), save=False)
    save_as(hero_article)
    listed = ArticleFactory(title="Listed")
    listed.thumbnail.save("thumb.jpg", ContentFile(demo_image(600, 400, 1)), save=False)
    save_as(listed)

    html = client.get(hero_article.get_absolute_url()).content.decode()
    hero = html[html.index('class="article__hero"') :]
    hero = hero[: hero.index("</picture>")]
    assert 'type="image/webp"' in hero and " 480w" in hero and " 800w" in hero
    assert 'width="1000" height="500"' in hero
    assert 'alt="A clinic garden"' in hero
    assert 'fetchpriority="high"' in hero and 'loading="lazy"' not in hero

    card = html[html.index("Listed") - 1500 : html.index("Listed")]
    assert 'loading="lazy"' in card and 'width="600" height="400"' in card
