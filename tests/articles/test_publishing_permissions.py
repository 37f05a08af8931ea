"""Only publishers publish, schedule, archive or unpublish: through the form, actions or crafted POSTs."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import publishing
from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, store_pending_changes

from .admin_support import ADD_URL, change_url, error_text, form_data

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:articles_article_changelist"
ONLY_PUBLISHERS = "Only publishers can publish or archive an article"


def split(moment):
    local = timezone.localtime(moment)
    return {"published_at_0": local.strftime("%Y-%m-%d"), "published_at_1": local.strftime("%H:%M:%S")}


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("status", ["published", "archived"])
def test_an_editor_cannot_create_a_published_or_archived_article_by_a_crafted_post(editor_client, status):
    author = AuthorFactory()
    page = editor_client.get(reverse(ADD_URL))
    data = form_data(page, title="Sneaky", slug="sneaky", author=str(author.pk), status=status)
    response = editor_client.post(reverse(ADD_URL), data)

    assert response.status_code == 200
    assert ONLY_PUBLISHERS in error_text(response)
    assert not Article.objects.filter(slug="sneaky").exists()


@pytest.mark.parametrize("status", ["published", "archived"])
def test_an_editor_cannot_publish_or_archive_a_draft_through_the_form(editor_client, status):
    article = ArticleFactory(draft=True)
    response = editor_client.post(
        change_url(article), form_data(editor_client.get(change_url(article)), status=status)
    )

    assert response.status_code == 200
    assert ONLY_PUBLISHERS in error_text(response)
    article.refresh_from_db()
    assert article.status == "draft"


def test_an_editor_cannot_schedule_a_draft(editor_client):
    article = ArticleFactory(draft=True)
    data = form_data(
        editor_client.get(change_url(article)),
        status="published",
        **split(timezone.now() + timedelta(days=3)),
    )
    response = editor_client.post(change_url(article), data)

    assert response.status_code == 200
    assert ONLY_PUBLISHERS in error_text(response)
    assert Article.objects.get(pk=article.pk).status == "draft"


def test_an_editor_cannot_unpublish_a_live_article(editor_client):
    article = ArticleFactory(title="Live")
    response = editor_client.post(
        change_url(article), form_data(editor_client.get(change_url(article)), status="draft")
    )

    assert response.status_code == 200
    assert "Only publishers can unpublish" in error_text(response)
    article.refresh_from_db()
    assert article.status == "published" and article.pending_revision is None
    assert Client().get(article.get_absolute_url()).status_code == 200


def test_an_editor_cannot_move_the_publication_time_of_a_live_article(editor_client):
    article = ArticleFactory()
    before = article.published_at
    data = form_data(editor_client.get(change_url(article)), **split(timezone.now() + timedelta(days=30)))
    response = editor_client.post(change_url(article), data)

    assert response.status_code == 200
    assert "Only publishers can change the publication time" in error_text(response)
    article.refresh_from_db()
    assert article.published_at == before and article.pending_revision is None


def test_an_editor_cannot_delete_a_live_article(editor_client):
    article = ArticleFactory()
    response = editor_client.post(
        reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


def deletion_record(pk):
    return Article.history.filter(id=pk, history_type="-").get()


def test_a_publisher_deletes_a_live_article_and_the_history_names_them(publisher_client, publisher):
    article = ArticleFactory()
    response = publisher_client.post(
        reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    record = deletion_record(article.pk)
    assert (record.history_user, record.history_change_reason) == (publisher, "Deleted")


def test_a_publisher_deletes_in_bulk_through_the_service(publisher_client, publisher):
    live, draft = ArticleFactory(), ArticleFactory(draft=True)
    publisher_client.post(
        reverse(CHANGELIST),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [str(live.pk), str(draft.pk)], "post": "yes"},
    )

    assert not Article.objects.filter(pk__in=[live.pk, draft.pk]).exists()
    for article in (live, draft):
        assert deletion_record(article.pk).history_change_reason == "Deleted"


def test_a_publisher_publishes_a_draft_through_the_form(publisher_client):
    article = ArticleFactory(draft=True, title="Ready")
    response = publisher_client.post(
        change_url(article), form_data(publisher_client.get(change_url(article)), status="published")
    )

    assert response.status_code == 302, error_text(response)
    article.refresh_from_db()
    assert article.status == "published" and article.published_at is not None
    assert Client().get(article.get_absolute_url()).status_code == 200


def test_a_publisher_schedules_an_article_that_stays_hidden_until_its_time(publisher_client):
    article = ArticleFactory(draft=True)
    data = form_data(
        publisher_client.get(change_url(article)),
        status="published",
        **split(timezone.now() + timedelta(days=3)),
    )
    response = publisher_client.post(change_url(article), data)

    assert response.status_code == 302, error_text(response)
    article.refresh_from_db()
    assert article.status == "published" and not article.is_published
    assert Client().get(article.get_absolute_url()).status_code == 404


# Bulk actions


def run_action(client, action, articles):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, ACTION_CHECKBOX_NAME: [str(article.pk) for article in articles], "index": 0},
        follow=True,
    )


def test_an_editor_is_not_offered_the_publishing_actions(editor_client):
    response = editor_client.get(reverse(CHANGELIST))

    action_form = response.context["action_form"]
    actions = [name for name, _label in action_form.fields["action"].choices] if action_form else []
    assert "publish_selected" not in actions and "archive_selected" not in actions
    assert "Publish selected articles" not in response.content.decode()


@pytest.mark.parametrize("action", ["publish_selected", "archive_selected"])
def test_an_editor_cannot_run_a_publishing_action_by_a_crafted_post(editor_client, action):
    draft, live = ArticleFactory(draft=True), ArticleFactory()
    response = run_action(editor_client, action, [draft, live])

    assert response.status_code == 200
    assert Article.objects.get(pk=draft.pk).status == "draft"
    assert Article.objects.get(pk=live.pk).status == "published"


def test_a_publisher_publishes_in_bulk_with_a_summary(publisher_client, publisher):
    drafts = ArticleFactory.create_batch(3, draft=True)
    live = ArticleFactory(title="Already live")
    response = run_action(publisher_client, "publish_selected", [*drafts, live])

    assert "3 articles published; 1 skipped: “Already live” is already published." in messages_of(response)
    for article in drafts:
        article.refresh_from_db()
        assert article.is_published
        assert article.history.first().history_user == publisher


def test_bulk_publishing_skips_an_article_whose_hero_image_has_no_alt_text(publisher_client):
    article = ArticleFactory(draft=True, title="No alt", hero_image="articles/hero/missing.jpg")
    response = run_action(publisher_client, "publish_selected", [article])

    assert (
        "0 articles published; 1 skipped: “No alt”: Describe the hero image, or mark it as decorative."
        in (messages_of(response))
    )
    assert Article.objects.get(pk=article.pk).status == "draft"


def test_bulk_publishing_refused_for_one_article_leaves_its_pending_changes_pending(
    publisher_client, publisher, editor
):
    article = ArticleFactory(title="Kept", hero_image="articles/hero/garden.jpg", hero_image_alt="A garden")
    store_pending_changes(article, editor, title="Pending title", hero_image_alt="")
    publishing.archive(article=article, actor=publisher)

    response = run_action(publisher_client, "publish_selected", [article])

    assert "0 articles published; 1 skipped: “Kept”: Describe the hero image" in messages_of(response)[0]
    article.refresh_from_db()
    assert (article.status, article.title, article.hero_image_alt) == ("archived", "Kept", "A garden")
    assert article.pending_revision["fields"]["title"] == "Pending title"


def test_a_publisher_archives_in_bulk_with_a_summary(publisher_client):
    live = ArticleFactory.create_batch(2)
    archived = ArticleFactory(archived=True, title="Old")
    response = run_action(publisher_client, "archive_selected", [*live, archived])

    assert "2 articles archived; 1 skipped: “Old” is already archived." in messages_of(response)
    assert Article.objects.filter(status="archived").count() == 3
    assert all(Client().get(article.get_absolute_url()).status_code == 404 for article in live)
