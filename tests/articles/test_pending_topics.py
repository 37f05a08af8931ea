"""Topics on a live article: an Editor's change waits as a pending change until published."""

import pytest
from django.urls import reverse

from articles import publishing
from articles.models import Article
from tests.factories import ArticleFactory, TopicFactory

from .admin_support import change_url, error_text, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def live():
    """A published article filed under ``live.old``; ``live.new`` is another topic."""
    article = ArticleFactory(body="<p>Live body.</p>")
    article.old, article.new = TopicFactory(name="Depression"), TopicFactory(name="Sleep")
    article.topics.add(article.old)
    return article


def save_topics(client, article, topics):
    page = client.get(change_url(article))
    return client.post(change_url(article), form_data(page, topics=[str(topic.pk) for topic in topics]))


def topic_page(client, topic):
    return client.get(reverse("articles:topic", kwargs={"slug": topic.slug})).content.decode()


def test_an_editors_topic_change_on_a_live_article_waits_for_a_publisher(client, editor_client, live):
    response = save_topics(editor_client, live, [live.new])

    assert response.status_code == 302, error_text(response)
    live.refresh_from_db()
    assert list(live.topics.all()) == [live.old]
    assert live.pending_revision["topics"] == [live.new.pk]
    # Readers and the topic pages still see the old topics.
    client.logout()
    assert live.title in topic_page(client, live.old)
    assert live.title not in topic_page(client, live.new)


def test_the_form_shows_the_pending_topics(editor_client, live):
    save_topics(editor_client, live, [live.new])

    form = editor_client.get(change_url(live)).context["adminform"].form

    assert form.initial["topics"] == [live.new.pk]
    assert f'<option value="{live.new.pk}" selected>' in str(form["topics"])


def test_publishing_the_pending_changes_files_the_article_under_the_new_topics(
    client, editor_client, publisher, live
):
    save_topics(editor_client, live, [live.old, live.new])
    live.refresh_from_db()

    publishing.publish_pending(article=live, actor=publisher)

    assert set(Article.objects.get(pk=live.pk).topics.all()) == {live.old, live.new}
    client.logout()
    assert live.title in topic_page(client, live.new)


def test_a_publishers_topic_change_is_live_at_once(publisher_client, live):
    response = save_topics(publisher_client, live, [live.new])

    assert response.status_code == 302, error_text(response)
    live.refresh_from_db()
    assert list(live.topics.all()) == [live.new]
    assert live.pending_revision is None


def test_a_draft_gets_its_topics_when_saved(editor_client):
    draft = ArticleFactory(draft=True)
    topics = [TopicFactory(), TopicFactory()]

    response = save_topics(editor_client, draft, topics)

    assert response.status_code == 302, error_text(response)
    assert set(draft.topics.all()) == set(topics)


def test_pending_changes_stored_before_topics_could_wait_keep_the_live_topics(publisher, live):
    Article.objects.filter(pk=live.pk).update(
        pending_revision={"fields": {"title": "Retitled"}, "citations": [], "related": []}
    )
    live.refresh_from_db()

    publishing.publish_pending(article=live, actor=publisher)

    live.refresh_from_db()
    assert live.title == "Retitled"
    assert list(live.topics.all()) == [live.old]


def test_an_editors_other_change_keeps_the_live_topics_in_the_pending_change(editor, live):
    live.title = "Reworded"
    publishing.save_draft(article=live, actor=editor, fields=["title"])

    live.refresh_from_db()
    assert live.pending_revision["topics"] == [live.old.pk]


def test_the_preview_of_pending_changes_shows_the_pending_topics(editor_client, live):
    save_topics(editor_client, live, [live.new])

    preview = editor_client.get(live.get_absolute_url() + "?preview=pending").content.decode()
    published = editor_client.get(live.get_absolute_url()).content.decode()

    assert ">Sleep</a>" in preview and ">Depression</a>" not in preview
    assert ">Depression</a>" in published and ">Sleep</a>" not in published
