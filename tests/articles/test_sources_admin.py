"""The source library in the admin: identifiers checked, duplicates named, markers shown,
and the articles citing each source."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles.models import Source
from tests.factories import ArticleFactory, CitationFactory, SourceFactory

from .admin_support import error_text, form_data

pytestmark = pytest.mark.django_db


def add_url():
    return reverse("admin:articles_source_add")


def source_url(source):
    return reverse("admin:articles_source_change", args=[source.pk])


def add_source(client, **fields):
    page = client.get(add_url())
    data = {"citation_text": "Lumanauw DD, Youn S. A study. Acad Emerg Med. 2019.", "evidence_type": "other"}
    data.update(fields)
    return client.post(add_url(), form_data(page, form_id="source_form", **data))


# Identifiers


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("doi", "10.1111", "10.1111 is not a DOI; a DOI looks like 10.1111/acem.13755."),
        ("doi", "acem.13755", "acem.13755 is not a DOI"),
        ("pmid", "3090-1130", "3090-1130 is not a PubMed ID; a PMID is a number such as 30901130."),
        ("pmid", "0123", "0123 is not a PubMed ID"),
        ("pmid", "123456789", "123456789 is not a PubMed ID"),
    ],
)
def test_a_malformed_identifier_is_refused_on_its_field(editor_client, field, value, message):
    response = add_source(editor_client, **{field: value})

    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors[field])
    assert not Source.objects.exists()


def test_identifiers_pasted_with_a_link_or_prefix_are_stored_bare(editor_client):
    response = add_source(editor_client, doi="https://doi.org/10.1111/acem.13755", pmid="PMID: 30901130")

    assert response.status_code == 302, error_text(response)
    source = Source.objects.get()
    assert (source.doi, source.pmid) == ("10.1111/acem.13755", "30901130")


def test_a_doi_already_in_the_library_is_refused_naming_the_source_that_has_it(editor_client):
    existing = SourceFactory(title="Ketamine for depression", doi="10.1111/acem.13755")

    response = add_source(editor_client, doi="doi:10.1111/ACEM.13755")

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["doi"])
    assert f"“{existing}” already has this DOI" in errors
    assert Source.objects.count() == 1


def test_a_pmid_already_in_the_library_is_refused_naming_the_source_that_has_it(editor_client):
    existing = SourceFactory(pmid="30901130")

    response = add_source(editor_client, pmid=" 30901130 ")

    assert response.status_code == 200
    assert f"“{existing}” already has this PMID" in " ".join(
        response.context["adminform"].form.errors["pmid"]
    )
    assert Source.objects.count() == 1


def test_a_source_saved_again_with_its_own_identifiers_is_not_its_own_duplicate(editor_client):
    source = SourceFactory(doi="10.1111/acem.13755", pmid="30901130")
    page = editor_client.get(source_url(source))

    response = editor_client.post(
        source_url(source), form_data(page, form_id="source_form", title="Now titled")
    )

    assert response.status_code == 302, error_text(response)
    source.refresh_from_db()
    assert source.title == "Now titled"


def test_the_database_constraints_behind_the_form_give_their_own_messages():
    SourceFactory(doi="10.1111/acem.13755", pmid="30901130")

    with pytest.raises(ValidationError) as raised:
        Source(citation_text="Again.", doi="10.1111/acem.13755", pmid="30901130").validate_constraints()

    assert "A source with this DOI is already in the library." in raised.value.messages
    assert "A source with this PMID is already in the library." in raised.value.messages


# Markers


def test_the_list_shows_each_sources_marker(editor_client):
    source = SourceFactory()

    response = editor_client.get(reverse("admin:articles_source_changelist"))

    html = response.content.decode()
    assert "Marker to paste in the body" in html
    assert f'<td class="field-marker">[cite:{source.pk}]</td>' in html


def test_the_form_shows_the_marker_read_only(editor_client):
    source = SourceFactory()

    response = editor_client.get(source_url(source))

    assert "marker" not in response.context["adminform"].form.fields
    html = response.content.decode()
    assert "Marker to paste in the body" in html
    assert f'<div class="readonly">[cite:{source.pk}]</div>' in html


def test_a_source_is_found_by_its_marker(editor_client):
    source, other = SourceFactory(), SourceFactory()

    response = editor_client.get(reverse("admin:articles_source_changelist"), {"q": f"[cite:{source.pk}]"})

    assert list(response.context["cl"].result_list) == [source]
    assert other not in response.context["cl"].result_list


# Cited by


def test_a_source_lists_the_articles_citing_it(editor_client):
    source = SourceFactory()
    citing = [
        ArticleFactory(title="Is ketamine addictive?"),
        ArticleFactory(draft=True, title="Draft on PTSD"),
    ]
    for article in citing:
        CitationFactory(article=article, source=source)
    ArticleFactory(title="Unrelated article")

    response = editor_client.get(source_url(source))

    html = response.content.decode()
    assert "Cited by" in html
    assert "Is ketamine addictive?" in html and "Draft on PTSD" in html
    assert "Unrelated article" not in html
    for article in citing:
        assert reverse("admin:articles_article_change", args=[article.pk]) in html
