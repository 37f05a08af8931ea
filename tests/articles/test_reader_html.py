"""What readers get is sanitised after the site's own substitutions, whatever stored the body.

Bodies are written around every substitution the page performs: citation markers
(in text and inside attributes), heading ids for the table of contents, and by paths
that skip ``save()`` (``QuerySet.update()``, as a data migration or SQL would).
"""

from html.parser import HTMLParser

import pytest

from articles.models import Article, Author
from tests.factories import ArticleFactory, AuthorFactory, CitationFactory

pytestmark = pytest.mark.django_db


class _Tags(HTMLParser):
    """Every start tag in a page, as a browser's tokenizer reads it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def body_of(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    start = html.index('<div class="article__body prose">')
    return html[start : html.index("</div>", start)]


def tags_in(html):
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def assert_no_active_markup(html, *, whole_page=False):
    """No script-like element (in a body; a whole page has the site's own), no event
    handler or style attribute, no script URL."""
    for tag, attrs in tags_in(html):
        assert whole_page or tag not in ("script", "style", "iframe", "object", "embed", "svg")
        assert not [name for name in attrs if name.startswith("on") or name == "style"], (tag, attrs)
        for name in ("href", "src"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), (tag, attrs)


@pytest.fixture
def cited():
    """A published article with one attached source, ``cited.marker`` its marker."""
    article = ArticleFactory(body="<p>x</p>")
    source = CitationFactory(article=article, position=0).source
    article.marker = f"[cite:{source.pk}]"
    return article


def save_body(article, body):
    article.body = body
    article.save()


def test_a_marker_inside_an_image_description_stays_text_and_does_not_end_the_tag(client, cited):
    save_body(
        cited,
        f'<p><img src="https://example.com/a.png" alt="{cited.marker} x&lt;a href=javascript:alert(1)&gt;y">'
        f"A claim.{cited.marker}</p>",
    )

    body = body_of(client, cited)
    images = [attrs for tag, attrs in tags_in(body) if tag == "img"]
    assert images == [
        {"src": "https://example.com/a.png", "alt": f"{cited.marker} x<a href=javascript:alert(1)>y"}
    ]
    links = [attrs for tag, attrs in tags_in(body) if tag == "a"]
    assert links == [{"id": "cite-1-1", "href": "#source-1", "aria-label": "Source 1"}]
    assert_no_active_markup(body)


def test_a_marker_inside_a_link_title_or_address_stays_in_the_link(client, cited):
    save_body(
        cited,
        f'<p><a href="https://example.com/{cited.marker}" title="see {cited.marker} onclick=alert(1)">'
        f"more</a></p><h2>Why {cited.marker}</h2>",
    )

    body = body_of(client, cited)
    tags = tags_in(body)
    assert [tag for tag, _ in tags] == ["div", "p", "a", "h2", "sup", "a"]
    assert tags[2][1]["title"] == f"see {cited.marker} onclick=alert(1)"
    assert tags[3][1] == {"id": "why-1"}
    assert_no_active_markup(body)


def test_a_body_stored_without_save_is_sanitised_around_markers_and_headings(client, cited):
    Article.objects.filter(pk=cited.pk).update(
        body=(
            f'<h2 onclick="alert(1)">Dose</h2><p><a href="javascript:alert(1)">{cited.marker}</a>'
            f'<img src="x" onerror="alert(1)"><script>alert(1)</script>'
            f'<a href="https://example.com/" id="cite-9-9" aria-label="not a source" class="x">ok</a>'
            f'<sup class="evil">{cited.marker}</sup></p>'
        )
    )

    body = body_of(client, cited)
    assert_no_active_markup(body)
    assert "alert(1)" not in body
    assert '<h2 id="dose">Dose</h2>' in body
    assert 'href="#source-1" aria-label="Source 1">1</a></sup>' in body
    assert '<a href="https://example.com/" rel="noopener noreferrer">ok</a>' in body
    assert "<sup>" in body and 'class="evil"' not in body


def test_a_bio_stored_without_save_reaches_the_author_page_clean(client):
    author = AuthorFactory(bio="<p>Fine.</p>")
    ArticleFactory(author=author)
    Author.objects.filter(pk=author.pk).update(
        bio='<p>Fine.<a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)></p>'
    )

    html = client.get(f"/authors/{author.slug}/").content.decode()
    assert "Fine." in html
    assert "alert(1)" not in html


def test_image_names_stored_without_save_cannot_add_attributes_or_srcset_candidates(client):
    article = ArticleFactory(hero_image_alt="A description")
    name = 'articles/hero/a" onerror="alert(1), 9w.jpg'
    renditions = {
        "name": name,
        "width": 800,
        "height": 400,
        "sources": [
            {"width": 480, "webp": 'renditions/x, y" onload="alert(1).webp', "fallback": "renditions/x y.jpg"}
        ],
    }
    Article.objects.filter(pk=article.pk).update(hero_image=name, hero_renditions=renditions)

    html = client.get(article.get_absolute_url()).content.decode()
    assert_no_active_markup(html, whole_page=True)
    srcsets = [attrs["srcset"] for tag, attrs in tags_in(html) if tag == "source"]
    assert len(srcsets) == 2
    for srcset in srcsets:
        # One candidate, "URL 480w": a comma or space in a name must not make more.
        assert [len(c.split()) for c in srcset.split(", ")] == [2], srcset
        assert srcset.endswith(" 480w")


# The editor's citation element: stored as its marker whatever path stores it.


def test_the_editors_citation_element_reaches_readers_as_a_numbered_citation_only(client, cited):
    source_id = cited.marker[len("[cite:") : -1]
    element = (
        f'<span data-cite="{source_id}" data-label="Smith 2020" onclick="alert(1)">{cited.marker}</span>'
    )
    save_body(cited, f"<p>A claim.{element}</p>")

    assert cited.body == f"<p>A claim.{cited.marker}</p>"
    body = body_of(client, cited)
    assert 'aria-label="Source 1">1</a></sup>' in body
    assert "data-cite" not in body and "Smith 2020" not in body and "<span" not in body
    assert_no_active_markup(body)


def test_an_editor_element_written_by_sql_is_still_sanitised_for_readers(client, cited):
    source_id = cited.marker[len("[cite:") : -1]
    Article.objects.filter(pk=cited.pk).update(
        body=f'<p>A claim.<span data-cite="{source_id}" style="color:red">{cited.marker}</span></p>'
    )

    body = body_of(client, cited)
    assert 'aria-label="Source 1">1</a></sup>' in body
    assert "<span" not in body and "style" not in body
