"""The autosave endpoint of the article admin: permissions, CSRF, bad input as JSON, the
stale refusal, and the change page's status line."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, TopicFactory

pytestmark = pytest.mark.django_db

NEW_URL = reverse("admin:articles_article_autosave_new")


def autosave_url(article):
    return reverse("admin:articles_article_autosave", args=[article.pk])


def test_an_editor_autosaves_a_new_article_then_the_same_article_again(editor_client):
    first = editor_client.post(NEW_URL, {"body": "<p>Started</p>"})
    assert first.status_code == 200, first.content
    answer = first.json()
    article = Article.objects.get(pk=answer["id"])
    assert answer["saved"] and answer["change_url"] == reverse(
        "admin:articles_article_change", args=[article.pk]
    )
    assert answer["message"].startswith("Saved ")
    second = editor_client.post(
        answer["autosave_url"], {"title": "A title", "body": "<p>More</p>", "version": answer["version"]}
    )
    assert second.status_code == 200 and second.json()["id"] == article.pk
    assert Article.objects.count() == 1
    article.refresh_from_db()
    assert (article.title, article.body, article.version) == (
        "A title",
        "<p>More</p>",
        second.json()["version"],
    )


def test_the_version_an_autosave_answers_lets_the_editor_s_own_save_through(editor_client):
    author = AuthorFactory()
    answer = editor_client.post(NEW_URL, {"title": "Draft", "author": author.pk, "body": "<p>x</p>"}).json()
    page = editor_client.get(answer["change_url"])
    assert page.status_code == 200
    response = editor_client.post(
        answer["change_url"],
        {
            "title": "Draft, saved",
            "slug": "draft",
            "author": author.pk,
            "body": "<p>x</p>",
            "status": "draft",
            "version": answer["version"],
            **{
                f"{prefix}-{key}": value
                for prefix in ("citations", "related_links", "update_notes")
                for key, value in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))
            },
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Article.objects.get(pk=answer["id"]).title == "Draft, saved"


def test_an_editor_s_autosave_of_a_live_article_is_pending(editor_client):
    article = ArticleFactory(title="Live")
    response = editor_client.post(
        autosave_url(article),
        {"title": "Live, edited", "author": article.author_id, "version": article.version},
    )
    assert response.status_code == 200 and response.json()["pending"] is True
    article.refresh_from_db()
    assert article.title == "Live" and article.pending_revision["fields"]["title"] == "Live, edited"


def test_a_stale_autosave_answers_409_naming_who_saved(editor_client, publisher):
    article = ArticleFactory(draft=True, title="Mine")
    loaded = article.version
    other = Client()
    other.force_login(publisher)
    assert other.post(autosave_url(article), {"title": "Theirs", "version": loaded}).status_code == 200
    response = editor_client.post(autosave_url(article), {"title": "Mine, edited", "version": loaded})
    assert response.status_code == 409
    assert response.json()["stale"] is True and "Pablo" in response.json()["message"]
    assert Article.objects.get(pk=article.pk).title == "Theirs"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"author": "999999"}, "author"),
        ({"title": "x" * 300}, "title"),
        ({"body": '<p><img src="" alt="An image with no address"></p>'}, "body"),
        ({"updated_on": "not a date"}, "updated_on"),
    ],
)
def test_bad_input_answers_400_json_with_a_message(editor_client, data, field):
    response = editor_client.post(NEW_URL, data)
    assert response.status_code == 400
    assert response.json()["message"].startswith("Not saved:") and field in response.json()["errors"]
    assert not Article.objects.exists()


def test_an_existing_article_s_autosave_needs_the_version(editor_client):
    article = ArticleFactory(draft=True)
    response = editor_client.post(autosave_url(article), {"title": "No version"})
    assert response.status_code == 400 and "version" in response.json()["message"]


def test_permissions(client, django_user_model, editor):
    viewer = django_user_model.objects.create_user(username="viewer", password="x", is_staff=True)
    client.force_login(viewer)
    assert client.post(NEW_URL, {"title": "x"}).status_code == 403
    article = ArticleFactory(draft=True)
    assert client.post(autosave_url(article), {"title": "x", "version": article.version}).status_code == 403
    client.force_login(editor)
    assert client.get(NEW_URL).status_code == 405
    assert client.post(reverse("admin:articles_article_autosave", args=[999999]), {}).status_code == 404
    client.logout()
    assert client.post(NEW_URL, {"title": "x"}).status_code == 302  # to the admin's login
    assert not Article.objects.filter(title="x").exists()


def test_csrf_is_required(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(NEW_URL, {"title": "Forged"}).status_code == 403
    assert not Article.objects.exists()


def test_the_change_page_has_the_status_line_and_the_explicit_save_still_needs_title_and_author(
    editor_client,
):
    page = editor_client.get(reverse("admin:articles_article_add"))
    html = page.content.decode()
    assert 'id="autosave-status"' in html and 'aria-live="polite"' in html
    assert f'data-url="{NEW_URL}"' in html and "articles/admin/autosave.js" in html
    form = page.context["adminform"].form
    assert form.fields["title"].required and form.fields["author"].required


def test_an_autosaved_draft_without_title_or_author_can_be_previewed(editor_client):
    answer = editor_client.post(NEW_URL, {"body": "<p>Only a first sentence.</p>"}).json()
    article = Article.objects.get(pk=answer["id"])
    page = editor_client.get(reverse("articles:detail", kwargs={"slug": article.slug}))
    assert page.status_code == 200 and "Only a first sentence." in page.content.decode()
    changelist = editor_client.get(reverse("admin:articles_article_changelist"))
    assert answer["change_url"] in changelist.content.decode()  # listed, its link shown as "-"


def test_the_history_page_shows_one_autosaved_entry_for_the_session(editor_client):
    answer = editor_client.post(NEW_URL, {"body": "<p>One</p>"}).json()
    for text in ("Two", "Three"):
        answer = editor_client.post(
            answer["autosave_url"], {"body": f"<p>{text}</p>", "version": answer["version"]}
        ).json()
    page = editor_client.get(reverse("admin:articles_article_history", args=[answer["id"]]))
    assert page.status_code == 200
    assert page.content.decode().count("Autosaved") == 1


def test_a_live_article_s_autosave_without_title_answers_400(editor_client):
    article = ArticleFactory(title="Live")
    response = editor_client.post(
        autosave_url(article), {"title": "", "author": article.author_id, "version": article.version}
    )
    assert response.status_code == 400 and "title" in response.json()["message"]


def test_an_autosave_keeps_a_draft_s_topics_and_a_live_article_s_as_pending(editor_client):
    depression, anxiety = TopicFactory(name="Depression"), TopicFactory(name="Anxiety")
    answer = editor_client.post(
        NEW_URL, {"body": "<p>Started</p>", "topics": [depression.pk, anxiety.pk]}
    ).json()
    assert set(Article.objects.get(pk=answer["id"]).topics.all()) == {depression, anxiety}

    live = ArticleFactory(title="Live")
    live.topics.add(depression)
    response = editor_client.post(
        autosave_url(live),
        {"title": "Live", "author": live.author_id, "topics": [anxiety.pk], "version": live.version},
    )
    assert response.status_code == 200 and response.json()["pending"] is True
    live.refresh_from_db()
    assert list(live.topics.all()) == [depression]
    assert live.pending_revision["topics"] == [anxiety.pk]


NO_ALT = '<p>Words.</p><img src="/media/x.png">'
OTHER_SITE = '<p>Words.</p><img src="https://example.org/x.png" alt="A chart">'


@pytest.mark.parametrize("body", [NO_ALT, OTHER_SITE])
def test_a_draft_s_autosave_stores_images_the_explicit_save_refuses(editor_client, body):
    article = ArticleFactory(draft=True, title="Mine")
    response = editor_client.post(
        autosave_url(article),
        {
            "title": "Mine",
            "author": article.author_id,
            "body": body + "<p>Typed after.</p>",
            "version": article.version,
        },
    )
    assert response.status_code == 200, response.content
    article.refresh_from_db()
    assert "Typed after." in article.body


@pytest.mark.parametrize("body", [NO_ALT, OTHER_SITE, '<p>Words.</p><img src="" alt="x">'])
def test_a_live_article_s_autosave_still_refuses_those_images(editor_client, body):
    article = ArticleFactory(title="Live")
    response = editor_client.post(
        autosave_url(article),
        {"title": "Live", "author": article.author_id, "body": body, "version": article.version},
    )
    assert response.status_code == 400 and response.json()["errors"]["body"]
    article.refresh_from_db()
    assert article.pending_revision is None


def test_a_draft_s_autosave_still_refuses_an_image_without_address(editor_client):
    article = ArticleFactory(draft=True, title="Mine")
    response = editor_client.post(
        autosave_url(article),
        {"title": "Mine", "body": '<p>x</p><img src="" alt="x">', "version": article.version},
    )
    assert response.status_code == 400 and response.json()["errors"]["body"]
