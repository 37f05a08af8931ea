"""The HTML allow-list applies however an article is saved."""

import pytest

from articles.models import Article
from articles.sanitize import sanitize_html
from tests.factories import ArticleFactory, AuthorFactory, ReviewerFactory, record_sign_off

HOSTILE = (
    '<p onclick="steal()">Hi<script>alert(1)</script></p>'
    '<img src="x.jpg" alt="x" onerror="alert(2)">'
    '<a href="javascript:alert(3)">js</a>'
    '<a href="data:text/html,boom">data</a>'
    '<p style="position:fixed">styled</p>'
    '<iframe src="https://evil.example"></iframe><marquee>old</marquee>'
)


def assert_clean(html):
    lowered = html.lower()
    for bad in (
        "<script",
        "alert(1)",
        "onclick",
        "onerror",
        "javascript:",
        "data:",
        "style=",
        "<iframe",
        "<marquee",
    ):
        assert bad not in lowered, bad


def test_sanitize_removes_scripts_handlers_styles_and_dangerous_urls():
    cleaned = sanitize_html(HOSTILE)
    assert_clean(cleaned)
    assert "<p>Hi</p>" in cleaned
    assert "styled" in cleaned and "old" in cleaned


def test_sanitize_keeps_the_allowed_structure():
    html = (
        "<h2>Title</h2><h3>Sub</h3><p><strong>b</strong> <em>i</em> "
        '<a href="https://example.org/">link</a></p><ul><li>one</li></ul><ol><li>two</li></ol>'
        '<blockquote>quote</blockquote><figure><img src="/media/a.jpg" alt="An image"></figure>'
    )
    cleaned = sanitize_html(html)
    for part in (
        "<h2>Title</h2>",
        "<h3>Sub</h3>",
        "<strong>b</strong>",
        "<em>i</em>",
        "<ul><li>one</li></ul>",
        "<ol><li>two</li></ol>",
        "<blockquote>quote</blockquote>",
        'alt="An image"',
        'href="https://example.org/"',
    ):
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
@pytest.mark.parametrize("factory", [AuthorFactory, ReviewerFactory], ids=["author", "reviewer"])
def test_a_hostile_bio_is_stored_clean_and_never_reaches_the_public_page(client, factory):
    # The author and reviewer pages render the bio as HTML: save() cleans it (and the page
    # cleans it again, tests/articles/test_reader_html.py).
    person = factory(bio=HOSTILE)
    person.refresh_from_db()
    assert_clean(person.bio)
    # Their pages exist only while they list a published article.
    if factory is AuthorFactory:
        ArticleFactory(author=person)
    else:
        record_sign_off(ArticleFactory(), person)

    page = client.get(person.get_absolute_url())

    html = page.content.decode()
    assert page.status_code == 200
    assert "Hi" in html and "styled" in html  # the bio is on the page
    for bad in ("alert(1)", "steal()", "onerror", "javascript:alert(3)", "data:text/html", "evil.example"):
        assert bad not in html


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
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
            "update_notes-TOTAL_FORMS": "0",
            "update_notes-INITIAL_FORMS": "0",
            "related_links-TOTAL_FORMS": "0",
            "related_links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_clean(Article.objects.get(slug="hostile").body)


def test_role_survives_only_as_the_decorative_mark_on_images():
    cleaned = sanitize_html(
        '<img src="a.jpg" alt="" role="presentation"><img src="b.jpg" alt="b" role="button">'
    )
    assert '<img src="a.jpg" alt="" role="presentation">' in cleaned
    assert 'role="button"' not in cleaned


def test_an_uploaded_hero_image_gets_renditions_on_its_first_save(
    publisher, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from articles import publishing
    from articles.demo import demo_image

    article = ArticleFactory.build(author=AuthorFactory(), hero_image_alt="A garden")
    article.hero_image = SimpleUploadedFile("fresh.jpg", demo_image(900, 450, 0))
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(article=article, actor=publisher)
    article.refresh_from_db()
    assert article.hero_renditions["width"] == 900
    assert [s["width"] for s in article.hero_renditions["sources"]] == [480, 800, 900]


def test_inline_images_need_alt_unless_marked_decorative():
    from articles.forms import images_without_alt

    html = '<img src="a.jpg" alt=""><img src="b.jpg" alt="" role="presentation"><img src="c.jpg" alt="C">'
    assert images_without_alt(html) == ["a.jpg"]


@pytest.mark.django_db
def test_control_characters_pasted_into_a_title_or_summary_are_dropped_on_save():
    article = ArticleFactory(title="Ket\x01amine\x0b", summary="Sum\x1bmary\tok")
    article.refresh_from_db()
    assert (article.title, article.summary) == ("Ketamine", "Summary\tok")
