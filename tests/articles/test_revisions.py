"""Pending revisions of live articles, publishing them, and restoring older revisions."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from articles import publishing, revisions
from articles.models import Article, Source
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    RelatedArticleFactory,
    SourceFactory,
    store_pending_changes,
)

from .admin_support import change_url, error_text, form_data

pytestmark = pytest.mark.django_db

PENDING_MESSAGE = "Your changes are saved as pending changes; a publisher must publish them."


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def public_page(article):
    return Client().get(article.get_absolute_url()).content.decode()


@pytest.fixture
def live_article():
    article = ArticleFactory(title="Live title", body="<p>Live body.</p>")
    CitationFactory(article=article, position=0, source__citation_text="Kept source.")
    CitationFactory(article=article, position=1, source__citation_text="Dropped source.")
    return article


def cited(article):
    """The citation texts of the sources ``article`` cites, in its order."""
    return list(Source.objects.cited_by(article).values_list("citation_text", flat=True))


def pending_cited(article):
    ids = [row["source"] for row in article.pending_revision["citations"]]
    texts = dict(Source.objects.filter(pk__in=ids).values_list("pk", "citation_text"))
    return [texts[pk] for pk in ids]


def save_pending_edit(client, article):
    """An editor changes the title and body, drops one source and adds another, as in the browser."""
    new_source = Source.objects.filter(citation_text="New source.").first() or SourceFactory(
        citation_text="New source."
    )
    page = client.get(change_url(article))
    data = form_data(
        page,
        title="Pending title",
        body="<p>Pending body.</p>",
        **{
            "citations-1-DELETE": "on",
            "citations-TOTAL_FORMS": "3",
            "citations-2-position": "2",
            "citations-2-source": str(new_source.pk),
            "citations-2-article": str(article.pk),
        },
    )
    return client.post(change_url(article), data)


def test_an_editors_edit_to_a_live_article_waits_for_a_publisher(editor_client, editor, live_article):
    version = live_article.version
    response = save_pending_edit(editor_client, live_article)

    assert response.status_code == 302, error_text(response)
    assert response.url == change_url(live_article)
    assert PENDING_MESSAGE in messages_of(response)
    live_article.refresh_from_db()
    assert (live_article.title, live_article.body) == ("Live title", "<p>Live body.</p>")
    assert cited(live_article) == ["Kept source.", "Dropped source."]
    assert live_article.pending_revision["fields"]["title"] == "Pending title"
    assert pending_cited(live_article) == ["Kept source.", "New source."]
    assert live_article.pending_revision_by == editor
    assert live_article.version == version + 1
    html = public_page(live_article)
    assert "Live title" in html and "Live body." in html
    assert "Pending title" not in html and "Pending body." not in html


def test_reopening_the_form_shows_the_pending_version_with_a_notice(editor_client, live_article):
    save_pending_edit(editor_client, live_article)
    response = editor_client.get(change_url(live_article))

    form = response.context["adminform"].form
    assert form["title"].value() == "Pending title"
    assert form["body"].value() == "<p>Pending body.</p>"
    html = response.content.decode()
    assert "This form shows pending changes by Edna" in html
    assert "Publish pending changes" not in html
    citations = response.context["inline_admin_formsets"][0].formset
    texts = dict(Source.objects.values_list("pk", "citation_text"))
    shown = {texts[int(form["source"].value())]: bool(form["DELETE"].value()) for form in citations.forms}
    assert shown == {"Kept source.": False, "Dropped source.": True, "New source.": False}
    assert f"{live_article.get_absolute_url()}?preview=pending" in html


def test_saving_the_pending_version_again_keeps_every_pending_change(editor_client, live_article):
    save_pending_edit(editor_client, live_article)
    page = editor_client.get(change_url(live_article))
    response = editor_client.post(change_url(live_article), form_data(page, summary="Also a new summary."))

    assert response.status_code == 302, error_text(response)
    live_article.refresh_from_db()
    pending = live_article.pending_revision
    assert pending["fields"]["title"] == "Pending title"
    assert pending["fields"]["summary"] == "Also a new summary."
    assert pending_cited(live_article) == ["Kept source.", "New source."]
    assert live_article.citations.count() == 2


def test_a_publisher_publishes_pending_changes_with_the_button(client, editor, publisher, live_article):
    client.force_login(editor)
    save_pending_edit(client, live_article)
    client.force_login(publisher)
    page = client.get(change_url(live_article)).content.decode()
    assert "Publish pending changes" in page

    live_article.refresh_from_db()
    response = client.post(
        reverse("admin:articles_article_publish_pending", args=[live_article.pk]),
        {"version": live_article.version},
    )

    assert response.status_code == 302
    live_article.refresh_from_db()
    assert live_article.title == "Pending title" and live_article.pending_revision is None
    assert cited(live_article) == ["Kept source.", "New source."]
    html = public_page(live_article)
    assert "Pending title" in html and "Pending body." in html
    record = live_article.history.first()
    assert record.history_user == publisher
    assert "Edna" in record.history_change_reason


def test_an_editor_cannot_use_the_publish_pending_button(editor_client, live_article):
    save_pending_edit(editor_client, live_article)
    live_article.refresh_from_db()
    response = editor_client.post(
        reverse("admin:articles_article_publish_pending", args=[live_article.pk]),
        {"version": live_article.version},
    )

    assert response.status_code == 403
    assert Article.objects.get(pk=live_article.pk).title == "Live title"


def test_a_publishers_save_publishes_the_form_and_clears_pending_changes(
    client, editor, publisher, live_article
):
    client.force_login(editor)
    save_pending_edit(client, live_article)
    client.force_login(publisher)
    response = client.post(change_url(live_article), form_data(client.get(change_url(live_article))))

    assert response.status_code == 302, error_text(response)
    live_article.refresh_from_db()
    assert live_article.title == "Pending title" and live_article.pending_revision is None
    assert cited(live_article) == ["Kept source.", "New source."]
    assert "Pending body." in public_page(live_article)


def test_the_publish_action_applies_pending_changes(client, editor, publisher, live_article):
    client.force_login(editor)
    save_pending_edit(client, live_article)
    client.force_login(publisher)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [live_article.pk], "index": 0},
        follow=True,
    )

    assert "1 article published." in messages_of(response)
    live_article.refresh_from_db()
    assert live_article.title == "Pending title" and live_article.pending_revision is None


def test_a_save_from_before_pending_changes_were_stored_is_refused(client, editor, publisher, live_article):
    client.force_login(publisher)
    stale_page = client.get(change_url(live_article))
    client.force_login(editor)
    save_pending_edit(client, live_article)

    client.force_login(publisher)
    response = client.post(change_url(live_article), form_data(stale_page, title="Publisher's title"))

    assert response.status_code == 200
    assert "Edna changed this article on" in response.content.decode()
    live_article.refresh_from_db()
    assert live_article.title == "Live title"
    assert live_article.pending_revision["fields"]["title"] == "Pending title"


# The functions the public preview uses


def test_pending_preview_shows_the_pending_version_without_saving_it(editor, live_article):
    first, second = ArticleFactory(), ArticleFactory(draft=True)
    first_source, second_source = (
        SourceFactory(citation_text="First."),
        SourceFactory(citation_text="Second."),
    )
    store_pending_changes(
        live_article,
        editor,
        title="Previewed",
        body='<p onclick="x()">Previewed body.</p>',
        author=live_article.author,
        citations=[{"position": 1, "source": second_source}, {"position": 0, "source": first_source.pk}],
        related=[second.pk, first.pk],
    )

    copy, sources, related = revisions.pending_preview(live_article)

    assert copy.pk == live_article.pk and copy.title == "Previewed"
    assert copy.body == "<p>Previewed body.</p>"
    assert sources == [first_source, second_source]
    assert cited(live_article) == ["Kept source.", "Dropped source."]
    assert related == [first]
    assert Article.objects.get(pk=live_article.pk).title == "Live title"


def test_a_pending_hero_image_is_stored_but_the_live_one_stays(editor, live_article):
    store_pending_changes(
        live_article,
        editor,
        hero_image=ContentFile(b"new image bytes", name="new.jpg"),
        citations=[],
        related=[],
    )

    live_article.refresh_from_db()
    stored_name = live_article.pending_revision["fields"]["hero_image"]
    assert stored_name.startswith("articles/hero/new")
    assert not live_article.hero_image
    copy, _sources, _related = revisions.pending_preview(live_article)
    assert copy.hero_image.name == stored_name


def test_publishing_pending_changes_replaces_related_articles_in_order(editor, publisher, live_article):
    old, first, second = ArticleFactory(), ArticleFactory(), ArticleFactory()
    RelatedArticleFactory(from_article=live_article, to_article=old)
    store_pending_changes(live_article, editor, citations=[], related=[second.pk, first.pk])

    publishing.publish_pending(article=live_article, actor=publisher)

    assert list(live_article.related_links.values_list("to_article", flat=True)) == [second.pk, first.pk]
    assert live_article.citations.count() == 0


# Restoring an older revision


def revert_page(client, article, record):
    return client.get(reverse("admin:articles_article_simple_history", args=[article.pk, record.history_id]))


def test_restoring_a_revision_brings_back_the_old_body_as_a_new_save(publisher_client, publisher):
    article = ArticleFactory(draft=True, body="<p>Old body.</p>")
    old_record = article.history.first()
    article.body = "<p>New body.</p>"
    article.save()
    records_before = article.history.count()

    page = revert_page(publisher_client, article, old_record)
    assert page.status_code == 200
    response = publisher_client.post(
        page.wsgi_request.path, form_data(page, form_id="historicalarticle_form")
    )

    assert response.status_code == 302, error_text(response)
    article.refresh_from_db()
    assert article.body == "<p>Old body.</p>"
    assert article.history.count() == records_before + 1
    assert article.history.first().history_user == publisher


def test_an_editor_restoring_a_revision_of_a_live_article_makes_it_pending(editor_client, publisher):
    article = ArticleFactory(body="<p>Old body.</p>")
    old_record = article.history.first()
    article.body = "<p>Current body.</p>"
    article.save()

    page = revert_page(editor_client, article, old_record)
    response = editor_client.post(page.wsgi_request.path, form_data(page, form_id="historicalarticle_form"))

    assert response.status_code == 302, error_text(response)
    assert PENDING_MESSAGE in messages_of(response)
    article.refresh_from_db()
    assert article.body == "<p>Current body.</p>"
    assert article.pending_revision["fields"]["body"] == "<p>Old body.</p>"
    assert "Current body." in public_page(article)


def test_an_editor_cannot_restore_a_published_revision_of_a_draft(editor_client):
    article = ArticleFactory(body="<p>Was live.</p>")
    old_record = article.history.first()
    article.status, article.body = Article.Status.DRAFT, "<p>Now a draft.</p>"
    article.save()

    page = revert_page(editor_client, article, old_record)
    response = editor_client.post(
        page.wsgi_request.path, form_data(page, form_id="historicalarticle_form", status="published")
    )

    assert response.status_code == 200
    assert "Only publishers can publish or archive" in error_text(response)
    assert Article.objects.get(pk=article.pk).status == "draft"


def test_the_history_page_has_no_inline_style_and_no_none_for_an_empty_reason(editor_client, editor):
    article = ArticleFactory(draft=True)
    article.title = "Retitled"
    publishing.save_draft(article=article, actor=editor)
    page = editor_client.get(reverse("admin:articles_article_history", args=[article.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "Retitled" in html
    # The admin's Content Security Policy refuses style attributes.
    assert "style=" not in html
    assert "<td>\n          None\n        </td>" not in html and ">None<" not in html.replace(" ", "")
