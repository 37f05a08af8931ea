"""Search at /search/?q=: published articles only, best match first, polite to any query."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.search import MAX_QUERY_LENGTH, clean_query, fold, search_articles
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="full-text search (stemming, ts_headline) runs only on PostgreSQL; set DATABASE_URL",
)


def search(client, query, **params):
    return client.get(reverse("articles:search"), {"q": query, **params})


def days_ago(days):
    return timezone.now() - timedelta(days=days)


class TestCleanQuery:
    def test_removes_control_characters_and_collapses_whitespace(self):
        assert clean_query("  ketamine\x00\tdepression\x1b \n") == ("ketamine depression", False)

    def test_cuts_long_queries_and_says_so(self):
        query, was_cut = clean_query("word " * 100)
        assert was_cut
        assert len(query) <= MAX_QUERY_LENGTH

    def test_leaves_a_normal_query_alone(self):
        assert clean_query("Is ketamine addictive?") == ("Is ketamine addictive?", False)


class TestResults:
    def test_a_title_match_ranks_above_a_body_only_match(self, client):
        in_body = ArticleFactory(
            title="Treatment notes", body="<p>Notes on ketamine.</p>", published_at=days_ago(1)
        )
        in_title = ArticleFactory(title="Ketamine basics", published_at=days_ago(30))
        assert list(search_articles("ketamine")) == [in_title, in_body]
        html = search(client, "ketamine").content.decode()
        assert html.index("Ketamine basics") < html.index("Treatment notes")

    def test_finds_articles_by_summary_and_by_body(self, client):
        by_summary = ArticleFactory(summary="How esketamine nasal spray is given.")
        by_body = ArticleFactory(body="<h2>Dosing</h2><p>Infusions last forty minutes.</p>")
        ArticleFactory(title="Unrelated")
        assert list(search_articles("esketamine")) == [by_summary]
        assert list(search_articles("infusions")) == [by_body]

    def test_needs_every_word_of_the_query(self):
        both = ArticleFactory(body="<p>Ketamine for depression.</p>")
        ArticleFactory(body="<p>Ketamine for anxiety.</p>")
        assert list(search_articles("ketamine depression")) == [both]

    def test_never_returns_drafts_archived_or_scheduled_articles(self, client):
        ArticleFactory(title="Ketamine visible")
        ArticleFactory(title="Ketamine draft", draft=True)
        ArticleFactory(title="Ketamine archived", archived=True)
        ArticleFactory(title="Ketamine scheduled", scheduled=True)
        ArticleFactory(title="Ketamine in review", status=Article.Status.IN_REVIEW)
        assert [a.title for a in search_articles("ketamine")] == ["Ketamine visible"]
        html = search(client, "ketamine").content.decode()
        assert "Ketamine visible" in html
        for hidden in ("draft", "archived", "scheduled", "in review"):
            assert f"Ketamine {hidden}" not in html

    def test_announces_the_number_of_results(self, client):
        ArticleFactory.create_batch(2, summary="About ketamine.")
        html = search(client, "ketamine").content.decode()
        assert '<p role="status">2 articles found for “ketamine”.</p>' in html

    def test_pages_keep_the_query(self, client, settings):
        settings.ARTICLES_PER_PAGE = 2
        ArticleFactory.create_batch(3, summary="About ketamine.")
        first = search(client, "ketamine")
        assert len(first.context["articles"]) == 2
        assert 'href="?q=ketamine&amp;page=2"' in first.content.decode()
        second = search(client, "ketamine", page=2)
        assert len(second.context["articles"]) == 1
        assert 'href="?q=ketamine&amp;page=1"' in second.content.decode()

    def test_the_page_has_one_heading_a_labelled_search_form_and_no_index(self, client):
        html = search(client, "ketamine").content.decode()
        assert html.count("<h1") == 1
        assert 'role="search"' in html
        assert '<label class="form-label" for="search-q">' in html
        assert 'value="ketamine"' in html
        assert '<meta name="robots" content="noindex">' in html
        assert "<title>Search results for “ketamine” · Isha Health</title>" in html

    def test_query_count_does_not_grow_with_the_number_of_results(
        self, client, settings, django_assert_max_num_queries
    ):
        settings.ARTICLES_PER_PAGE = 20
        ArticleFactory(summary="About ketamine.")
        client.get("/")  # the site's copy (footer, name) is then cached, as on a live site
        with django_assert_max_num_queries(2):
            assert len(search(client, "ketamine").context["articles"]) == 1
        ArticleFactory.create_batch(12, summary="About ketamine.")
        with django_assert_max_num_queries(2):
            assert len(search(client, "ketamine").context["articles"]) == 13


class TestSnippets:
    def test_marks_the_match_in_a_passage_of_the_body(self, client):
        ArticleFactory(body="<p>Many patients ask whether ketamine helps with depression.</p>")
        html = search(client, "ketamine").content.decode()
        assert "<mark>ketamine</mark>" in html

    def test_escapes_markup_written_as_text_in_the_article(self, client):
        # Sanitised bodies keep typed markup as escaped text; it must stay text.
        ArticleFactory(body="<p>Ketamine and &lt;script&gt;alert(1)&lt;/script&gt; &amp; more.</p>")
        response = search(client, "ketamine")
        snippet = response.context["articles"][0].snippet
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in snippet
        assert "<script>alert" not in response.content.decode()

    def test_shows_text_not_tags(self, client):
        ArticleFactory(body='<h2 id="x">Dosing</h2><p>Ketamine <strong>infusions</strong>.</p>')
        snippet = search(client, "ketamine").context["articles"][0].snippet
        assert "<strong>" not in snippet and "&lt;strong" not in snippet
        assert "Dosing" in snippet and "infusions" in snippet

    def test_escapes_markup_typed_in_the_query(self, client):
        ArticleFactory(title="Ketamine basics")
        html = search(client, "<script>alert(1)</script> ketamine").content.decode()
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; ketamine" in html


class TestPoliteAnswers:
    def test_an_empty_query_invites_a_search_without_touching_the_database(
        self, client, django_assert_num_queries
    ):
        ArticleFactory(title="Ketamine basics")
        client.get("/")  # the site's copy (footer, name) is then cached, as on a live site
        with django_assert_num_queries(0):
            response = client.get(reverse("articles:search"))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Type a word or two" in html
        assert "Ketamine basics" not in html
        assert '<meta name="robots"' not in html

    @pytest.mark.parametrize(
        "query",
        [
            '"',
            "-",
            "&&&",
            "OR",
            "!!! ((( :* ",
            "'; DROP TABLE articles_article; --",
            '" OR 1=1 --',
            "%_%",
            "\\",
            "a",
            "the",
        ],
    )
    def test_absurd_queries_answer_no_results_politely(self, client, query):
        ArticleFactory(title="Some article", body="<p>Text with &quot;quotes&quot; - and &amp; signs.</p>")
        response = search(client, query)
        assert response.status_code == 200
        html = response.content.decode()
        polite = ("No articles match", "There are no words to search for", "Type a word or two")
        assert any(answer in html for answer in polite)
        assert "Some article" not in html
        assert Article.objects.count() == 1

    @pytest.mark.parametrize("query", ["\x00", "ketamine\x00depression"])
    def test_a_query_with_a_nul_character_is_a_bad_request_not_an_error(self, client, query):
        # No keyboard types NUL; PostgreSQL refuses it in text, so it is refused before any query.
        ArticleFactory(title="Some article")
        response = search(client, query)
        assert response.status_code == 400
        assert "Some article" not in response.content.decode()

    def test_a_very_long_query_is_cut_and_the_reader_told(self, client):
        ArticleFactory(title="Ketamine basics")
        response = search(client, "ketamine " + "x" * 5000)
        assert response.status_code == 200
        assert response.context["query"] == ("ketamine " + "x" * 5000)[:MAX_QUERY_LENGTH]
        assert "Your search was long" in response.content.decode()

    def test_a_page_past_the_end_is_404(self, client):
        ArticleFactory(title="Ketamine basics")
        assert search(client, "ketamine", page=9).status_code == 404


@on_postgresql
class TestFullTextSearch:
    def test_stemming_finds_other_forms_of_a_word(self):
        addictive = ArticleFactory(title="Is ketamine addictive?", published_at=days_ago(2))
        addicted = ArticleFactory(
            body="<p>People who were addicted to alcohol.</p>", published_at=days_ago(1)
        )
        ArticleFactory(title="Unrelated")
        assert list(search_articles("addiction")) == [addictive, addicted]

    def test_highlights_the_stemmed_match_in_the_snippet(self, client):
        ArticleFactory(body="<p>Ketamine is not considered addictive at clinical doses.</p>")
        response = search(client, "addiction")
        assert "<mark>addictive</mark>" in response.content.decode()

    def test_understands_web_search_syntax(self):
        depression = ArticleFactory(body="<p>Ketamine for treatment-resistant depression.</p>")
        ArticleFactory(body="<p>Ketamine for anxiety.</p>")
        assert list(search_articles("ketamine -anxiety")) == [depression]
        assert list(search_articles('"resistant depression"')) == [depression]

    def test_a_summary_match_ranks_above_a_body_only_match(self):
        in_body = ArticleFactory(body="<p>A note on infusions.</p>", published_at=days_ago(1))
        in_summary = ArticleFactory(summary="What infusions are like.", published_at=days_ago(30))
        assert list(search_articles("infusion")) == [in_summary, in_body]


MENIERE_TYPED = "Ménière"
MENIERE_DECOMPOSED = "Me\u0301nie\u0300re"


class TestAccentsAndUnicodeForms:
    """On PostgreSQL (unaccent) and SQLite (the fold function) alike."""

    @pytest.mark.parametrize("stored", [MENIERE_TYPED, MENIERE_DECOMPOSED, "Meniere"])
    def test_a_word_is_found_whatever_its_accents_or_unicode_form(self, stored):
        article = ArticleFactory(title=f"Ketamine and {stored}'s disease", body=f"<p>{stored} symptoms.</p>")
        ArticleFactory(title="Unrelated")

        for query in ("Meniere", "meniere", MENIERE_TYPED, MENIERE_DECOMPOSED, "MÉNIÈRE"):
            assert list(search_articles(query)) == [article], query

    def test_what_is_stored_is_in_normalization_form_c(self):
        article = ArticleFactory(
            title=MENIERE_DECOMPOSED, summary=MENIERE_DECOMPOSED, body=f"<p>{MENIERE_DECOMPOSED}</p>"
        )
        article.refresh_from_db()
        assert article.title == article.summary == MENIERE_TYPED
        assert article.body == f"<p>{MENIERE_TYPED}</p>"

    def test_the_snippet_marks_the_accented_word_found_without_accents(self, client):
        ArticleFactory(title="Inner ear", body="<p>People with Ménière's disease describe vertigo.</p>")
        html = search(client, "meniere").content.decode()
        assert "<mark>Ménière" in html

    def test_the_fold_drops_accents_and_case_and_compatibility_forms(self):
        assert fold("Ménière ÉCOLE ﬁne Straße") == "meniere ecole fine strasse"
