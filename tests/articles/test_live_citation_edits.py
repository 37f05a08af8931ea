"""An Editor's every kind of change to a live article's citations (order, the source of a
row) waits for a publisher like a body edit: readers keep the live list until it is published."""

import pytest

from articles.models import Source
from tests.factories import ArticleFactory, CitationFactory, SourceFactory

from .admin_support import change_url, error_text, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_article():
    article = ArticleFactory(title="Live title")
    CitationFactory(article=article, position=0, source__citation_text="First source.")
    CitationFactory(article=article, position=1, source__citation_text="Second source.")
    return article


def cited(article):
    return list(Source.objects.cited_by(article).values_list("citation_text", flat=True))


def pending_sources(article):
    article.refresh_from_db()
    return [row["source"] for row in (article.pending_revision or {}).get("citations", [])]


def test_an_editor_reordering_a_live_articles_citations_waits_for_a_publisher(editor_client, live_article):
    first, second = (each.source_id for each in live_article.citations.order_by("position"))
    data = form_data(editor_client.get(change_url(live_article)))
    data["citations-0-position"], data["citations-1-position"] = "1", "0"

    response = editor_client.post(change_url(live_article), data)

    assert response.status_code == 302, error_text(response)
    assert cited(live_article) == ["First source.", "Second source."]
    assert pending_sources(live_article) == [second, first]


def test_an_editor_pointing_a_citation_at_another_source_waits_for_a_publisher(editor_client, live_article):
    other = SourceFactory(citation_text="Other source.")
    data = form_data(editor_client.get(change_url(live_article)), **{"citations-1-source": str(other.pk)})

    response = editor_client.post(change_url(live_article), data)

    assert response.status_code == 302, error_text(response)
    assert cited(live_article) == ["First source.", "Second source."]
    assert other.pk in pending_sources(live_article)
