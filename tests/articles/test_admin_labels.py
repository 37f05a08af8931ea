"""Every control on the article's admin page has a label (WCAG 2.2 SC 1.3.1 and 4.1.2),
the admin loads its site-wide accessibility fixes, and the body editor gets the page's
CSP nonce. Chromium proves the result in tests/browser/test_admin_accessibility.py; these
check the HTML the admin sends."""

import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from articles.models import UpdateNote
from tests.factories import ArticleFactory, CitationFactory

pytestmark = pytest.mark.django_db


class Controls(HTMLParser):
    """The page's ``<label for>`` targets and its form controls' attributes by id."""

    def __init__(self):
        super().__init__()
        self.labelled, self.controls = set(), {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("id"):
            self.controls[attrs["id"]] = attrs

    @classmethod
    def of(cls, response):
        parser = cls()
        parser.feed(response.text)
        return parser


def test_the_image_inputs_have_labels_and_table_rows_name_their_cells(publisher_client):
    article = ArticleFactory(draft=True)
    CitationFactory(article=article)
    UpdateNote.objects.create(article=article, date="2026-01-02", text="Updated.")

    page = Controls.of(publisher_client.get(reverse("admin:articles_article_change", args=[article.pk])))

    assert {"id_hero_image", "id_thumbnail"} <= page.labelled
    assert page.controls["id_citations-0-position"]["aria-label"] == "Position"
    assert page.controls["id_citations-0-DELETE"]["aria-label"] == "Delete"
    assert page.controls["id_update_notes-0-text"]["aria-label"] == "Note"
    assert page.controls["id_update_notes-0-date"]["aria-label"] == "Date"


def test_an_author_photo_input_has_a_label(editor_client):
    page = Controls.of(editor_client.get(reverse("admin:articles_author_add")))

    assert "id_photo" in page.labelled


def test_every_admin_page_loads_the_admin_wide_fixes(editor_client):
    html = editor_client.get(reverse("admin:index")).text

    assert '<link rel="stylesheet" href="/static/isha/admin.css">' in html
    assert '<script src="/static/isha/admin.js" defer nonce="' in html


def test_the_body_editor_loads_the_extension_giving_its_style_the_csp_nonce(editor_client):
    page = Controls.of(editor_client.get(reverse("admin:articles_article_add")))

    config = json.loads(page.controls["id_body"]["data-django-prose-editor-configurable"])
    assert {"StyleNonce", "FieldLabel"} <= config["extensions"].keys()
    assert "/static/articles/admin/editor-csp-label.js" in config["js_modules"]
