import pytest
from django.core.management import call_command

from articles.models import Article, Author
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_demo_content_fills_an_empty_site_with_published_articles_with_images(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")
    articles = Article.objects.published()
    assert articles.count() == 4
    assert all(a.hero_image and a.hero_image_alt and a.hero_renditions for a in articles)
    assert client.get(articles[0].get_absolute_url()).status_code == 200


def test_demo_content_is_not_loaded_over_existing_articles():
    ArticleFactory(title="Real")
    call_command("load_demo")
    assert list(Article.objects.values_list("title", flat=True)) == ["Real"]


def test_demo_content_can_be_removed_leaving_real_articles():
    call_command("load_demo")
    real = ArticleFactory(title="Real")
    call_command("load_demo", "--remove")
    assert list(Article.objects.all()) == [real]
    assert not Author.objects.filter(slug="isha-editorial-team").exists()


def test_removing_the_demo_content_records_each_deletion_as_the_command():
    call_command("load_demo")
    demo_ids = list(Article.objects.values_list("pk", flat=True))
    call_command("load_demo", "--remove")

    records = Article.history.filter(id__in=demo_ids, history_type="-")
    assert sorted(records.values_list("id", flat=True)) == sorted(demo_ids)
    assert set(records.values_list("history_change_reason", flat=True)) == {"Deleted; system (load_demo)"}
