"""Saving a body attaches the sources it cites; a body citing no source in the library, or
one detached in the same save, is refused, whatever path saves it."""

import pytest
from django.urls import reverse

from articles.models import Article, Citation
from tests.factories import ArticleFactory, CitationFactory, SourceFactory

from .admin_support import change_url, error_text, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    """A draft citing one attached source, ``draft.attached``."""
    article = ArticleFactory(draft=True, body="<p>Old body.</p>")
    article.attached = CitationFactory(article=article, position=0).source
    return article


def attach_new_source(source, article, index=1):
    """The inline fields a browser sends when one more source is attached in the form."""
    return {
        "citations-TOTAL_FORMS": str(index + 1),
        f"citations-{index}-position": str(index),
        f"citations-{index}-source": str(source.pk),
        f"citations-{index}-article": str(article.pk),
    }


def save(client, article, **changes):
    return client.post(change_url(article), form_data(client.get(change_url(article)), **changes))


def test_saving_a_body_citing_an_unattached_source_attaches_it_after_the_others(editor_client, draft):
    elsewhere = SourceFactory()
    body = f"<p>A claim.[cite:{elsewhere.pk}]</p>"
    response = save(editor_client, draft, body=body)

    assert response.status_code == 302, error_text(response)
    draft.refresh_from_db()
    assert draft.body == body
    assert list(draft.citations.order_by("position").values_list("source", flat=True)) == [
        draft.attached.pk,
        elsewhere.pk,
    ]


def test_the_editors_citation_element_is_stored_as_its_marker_and_attaches_the_source(editor_client, draft):
    picked = SourceFactory()
    body = f'<p>A claim.<span data-cite="{picked.pk}" data-label="Smith 2020">[cite:{picked.pk}]</span></p>'
    response = save(editor_client, draft, body=body)

    assert response.status_code == 302, error_text(response)
    draft.refresh_from_db()
    assert draft.body == f"<p>A claim.[cite:{picked.pk}]</p>"
    assert draft.citations.filter(source=picked).exists()


def test_a_marker_to_no_source_is_named_once_however_often_it_appears(editor_client, draft):
    response = save(editor_client, draft, body="<p>[cite: 987654] and [cite:987654]</p>")

    assert error_text(response).count("The body cites") == 1
    assert "[cite: 987654]" in error_text(response)


def test_a_marker_to_an_attached_source_is_accepted(editor_client, draft):
    body = f"<p>A claim.[cite:{draft.attached.pk}]</p>"
    response = save(editor_client, draft, body=body)

    assert response.status_code == 302, error_text(response)
    draft.refresh_from_db()
    assert draft.body == body


def test_a_marker_to_a_source_detached_in_the_same_save_is_refused(editor_client, draft):
    response = save(
        editor_client,
        draft,
        body=f"<p>A claim.[cite:{draft.attached.pk}]</p>",
        **{"citations-0-DELETE": "on"},
    )

    assert response.status_code == 200
    assert f"The body cites [cite:{draft.attached.pk}], but that source is not attached below" in error_text(
        response
    )
    assert Citation.objects.filter(article=draft, source=draft.attached).exists()
    draft.refresh_from_db()
    assert draft.body == "<p>Old body.</p>"


def test_a_marker_to_a_source_attached_in_the_same_save_is_accepted(editor_client, draft):
    added = SourceFactory()
    response = save(
        editor_client, draft, body=f"<p>A claim.[cite:{added.pk}]</p>", **attach_new_source(added, draft)
    )

    assert response.status_code == 302, error_text(response)
    assert set(draft.citations.values_list("source", flat=True)) == {draft.attached.pk, added.pk}


def test_a_marker_to_no_source_at_all_says_the_number_is_not_in_the_library(editor_client, draft):
    response = save(editor_client, draft, body="<p>A claim.[cite:987654]</p>")

    assert response.status_code == 200
    assert "The body cites [cite:987654], but there is no source 987654 in the library" in error_text(
        response
    )


def test_a_new_article_citing_a_source_it_does_not_attach_is_created_with_it_attached(editor_client):
    from tests.factories import AuthorFactory

    source, author = SourceFactory(), AuthorFactory()
    page = editor_client.get(reverse("admin:articles_article_add"))
    data = form_data(
        page,
        title="New",
        slug="new",
        author=str(author.pk),
        status="draft",
        body=f"<p>[cite:{source.pk}]</p>",
    )

    response = editor_client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 302, error_text(response)
    assert list(Article.objects.get(slug="new").citations.values_list("source", flat=True)) == [source.pk]


def test_staff_who_only_view_the_sources_keep_them_attached_when_saving(reviewer_client, draft):
    body = f"<p>Reworded.[cite:{draft.attached.pk}]</p>"
    response = save(reviewer_client, draft, body=body)

    assert response.status_code == 302, error_text(response)
    draft.refresh_from_db()
    assert draft.body == body


# Pending revisions of a live article go through the same check.


def test_an_editors_pending_change_citing_an_unattached_source_attaches_it_in_the_pending_change(
    editor_client,
):
    live = ArticleFactory(body="<p>Live body.</p>")
    elsewhere = SourceFactory()
    response = save(editor_client, live, body=f"<p>Pending.[cite:{elsewhere.pk}]</p>")

    assert response.status_code == 302, error_text(response)
    live.refresh_from_db()
    assert live.body == "<p>Live body.</p>"
    assert not live.citations.exists()
    assert [row["source"] for row in live.pending_revision["citations"]] == [elsewhere.pk]


def test_an_editors_pending_change_citing_a_source_it_attaches_is_kept_as_pending(editor_client):
    live = ArticleFactory(body="<p>Live body.</p>")
    added = SourceFactory()
    response = save(
        editor_client, live, body=f"<p>Pending.[cite:{added.pk}]</p>", **attach_new_source(added, live, 0)
    )

    assert response.status_code == 302, error_text(response)
    live.refresh_from_db()
    assert live.body == "<p>Live body.</p>"
    assert [row["source"] for row in live.pending_revision["citations"]] == [added.pk]
    assert live.pending_revision["fields"]["body"] == f"<p>Pending.[cite:{added.pk}]</p>"


def test_a_pending_change_detaching_a_source_the_pending_body_still_cites_is_refused(editor_client):
    source = SourceFactory()
    live = ArticleFactory(body=f"<p>Live.[cite:{source.pk}]</p>")
    CitationFactory(article=live, source=source, position=0)

    response = save(editor_client, live, **{"citations-0-DELETE": "on"})

    assert response.status_code == 200
    assert f"The body cites [cite:{source.pk}]" in error_text(response)
    live.refresh_from_db()
    assert live.pending_revision is None


# Restoring an older revision keeps today's sources, so its body is checked against them.


def test_restoring_a_revision_that_cites_a_since_detached_source_is_refused(publisher_client):
    source = SourceFactory()
    article = ArticleFactory(draft=True, body=f"<p>Old.[cite:{source.pk}]</p>")
    citation = CitationFactory(article=article, source=source)
    old_record = article.history.first()
    article.body = "<p>New.</p>"
    article.save()
    citation.delete()

    page = publisher_client.get(
        reverse("admin:articles_article_simple_history", args=[article.pk, old_record.history_id])
    )
    response = publisher_client.post(
        page.wsgi_request.path, form_data(page, form_id="historicalarticle_form")
    )

    assert response.status_code == 200
    assert (
        f"This revision's body cites [cite:{source.pk}], but that source is no longer attached"
        in error_text(response)
    )
    article.refresh_from_db()
    assert article.body == "<p>New.</p>"


def test_restoring_a_revision_citing_a_still_attached_source_goes_through(publisher_client):
    source = SourceFactory()
    article = ArticleFactory(draft=True, body=f"<p>Old.[cite:{source.pk}]</p>")
    CitationFactory(article=article, source=source)
    old_record = article.history.first()
    article.body = "<p>New.</p>"
    article.save()

    page = publisher_client.get(
        reverse("admin:articles_article_simple_history", args=[article.pk, old_record.history_id])
    )
    response = publisher_client.post(
        page.wsgi_request.path, form_data(page, form_id="historicalarticle_form")
    )

    assert response.status_code == 302, error_text(response)
    article.refresh_from_db()
    assert article.body == f"<p>Old.[cite:{source.pk}]</p>"


# Editors never see a source's id.


def test_the_sources_inline_shows_no_marker_and_explains_the_cite_button(editor_client, draft):
    draft.body = f"<p>A claim.[cite:{draft.attached.pk}]</p>"
    draft.save()
    response = editor_client.get(change_url(draft))

    html = response.content.decode()
    assert f"[cite:{draft.attached.pk}]</td>" not in html
    assert "“Cite a source” button: saving attaches the sources the body cites" in html
    # The body reaches the editor with its citation as the editor's element, the marker inside.
    assert f"&lt;span data-cite=&quot;{draft.attached.pk}&quot; data-label=" in html


def test_a_citation_picked_in_the_editor_on_a_live_article_waits_with_its_source_as_pending(editor_client):
    live = ArticleFactory(body="<p>Live body.</p>")
    picked = SourceFactory()
    element = f'<span data-cite="{picked.pk}" data-label="Smith 2020">[cite:{picked.pk}]</span>'

    response = save(editor_client, live, body=f"<p>Pending.{element}</p>")

    assert response.status_code == 302, error_text(response)
    live.refresh_from_db()
    assert (live.body, list(live.citations.all())) == ("<p>Live body.</p>", [])
    assert live.pending_revision["fields"]["body"] == f"<p>Pending.[cite:{picked.pk}]</p>"
    assert [row["source"] for row in live.pending_revision["citations"]] == [picked.pk]
