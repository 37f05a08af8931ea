"""Webflow rich text: empty paragraphs dropped, trailing citations lifted into references."""

from articles.webflow.richtext import clean_body


class TestBody:
    def test_several_trailing_citations_are_lifted_in_order(self):
        body = (
            "<p>Text citing doi 10.1000/mid.1 in passing.</p><h2>References</h2>"
            "<p>First. doi: 10.1000/one.</p><p>&#8205;</p>"
            '<p>Second. <a href="https://pubmed.ncbi.nlm.nih.gov/123/">PMID: 123</a></p>\n'
        )

        cleaned, citations = clean_body(body)

        assert cleaned == "<p>Text citing doi 10.1000/mid.1 in passing.</p>"
        assert [(c.citation, c.doi, c.pmid, c.url) for c in citations] == [
            ("First. doi: 10.1000/one.", "10.1000/one", "", ""),
            ("Second. PMID: 123", "", "123", "https://pubmed.ncbi.nlm.nih.gov/123/"),
        ]

    def test_zero_width_paragraphs_go_and_a_plain_last_paragraph_stays(self):
        cleaned, citations = clean_body("<p>One.</p><p> \u200d&nbsp;</p><p>Two.</p>")
        assert (cleaned, citations) == ("<p>One.</p><p>Two.</p>", ())
