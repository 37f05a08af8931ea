"""The HTML allow-list applies however an article is saved."""

import pytest

from articles.models import Article
from articles.sanitize import sanitize_html
from tests.factories import ArticleFactory, AuthorFactory

HOSTILE = (
    '<p onclick="steal()">Hi<script>alert(1)</script></p>'
    '<img src="x.jpg" alt="x" onerror="alert(2)">'
    '<a href="javascript:alert(3)">js</a>'
    '<a href="data:text/html,boom">data</a>'
    '<p style="position:fixed">styled</p>'
    "<iframe src=\"https://evil.example\"></iframe><marquee>old</marquee>"
)


def assert_clean(html):
    lowered = html.lower()
    for bad in ("<script", "alert(1)", "onclick", "onerror", "javascript:", "data:", "style=", "<iframe", "<marquee"):
        assert bad not in lowered, bad


def test_sanitize_removes_scripts_handlers_styles_and_dangerous_urls():
    cleaned = sanitize_html(HOSTILE)
    assert_clean(cleaned)
    assert "<p>Hi</p>" in cleaned
    assert "styled" in cleaned and "old" in cleaned


def test_sanitize_keeps_the_allowed_structure():
    html = (
        '<h2>Title</h2><h3>Sub</h3><p><strong>b</strong> <em>i</em> '
        '<a href="https://example.org/">link</a></p><ul><li>one</li></ul><ol><li>two</li></ol>'
        '<blockquote>quote</blockquote><figure><img src="/media/a.jpg" alt="An image"></figure>'
    )
    cleaned = sanitize_html(html)
    for part in ("<h2>Title</h2>", "<h3>Sub</h3>", "<strong>b</strong>", "<em>i</em>", "<ul><li>one</li></ul>",
                 "<ol><li>two</li></ol>", "<blockquote>quote</blockquote>", 'alt="An image"',
                 'href="https://example.org/"'):
        assert part in cleaned


def test_sanitize_is_idempotent():
    once = sanitize_html(HOSTILE)
    assert sanitize_html(once) == once


@pytest.mark.django_db
def test_a_hostile_body_saved_through_the_orm_comes_out_clean():
    article = ArticleFactory(body=HOSTILE)
    article.refresh_from_db()
    assert_clean(article.body)


@pytest.mark.django_db
def test_a_hostile_author_bio_is_cleaned_too():
    author = AuthorFactory(bio=HOSTILE)
    author.refresh_from_db()
    assert_clean(author.bio)


@pytest.mark.django_db
def test_a_hostile_body_saved_through_the_admin_comes_out_clean(admin_client):
    author = AuthorFactory()
    response = admin_client.post(
        "/admin/articles/article/add/",
        {
            "title": "Hostile",
            "slug": "hostile",
            "summary": "",
            "author": author.pk,
            "body": HOSTILE,
            "status": "draft",
            "references-TOTAL_FORMS": "0",
            "references-INITIAL_FORMS": "0",
            "related_links-TOTAL_FORMS": "0",
            "related_links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_clean(Article.objects.get(slug="hostile").body)
