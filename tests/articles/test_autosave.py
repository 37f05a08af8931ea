"""The autosave service (articles.autosaving, re-exported by articles.publishing): drafts
written, live articles kept as pending changes, stale copies refused, incomplete new
articles allowed but never submitted or published, one history record per session."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from articles import publishing
from articles.autosaving import AUTOSAVE_REASON
from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


def reasons(article):
    return list(
        article.history.order_by("history_date", "history_id").values_list("history_change_reason", flat=True)
    )


def test_a_draft_is_written_as_a_draft(editor):
    article = ArticleFactory(draft=True, title="Old title")
    article.title, article.body = "New title", "<p>Typed so far</p>"
    done = publishing.autosave(article=article, actor=editor, expected_version=article.version)
    stored = Article.objects.get(pk=article.pk)
    assert (stored.title, stored.body, stored.status) == ("New title", "<p>Typed so far</p>", "draft")
    assert done.pending is False and done.article.version == stored.version


def test_a_live_article_s_autosave_becomes_pending_changes_even_for_a_publisher(editor, publisher):
    article = ArticleFactory(title="Live title")
    for actor in (editor, publisher):
        article = Article.objects.get(pk=article.pk)
        article.title = f"Edited by {actor.username}"
        done = publishing.autosave(article=article, actor=actor, expected_version=article.version)
        assert done.pending is True
    stored = Article.objects.get(pk=article.pk)
    assert stored.title == "Live title" and stored.status == "published"
    assert stored.pending_revision["fields"]["title"] == "Edited by pablo"
    assert stored.pending_revision_by == publisher


def test_an_autosave_never_changes_the_status(editor):
    article = ArticleFactory(draft=True)
    article.status = Article.Status.IN_REVIEW
    with pytest.raises(ValueError, match="never changes"):
        publishing.autosave(article=article, actor=editor, expected_version=article.version)
    assert Article.objects.get(pk=article.pk).status == "draft"


def test_a_stale_autosave_is_refused_and_nothing_is_overwritten(editor):
    article = ArticleFactory(draft=True, title="Mine")
    loaded = article.version
    other = Article.objects.get(pk=article.pk)
    other.title = "Theirs"
    publishing.save_draft(article=other, actor=editor)
    article.title = "Mine, edited"
    with pytest.raises(publishing.StaleArticle):
        publishing.autosave(article=article, actor=editor, expected_version=loaded)
    assert Article.objects.get(pk=article.pk).title == "Theirs"


def test_a_new_article_is_autosaved_without_title_or_author_but_not_submitted_or_published(editor, publisher):
    article = Article(body="<p>Just started</p>")
    done = publishing.autosave(article=article, actor=editor)
    stored = Article.objects.get(pk=done.article.pk)
    assert stored.status == "draft" and stored.title == "" and stored.author is None
    assert str(stored) == "Untitled draft" and stored.slug
    with pytest.raises(ValidationError) as refused:
        publishing.submit_for_review(article=stored, actor=editor)
    assert set(refused.value.message_dict) == {"title", "author"}
    with pytest.raises(ValidationError):
        publishing.publish(article=Article.objects.get(pk=stored.pk), actor=publisher)
    assert Article.objects.get(pk=stored.pk).status == "draft"


def test_permissions_add_for_a_new_article_change_for_an_existing_one(django_user_model):
    nobody = django_user_model.objects.create_user(username="nobody", is_staff=True)
    with pytest.raises(PermissionDenied):
        publishing.autosave(article=Article(title="x"), actor=nobody)
    article = ArticleFactory(draft=True)
    with pytest.raises(PermissionDenied):
        publishing.autosave(article=article, actor=nobody, expected_version=article.version)


def test_n_autosaves_then_a_save_record_one_entry_for_the_session_and_one_for_the_save(editor):
    article = Article(title="First words", author=AuthorFactory())
    for n in range(3):
        article.body = f"<p>Autosave {n}</p>"
        done = publishing.autosave(
            article=article, actor=editor, expected_version=article.version if n else None
        )
        article = done.article
    assert reasons(article) == [str(AUTOSAVE_REASON)]
    assert article.history.get().body == "<p>Autosave 2</p>"
    article.body = "<p>Saved by hand</p>"
    publishing.save_draft(article=article, actor=editor, expected_version=article.version)
    assert reasons(article) == [str(AUTOSAVE_REASON), None]
    article.body = "<p>A new session</p>"
    publishing.autosave(article=article, actor=editor, expected_version=article.version)
    assert reasons(article) == [str(AUTOSAVE_REASON), None, str(AUTOSAVE_REASON)]


def test_another_user_s_autosave_starts_its_own_session(editor, publisher):
    article = ArticleFactory(draft=True)
    publishing.autosave(article=article, actor=editor, expected_version=article.version)
    publishing.autosave(article=article, actor=publisher, expected_version=article.version)
    assert reasons(article)[-2:] == [str(AUTOSAVE_REASON), str(AUTOSAVE_REASON)]


def test_pending_citations_stay_when_a_live_article_is_autosaved(editor):
    from tests.factories import SourceFactory, store_pending_changes

    article = ArticleFactory()
    source = SourceFactory()
    store_pending_changes(article, editor, citations=[{"id": None, "position": 0, "source": source.pk}])
    article = Article.objects.get(pk=article.pk)
    article.summary = "Autosaved summary"
    publishing.autosave(article=article, actor=editor, expected_version=article.version)
    pending = Article.objects.get(pk=article.pk).pending_revision
    assert pending["citations"][0]["source"] == source.pk
    assert pending["fields"]["summary"] == "Autosaved summary"


def test_a_live_article_s_pending_changes_stay_complete(editor):
    article = ArticleFactory(title="Live title")
    article.title = ""
    with pytest.raises(ValidationError) as refused:
        publishing.autosave(article=article, actor=editor, expected_version=article.version)
    assert set(refused.value.message_dict) == {"title"}
    assert Article.objects.get(pk=article.pk).pending_revision is None


def test_a_draft_s_autosaves_leave_readers_cached_pages_alone(
    editor, publisher, settings, client, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600
    live = ArticleFactory(title="Live article")
    assert client.get(live.get_absolute_url())["X-Page-Cache"] == "miss"
    draft = ArticleFactory(draft=True)
    draft.body = "<p>Typed so far</p>"
    with django_capture_on_commit_callbacks(execute=True):
        publishing.autosave(article=draft, actor=editor, expected_version=draft.version)
    assert client.get(live.get_absolute_url())["X-Page-Cache"] == "hit"
    # A change readers can see (the draft published) still retires them.
    draft = Article.objects.get(pk=draft.pk)
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(article=draft, actor=publisher, expected_version=draft.version)
    assert client.get(live.get_absolute_url())["X-Page-Cache"] == "miss"
