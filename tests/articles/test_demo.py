import importlib
import io

import pytest
from django.core.management import call_command

from articles import publishing
from articles.models import Article, Author, DemoContent, Reviewer, Source, Topic
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ReviewerFactory,
    SourceFactory,
    TopicFactory,
    store_pending_changes,
)

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


def remove(*args):
    out = io.StringIO()
    call_command("load_demo", "--remove", *args, stdout=out)
    return out.getvalue()


def test_removal_never_takes_an_editors_article_written_as_the_demo_author():
    call_command("load_demo")
    demo_author = Author.objects.get(slug="isha-editorial-team")
    editors = ArticleFactory(title="Written by an editor", author=demo_author)

    output = remove()

    assert list(Article.objects.all()) == [editors]
    assert Author.objects.filter(pk=demo_author.pk).exists()
    assert f"Kept author {demo_author.pk}" in output and "credited on an article that stays" in output


def test_an_author_or_source_that_existed_before_the_load_is_never_removed():
    author = AuthorFactory(slug="isha-editorial-team", name="Isha Editorial Team")
    source = SourceFactory(doi="10.1136/bmj.39489.470347.AD", citation_text="Real entry")
    call_command("load_demo", "--force")

    remove()

    assert not Article.objects.exists()
    assert Author.objects.filter(pk=author.pk).exists()
    assert Source.objects.filter(pk=source.pk).exists()


def test_the_sources_the_loader_created_go_with_its_articles():
    call_command("load_demo")
    assert Source.objects.exists()
    remove()
    assert not Source.objects.exists() and not Author.objects.exists()
    assert not DemoContent.objects.exists()


def test_a_demo_article_someone_changed_is_kept_unless_forced(publisher):
    call_command("load_demo")
    changed = Article.objects.order_by("pk").first()
    changed.title = "Rewritten by an editor"
    publishing.publish(article=changed, actor=publisher)

    output = remove()

    assert list(Article.objects.all()) == [changed]
    assert f"Kept article {changed.pk}: Rewritten by an editor (changed since it was loaded" in output
    assert "Removed 3 demo articles" in output

    remove("--force")
    assert not Article.objects.exists() and not Author.objects.exists()


def test_pending_changes_count_as_a_change(editor):
    call_command("load_demo")
    article = Article.objects.order_by("pk").first()
    store_pending_changes(article, editor, title="Proposed title")

    remove()

    assert list(Article.objects.values_list("pk", flat=True)) == [article.pk]


def test_a_dry_run_lists_what_would_go_and_removes_nothing():
    call_command("load_demo")
    before = Article.objects.count(), Author.objects.count(), Source.objects.count()
    titles = list(Article.objects.values_list("title", flat=True))

    output = remove("--dry-run")

    assert (Article.objects.count(), Author.objects.count(), Source.objects.count()) == before
    for title in titles:
        assert f": {title}" in output
    assert "Would remove 4 demo articles" in output


def test_content_loaded_before_the_register_existed_is_registered_by_the_migration(publisher):
    from django.apps import apps

    migration = importlib.import_module("articles.migrations.0006_demo_content")
    call_command("load_demo")
    changed = Article.objects.order_by("pk").first()
    changed.title = "Rewritten"
    publishing.publish(article=changed, actor=publisher)
    editors = ArticleFactory(author=Author.objects.get(), title="An editor's")
    DemoContent.objects.all().delete()

    migration.register_content_loaded_before(apps, None)
    remove()

    assert sorted(Article.objects.values_list("title", flat=True)) == ["An editor's", "Rewritten"]
    remove("--force")
    assert list(Article.objects.all()) == [editors]


def test_demo_content_files_articles_under_topics_and_brings_a_reviewer_and_a_full_source(client):
    call_command("load_demo")

    assert set(Topic.objects.values_list("name", flat=True)) >= {"Depression", "Anxiety", "PTSD", "Treatment"}
    assert all(article.topics.exists() for article in Article.objects.all())
    reviewer = Reviewer.objects.get()
    assert reviewer.user is None and reviewer.credentials
    source = Source.objects.get()
    assert source.authors.startswith("Guyatt GH") and source.year == 2008 and source.journal == "BMJ"
    assert source.evidence_type == Source.EvidenceType.EXPERT_OPINION
    cited = Article.objects.get(citations__source=source)
    page = client.get(cited.get_absolute_url()).content.decode()
    assert "Guyatt GH" in page and "Expert opinion" in page


def test_removal_takes_exactly_the_topics_and_reviewer_the_loader_made():
    existing = TopicFactory(name="Depression")
    call_command("load_demo")
    assert Article.objects.filter(topics=existing).exists()
    editors = ArticleFactory(title="An editor's")
    editors.topics.add(Topic.objects.get(name="PTSD"))

    output = remove()

    assert list(Article.objects.all()) == [editors]
    assert set(Topic.objects.values_list("name", flat=True)) == {"Depression", "PTSD"}
    assert "files an article that stays" in output
    assert not Reviewer.objects.exists()
    assert list(DemoContent.objects.values_list("object_id", flat=True)) == [
        Topic.objects.get(name="PTSD").pk
    ]


def test_a_demo_reviewer_linked_to_an_account_is_kept(editor):
    ReviewerFactory(name="Dr Real", credentials="MD")
    call_command("load_demo")
    demo = Reviewer.objects.get(slug="demo-medical-reviewer")
    demo.user = editor
    demo.save()

    remove()

    assert Reviewer.objects.filter(pk=demo.pk).exists() and Reviewer.objects.count() == 2
    remove("--force")
    assert list(Reviewer.objects.values_list("name", flat=True)) == ["Dr Real"]
