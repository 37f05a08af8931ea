"""Slugs are readable, unique and never empty, whatever the title's script."""

import pytest

from articles.slugs import slug_base
from tests.factories import ArticleFactory


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Is Ketamine Addictive?", "is-ketamine-addictive"),
        ("Кетамин и депрессия", "ketamin-i-depressiya"),
        ("Café & Crème", "cafe-creme"),
        ("2024", "article-2024"),
        ("!!!", "article"),
        ("", "article"),
    ],
)
def test_slug_base(title, expected):
    assert slug_base(title) == expected


def test_japanese_titles_get_a_usable_ascii_slug():
    slug = slug_base("ケタミンとうつ病")
    assert slug and slug.isascii() and not slug.replace("-", "").isdigit()


@pytest.mark.django_db
def test_an_empty_slug_is_filled_from_the_title_and_collisions_get_a_suffix():
    first = ArticleFactory(title="Кетамин", slug="")
    second = ArticleFactory(title="Кетамин", slug="")
    third = ArticleFactory(title="Кетамин", slug="")
    assert (first.slug, second.slug, third.slug) == ("ketamin", "ketamin-2", "ketamin-3")


@pytest.mark.django_db
def test_an_edited_slug_is_kept():
    article = ArticleFactory(title="Title", slug="chosen-by-editor")
    article.save()
    assert article.slug == "chosen-by-editor"
