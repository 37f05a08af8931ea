"""What a doubting reader sees: who reviewed a page, when it changed, and its sources."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import SiteSettings, UpdateNote
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CitationFactory,
    RelatedArticleFactory,
    ReviewerFactory,
    SourceFactory,
    TopicFactory,
    record_sign_off,
)

pytestmark = pytest.mark.django_db


def page(client, article):
    return client.get(article.get_absolute_url()).content.decode()


class TestSources:
    def test_markers_become_numbered_superscripts_linking_to_the_sources_list_and_back(self, client):
        article = ArticleFactory(body="")
        first = SourceFactory(citation_text="Attached only.")
        second = SourceFactory(citation_text="Cited in the body.", doi="10.1111/acem.13755", pmid="30901130")
        CitationFactory(article=article, source=first, position=0)
        CitationFactory(article=article, source=second, position=1)
        article.body = f"<p>A claim.[cite:{second.pk}]</p>"
        article.save()

        html = page(client, article)
        assert (
            '<sup class="citation"><a id="cite-1-1" href="#source-1" aria-label="Source 1">1</a></sup>'
            in html
        )
        sources = html[html.index('id="sources-heading"') :]
        assert sources.index("Cited in the body.") < sources.index("Attached only.")
        assert '<li id="source-1" value="1">' in sources
        assert 'href="#cite-1-1"' in sources
        assert 'href="https://doi.org/10.1111/acem.13755"' in sources
        assert 'href="https://pubmed.ncbi.nlm.nih.gov/30901130/"' in sources

    def test_complete_sources_read_in_nlm_style_with_their_evidence_type(self, client):
        article = ArticleFactory()
        CitationFactory(
            article=article,
            source=SourceFactory(
                citation_text="as written",
                authors="Doe J",
                title="A trial",
                journal="J Test",
                year=2020,
                volume="1",
                issue="2",
                pages="3-4",
                evidence_type="randomised_trial",
            ),
        )
        html = page(client, article)
        assert "Doe J. A trial. J Test. 2020;1(2):3-4." in html
        assert "Randomised trial" in html
        assert "as written" not in html

    def test_the_imported_seed_article_shows_its_source_with_doi_and_pubmed_links(self, client, settings):
        from pathlib import Path

        from django.core.management import call_command

        export = Path(settings.BASE_DIR).parent / "shared" / "real-input" / "webflow"
        if not export.exists():
            pytest.skip(f"the real Webflow export is not at {export}")
        call_command("import_webflow", str(export), stdout=io.StringIO(), stderr=io.StringIO())
        html = client.get(
            reverse("articles:detail", kwargs={"slug": "is-ketamine-addictive"})
        ).content.decode()
        sources = html[html.index('id="sources-heading"') :]
        assert '<li id="source-1" value="1">' in sources
        assert "Lumanauw DD, Youn S" in sources
        assert 'href="https://doi.org/10.1111/acem.13755"' in sources
        assert 'href="https://pubmed.ncbi.nlm.nih.gov/30901130/"' in sources


class TestReviewAndDates:
    def test_a_reviewed_article_names_its_reviewer_and_the_review_date(self, client):
        reviewer = ReviewerFactory(name="Dana Lee", credentials="MD")
        article = ArticleFactory()
        record_sign_off(article, reviewer, when=timezone.now().replace(year=2025, month=3, day=4))
        html = page(client, article)
        assert "Medically reviewed by" in html and "Dana Lee, MD" in html
        assert "Last medically reviewed" in html and "March 4, 2025" in html
        assert "changed since that review" not in html

    def test_changing_the_body_after_the_review_says_so_on_the_page(self, client):
        article = ArticleFactory()
        record_sign_off(article, ReviewerFactory())
        assert not article.review_outdated
        article.body = "<p>Rewritten.</p>"
        article.save()
        assert article.review_outdated
        assert "This article has changed since that review" in page(client, article)

    def test_an_unreviewed_article_says_so(self, client):
        assert "not yet been medically reviewed" in page(client, ArticleFactory())

    def test_review_due_lists_unreviewed_outdated_and_old_reviews(self):
        from articles.models import Article

        never = ArticleFactory()
        fresh = ArticleFactory()
        record_sign_off(fresh, ReviewerFactory())
        outdated = ArticleFactory()
        record_sign_off(outdated, ReviewerFactory())
        outdated.body = "<p>new</p>"
        outdated.save()
        old = ArticleFactory()
        record_sign_off(old, ReviewerFactory(), when=timezone.now() - timedelta(days=400))
        assert set(Article.objects.review_due(12)) == {never, outdated, old}

    def test_update_notes_show_as_change_history_with_corrections_marked(self, client):
        article = ArticleFactory()
        UpdateNote.objects.create(article=article, text="Added a 2024 study.")
        UpdateNote.objects.create(article=article, text="Fixed a dose.", is_correction=True)
        html = page(client, article)
        assert "Change history" in html and "Added a 2024 study." in html
        assert "<strong>Correction:</strong> Fixed a dose." in html

    def test_the_site_wide_disclosure_is_on_every_article_and_editable(self, client):
        settings_row = SiteSettings.load()
        settings_row.disclosure = "We provide this treatment."
        settings_row.save()
        for article in ArticleFactory.create_batch(2):
            assert "We provide this treatment." in page(client, article)


class TestFindingArticles:
    def test_topic_author_and_reviewer_pages_list_only_published_articles(self, client):
        topic, author, reviewer = TopicFactory(name="Safety"), AuthorFactory(), ReviewerFactory()
        visible = ArticleFactory(title="Visible piece", author=author)
        visible.topics.add(topic)
        record_sign_off(visible, reviewer)
        for trait in ("draft", "archived", "scheduled"):
            hidden = ArticleFactory(title=f"Hidden {trait}", author=author, **{trait: True})
            hidden.topics.add(topic)
            record_sign_off(hidden, reviewer)
        for url in (topic.get_absolute_url(), author.get_absolute_url(), reviewer.get_absolute_url()):
            html = client.get(url).content.decode()
            assert "Visible piece" in html, url
            assert "Hidden" not in html, url
        assert client.get(reverse("articles:topic", kwargs={"slug": "nope"})).status_code == 404

    def test_related_articles_are_picks_first_then_filled_by_shared_topics(self, client):
        topic = TopicFactory()
        article = ArticleFactory()
        article.topics.add(topic)
        pick = ArticleFactory(title="Editor pick")
        RelatedArticleFactory(from_article=article, to_article=pick)
        same_topic = ArticleFactory(title="Same topic")
        same_topic.topics.add(topic)
        hidden = ArticleFactory(title="Draft same topic", draft=True)
        hidden.topics.add(topic)
        ArticleFactory(title="Unrelated")

        from articles.models import Article

        related = Article.objects.published().related_to(article, 3)
        assert related == [pick, same_topic]
        html = page(client, article)
        related_html = html[html.index('id="related-heading"') :]
        assert related_html.index("Editor pick") < related_html.index("Same topic")
        assert "Draft same topic" not in html

    def test_the_article_page_runs_a_fixed_number_of_queries(self, client, django_assert_max_num_queries):
        def make(n):
            article = ArticleFactory()
            record_sign_off(article, ReviewerFactory())
            for i in range(n):
                CitationFactory(article=article)
                topic = TopicFactory()
                article.topics.add(topic)
                RelatedArticleFactory(from_article=article)
                UpdateNote.objects.create(article=article, text=f"Note {i}")
            return article

        small, large = make(1), make(6)
        client.get(small.get_absolute_url())  # warm the site settings and form copy rows
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as small_queries:
            client.get(small.get_absolute_url())
        with django_assert_max_num_queries(len(small_queries)):
            client.get(large.get_absolute_url())
