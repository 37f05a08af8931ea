"""Citation markers become numbered superscripts; sources read in NLM style."""

import pytest

from articles.citations import (
    cited_source_ids,
    nlm_citation,
    number_sources,
    short_title,
    to_editor,
    unknown_markers,
)
from articles.models import Source
from articles.sanitize import sanitize_html
from tests.factories import SourceFactory


def test_cited_ids_are_in_order_of_first_citation_without_repeats():
    assert cited_source_ids("<p>A [cite:7] B [cite: 3] C [CITE:7]</p>") == [7, 3]


def test_unknown_markers_are_named_as_typed():
    assert unknown_markers("<p>[cite:1] and [cite:2]</p>", attached_ids=[1]) == ["[cite:2]"]


class FakeSource:
    def __init__(self, pk):
        self.pk = pk


def test_sources_are_numbered_by_first_citation_then_attached_order():
    a, b, c = FakeSource(10), FakeSource(20), FakeSource(30)
    numbered = number_sources("<p>x [cite:30] y [cite:10] z [cite:30]</p>", [a, b, c])
    assert [(n, s.pk) for n, s, _ in numbered.entries] == [(1, 30), (2, 10), (3, 20)]
    assert [backlinks for _, _, backlinks in numbered.entries] == [["cite-1-1", "cite-1-2"], ["cite-2-1"], []]
    assert numbered.body.count('<sup class="citation">') == 3
    assert '<a id="cite-1-2" href="#source-1" aria-label="Source 1">1</a>' in numbered.body


def test_a_marker_for_an_unattached_source_is_not_rendered():
    numbered = number_sources("<p>x [cite:99]</p>", [FakeSource(1)])
    assert "[cite:99]" not in numbered.body and "<sup" not in numbered.body


def test_nlm_citation_from_complete_fields():
    source = Source(
        authors="Lumanauw DD, Youn S, Horeczko T, Yadav K, Tanen DA",
        title="Subdissociative-dose Ketamine Is Effective for Treating Acute Exacerbations of Chronic Pain",
        journal="Acad Emerg Med",
        year=2019,
        volume="26",
        issue="9",
        pages="1044-1051",
        doi="10.1111/acem.13755",
        pmid="30901130",
    )
    assert nlm_citation(source) == (
        "Lumanauw DD, Youn S, Horeczko T, Yadav K, Tanen DA. Subdissociative-dose Ketamine Is "
        "Effective for Treating Acute Exacerbations of Chronic Pain. Acad Emerg Med. "
        "2019;26(9):1044-1051. doi: 10.1111/acem.13755. PMID: 30901130."
    )


def test_incomplete_fields_fall_back_to_the_citation_as_written():
    source = Source(citation_text="As written.", title="Only a title")
    assert nlm_citation(source) == ""
    assert source.display_citation == "As written."


@pytest.mark.django_db
class TestSourceLibrary:
    def test_sources_are_deduplicated_by_doi_then_pmid(self):
        first, created = Source.objects.get_or_create_for("A.", doi="https://doi.org/10.1000/XYZ", pmid="")
        assert created and first.doi == "10.1000/XYZ"
        assert Source.objects.get_or_create_for("A again.", doi="10.1000/xyz") == (first, False)
        by_pmid, _ = Source.objects.get_or_create_for("B.", pmid="123456")
        assert Source.objects.get_or_create_for("B again.", doi="", pmid="123456") == (by_pmid, False)
        assert Source.objects.get_or_create_for("C.")[1] is True

    def test_malformed_identifiers_are_not_stored(self):
        source, _ = Source.objects.get_or_create_for("Odd.", doi="10.12/" + "x" * 300, pmid="12a")
        assert (source.doi, source.pmid, source.citation_text) == ("", "", "Odd.")

    @pytest.mark.parametrize(
        ("field", "value"), [("doi", "not-a-doi"), ("pmid", "0123"), ("pmid", "123456789")]
    )
    def test_doi_and_pmid_are_checked_for_form_on_validation(self, field, value):
        from django.core.exceptions import ValidationError

        source = SourceFactory.build(**{field: value})
        with pytest.raises(ValidationError) as excinfo:
            source.full_clean()
        assert field in excinfo.value.message_dict


# The editor's form of a citation (articles.citations.to_editor and the editor's element).


def test_cited_ids_are_found_in_the_editors_element_and_in_markers_alike():
    assert cited_source_ids('<p>A<span data-cite="7" data-label="X">[cite:7]</span> B[cite:3]</p>') == [7, 3]
    # A fragment an extension wrote without the marker inside is still found.
    assert cited_source_ids('<p>A <span class="x" data-cite="9"></span></p>') == [9]


def test_markers_go_to_the_editor_as_elements_with_short_titles_and_come_back_as_markers():
    stored = '<p>A [cite:3] b [cite: 4].</p><p><img src="https://example.com/a.png" alt="[cite:3]"></p>'
    shown = to_editor(stored, {3: "Smith & Jones 2020"})

    assert shown == (
        '<p>A <span data-cite="3" data-label="Smith &amp; Jones 2020">[cite:3]</span> b '
        '<span data-cite="4" data-label="">[cite:4]</span>.</p>'
        '<p><img src="https://example.com/a.png" alt="[cite:3]"></p>'
    )
    assert to_editor(shown, {3: "Smith & Jones 2020"}) == shown  # a form shown again
    assert sanitize_html(shown) == sanitize_html(stored.replace("[cite: 4]", "[cite:4]"))


@pytest.mark.django_db
def test_a_short_title_is_the_first_author_and_year_else_the_start_of_the_title():
    assert short_title(SourceFactory.build(authors="Kryst J, Kawalec P", year=2020)) == "Kryst et al. 2020"
    assert short_title(SourceFactory.build(authors="Kryst J", year=2020)) == "Kryst 2020"
    long_title = "Ketamine for treatment-resistant depression: a systematic review"
    assert short_title(SourceFactory.build(authors="", year=None, title=long_title)) == (
        "Ketamine for treatment-resistant depres\u2026"
    )
