"""Public article pages: what readers see, and what they must never see."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, SiteSettings
from tests.factories import ArticleFactory, CitationFactory, RelatedArticleFactory

pytestmark = pytest.mark.django_db


def detail_url(article):
    return reverse("articles:detail", kwargs={"slug": article.slug})


@pytest.fixture
def previewer(client):
    user = User.objects.create_user("editor", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(user)
    return user


class TestHomePage:
    def test_lists_published_articles_newest_first_under_the_seed_heading(self, client):
        older = ArticleFactory(title="Older", published_at=timezone.now() - timedelta(days=5))
        newer = ArticleFactory(title="Newer", published_at=timezone.now() - timedelta(days=1))
        html = client.get(reverse("articles:list")).content.decode()
        assert "The Latest From Isha Health" in html
        assert html.index(newer.title) < html.index(older.title)

    def test_never_lists_drafts_archived_or_scheduled_articles(self, client):
        ArticleFactory(title="Visible one")
        ArticleFactory(title="Draft one", draft=True)
        ArticleFactory(title="Archived one", archived=True)
        ArticleFactory(title="Scheduled one", scheduled=True)
        html = client.get(reverse("articles:list")).content.decode()
        assert "Visible one" in html
        for hidden in ("Draft one", "Archived one", "Scheduled one"):
            assert hidden not in html

    def test_is_paginated(self, client, settings):
        settings.ARTICLES_PER_PAGE = 2
        ArticleFactory.create_batch(3)
        first = client.get(reverse("articles:list"))
        assert len(first.context["articles"]) == 2
        assert 'rel="next"' in first.content.decode()
        second = client.get(reverse("articles:list"), {"page": 2})
        assert len(second.context["articles"]) == 1

    def test_a_page_past_the_end_is_404(self, client):
        ArticleFactory()
        assert client.get(reverse("articles:list"), {"page": 9}).status_code == 404

    def test_query_count_does_not_grow_with_the_number_of_articles(
        self, client, django_assert_max_num_queries
    ):
        ArticleFactory.create_batch(8)
        # What a process reads once (the site settings, the next scheduled change) is read.
        client.get(reverse("articles:list"))
        # The articles, their count, the latest review date and the footer's standalone pages.
        with django_assert_max_num_queries(4):
            client.get(reverse("articles:list"))


class TestArticlePage:
    def test_shows_the_parts_in_the_seed_pages_order(self, client):
        article = ArticleFactory(
            title="Is It Safe?",
            summary="A short answer.",
            body="<p>Intro.</p><h2>Section A</h2><p>Text.</p>",
            published_on=timezone.datetime(2022, 5, 1).date(),
            updated_on=timezone.datetime(2023, 1, 26).date(),
            author__name="Isha Team",
        )
        CitationFactory(
            article=article,
            source__citation_text="Cited work.",
            source__doi="10.1111/acem.13755",
            source__pmid="30901130",
        )
        related = ArticleFactory(title="Related read")
        RelatedArticleFactory(from_article=article, to_article=related)
        ArticleFactory(title="Another article")
        html = client.get(detail_url(article)).content.decode()
        main = html[html.index("<main") :]

        order = [
            '<h1 class="article__title">Is It Safe?</h1>',
            "A short answer.",
            "Written by",
            "Isha Team",
            "May 1, 2022",
            "January 26, 2023",
            '<h2 id="section-a">Section A</h2>',
            "Cited work.",
            "Learn More",
            "Sign up for the Isha Health newsletter",
            "Related read",
            "The Latest From Isha Health",
        ]
        positions = [main.index(part) for part in order]
        assert positions == sorted(positions)
        assert html.count("<h1") == 1

    def test_links_dois_to_doi_org_and_pmids_to_pubmed(self, client):
        article = ArticleFactory()
        CitationFactory(article=article, source__doi="10.1111/acem.13755", source__pmid="30901130")
        html = client.get(detail_url(article)).content.decode()
        assert 'href="https://doi.org/10.1111/acem.13755"' in html
        assert 'href="https://pubmed.ncbi.nlm.nih.gov/30901130/"' in html

    @pytest.mark.parametrize("trait", ["draft", "archived", "scheduled"])
    def test_unpublished_articles_are_404_for_the_public(self, client, trait):
        article = ArticleFactory(**{trait: True})
        assert client.get(detail_url(article)).status_code == 404

    @pytest.mark.parametrize("trait", ["draft", "archived", "scheduled"])
    def test_staff_who_can_edit_preview_unpublished_articles_with_a_banner(self, client, previewer, trait):
        article = ArticleFactory(**{trait: True})
        response = client.get(detail_url(article))
        assert response.status_code == 200
        assert "Preview: not published" in response.content.decode()

    def test_staff_without_the_change_permission_cannot_preview(self, client):
        client.force_login(User.objects.create_user("viewer", password="x", is_staff=True))
        assert client.get(detail_url(ArticleFactory(draft=True))).status_code == 404

    def test_published_articles_show_no_preview_banner_to_staff(self, client, previewer):
        assert "Preview: not published" not in client.get(detail_url(ArticleFactory())).content.decode()

    def test_related_and_latest_lists_never_show_unpublished_articles(self, client):
        article = ArticleFactory()
        for trait in ("draft", "archived", "scheduled"):
            hidden = ArticleFactory(title=f"Hidden {trait}", **{trait: True})
            RelatedArticleFactory(from_article=article, to_article=hidden)
        html = client.get(detail_url(article)).content.decode()
        assert "Hidden" not in html

    def test_related_articles_keep_the_editors_order(self, client):
        article = ArticleFactory()
        second, first = ArticleFactory(title="Second pick"), ArticleFactory(title="First pick")
        RelatedArticleFactory(from_article=article, to_article=second, position=2)
        RelatedArticleFactory(from_article=article, to_article=first, position=1)
        html = client.get(detail_url(article)).content.decode()
        assert html.index("First pick") < html.index("Second pick")

    def test_learn_more_uses_the_site_wide_link_unless_the_article_overrides_it(self, client):
        settings_row = SiteSettings.load()
        settings_row.learn_more_url = "https://example.org/site-wide"
        settings_row.save()
        plain = ArticleFactory()
        custom = ArticleFactory(learn_more_url="https://example.org/custom")
        assert 'href="https://example.org/site-wide"' in client.get(detail_url(plain)).content.decode()
        custom_html = client.get(detail_url(custom)).content.decode()
        assert 'href="https://example.org/custom"' in custom_html
        assert "site-wide" not in custom_html

    def test_hero_image_keeps_its_alt_text(self, client, tmp_path):
        from django.core.files.base import ContentFile

        from articles.demo import demo_image
        from articles.derived import refresh_derived_data

        article = ArticleFactory(hero_image_alt="A calm waiting room")
        article.hero_image.save("hero.jpg", ContentFile(demo_image(160, 90, 0)))
        refresh_derived_data(article)  # what articles.publishing does once a save commits
        html = client.get(detail_url(article)).content.decode()
        assert 'alt="A calm waiting room"' in html
        assert 'width="160" height="90"' in html

    def test_body_markup_is_rendered_but_title_markup_is_escaped(self, client):
        article = ArticleFactory(title="<script>alert(1)</script>", body="<p><strong>Bold</strong></p>")
        html = client.get(detail_url(article)).content.decode()
        assert "<strong>Bold</strong>" in html
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    def test_query_count_does_not_grow_with_references_or_related_articles(
        self, client, django_assert_max_num_queries
    ):
        article = ArticleFactory()
        for _ in range(6):
            CitationFactory(article=article)
            RelatedArticleFactory(from_article=article)
        client.get(detail_url(article))  # what a process reads once is read
        with django_assert_max_num_queries(9):  # 8, and the footer's standalone pages
            client.get(detail_url(article))


def test_unknown_pages_get_the_styled_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_published_queryset_is_the_one_rule_for_visibility():
    visible = ArticleFactory()
    ArticleFactory(draft=True)
    ArticleFactory(archived=True)
    ArticleFactory(scheduled=True)
    assert list(Article.objects.published()) == [visible]
    assert visible.is_published


def test_the_latest_list_does_not_repeat_the_related_articles(client):
    article = ArticleFactory()
    picked = ArticleFactory(title="Picked")
    RelatedArticleFactory(from_article=article, to_article=picked)
    ArticleFactory(title="Other")
    html = client.get(detail_url(article)).content.decode()
    assert html.count("Picked</a>") == 1
    assert "Other</a>" in html
