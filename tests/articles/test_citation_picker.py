"""The citation picker's JSON views: searching the source library and adding a source."""

import pytest
from django.urls import reverse

from articles.models import Source
from tests.factories import SourceFactory

from .admin_support import staff_in

pytestmark = pytest.mark.django_db

SEARCH = "admin:articles_article_source_search"
CREATE = "admin:articles_article_source_create"


@pytest.fixture
def library():
    """Two sources with full fields, and one with a title only."""
    return {
        "kryst": SourceFactory(
            authors="Kryst J, Kawalec P",
            title="Efficacy of ketamine in unipolar and bipolar depression",
            journal="Pharmacol Rep",
            year=2020,
            doi="10.1007/s43440-020-00097-z",
            pmid="32347517",
        ),
        "phillips": SourceFactory(
            authors="Phillips JL, Norris S",
            title="Single, repeated and maintenance ketamine infusions",
            journal="Am J Psychiatry",
            year=2019,
            doi="10.1176/appi.ajp.2018.18070834",
            pmid="30922101",
        ),
        "guideline": SourceFactory(authors="", title="Sleep hygiene guideline", year=None, doi="", pmid=""),
    }


def found(client, query):
    response = client.get(reverse(SEARCH), {"q": query})
    assert response.status_code == 200
    return [result["label"] for result in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "labels"),
    [
        ("kawalec", ["Kryst et al. 2020"]),
        ("KETAMINE infusions", ["Phillips et al. 2019"]),
        ("https://doi.org/10.1176/APPI.AJP.2018.18070834", ["Phillips et al. 2019"]),
        ("PMID: 32347517", ["Kryst et al. 2020"]),
        ("sleep", ["Sleep hygiene guideline"]),
        ("no such words", []),
    ],
)
def test_the_library_is_searched_by_title_author_doi_and_pmid(editor_client, library, query, labels):
    assert found(editor_client, query) == labels


def test_an_empty_search_lists_the_newest_sources_with_what_editors_recognise(editor_client, library):
    results = editor_client.get(reverse(SEARCH)).json()["results"]

    assert [result["label"] for result in results] == [
        "Kryst et al. 2020",
        "Phillips et al. 2019",
        "Sleep hygiene guideline",
    ]
    assert results[0]["citation"].startswith("Kryst J, Kawalec P. Efficacy of ketamine")
    assert "[cite:" not in str(results)


def test_the_picker_needs_the_change_article_permission(client, django_user_model, library):
    assert client.get(reverse(SEARCH)).status_code == 302  # to the admin's login
    outsider = django_user_model.objects.create_user(username="staffer", password="x", is_staff=True)
    client.force_login(outsider)

    assert client.get(reverse(SEARCH)).status_code == 403
    assert client.post(reverse(CREATE), {"title": "A study"}).status_code == 403
    assert not Source.objects.filter(title="A study").exists()


def test_an_editor_adds_a_source_from_pasted_fields_stored_bare(editor_client):
    response = editor_client.post(
        reverse(CREATE),
        {
            "title": "Rapid antidepressant effects of ketamine",
            "authors": "Berman RM, Cappiello A",
            "journal": "Biol Psychiatry",
            "year": "2000",
            "doi": "https://doi.org/10.1016/S0006-3223(99)00230-9",
            "pmid": "PMID: 10686270",
            "url": "https://pubmed.ncbi.nlm.nih.gov/10686270/",
        },
    )

    assert response.status_code == 201
    source = Source.objects.get(pmid="10686270")
    assert source.doi == "10.1016/S0006-3223(99)00230-9"
    assert response.json() == {
        "id": source.pk,
        "label": "Berman et al. 2000",
        "citation": "Berman RM, Cappiello A. Rapid antidepressant effects of ketamine. Biol Psychiatry. "
        "2000. doi: 10.1016/S0006-3223(99)00230-9. PMID: 10686270.",
        "year": 2000,
        "doi": "10.1016/S0006-3223(99)00230-9",
        "pmid": "10686270",
    }


def test_a_new_source_with_mistakes_gets_a_message_on_each_field(editor_client, library):
    response = editor_client.post(
        reverse(CREATE),
        {
            "title": "",
            "year": "twenty",
            "doi": "10.1007/S43440-020-00097-Z",
            "pmid": "12x",
            "url": "not a url",
        },
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["title"] == ["This field is required."]
    assert errors["year"] == ["Enter a whole number."]
    assert "already has this DOI" in errors["doi"][0]
    assert "Efficacy of ketamine" in errors["doi"][0]
    assert set(errors) == {"title", "year", "doi", "pmid", "url"}
    assert Source.objects.count() == 3


def test_a_reviewer_may_search_but_not_add_sources(client, django_user_model, library):
    client.force_login(staff_in("Reviewers", django_user_model, "rhea"))

    assert found(client, "kryst") == ["Kryst et al. 2020"]
    assert client.post(reverse(CREATE), {"title": "A study"}).status_code == 403


def test_the_article_page_carries_the_picker_dialog(editor_client):
    from tests.factories import ArticleFactory

    from .admin_support import change_url

    html = editor_client.get(change_url(ArticleFactory(draft=True))).content.decode()

    assert 'id="citation-picker"' in html
    assert f'data-search-url="{reverse(SEARCH)}"' in html
    assert 'id="citation-picker-form"' in html
    assert "articles/admin/citations.js" in html  # the editor's Citation extension
