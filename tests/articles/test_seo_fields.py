"""An article's search title, meta description and social image: what the page head says,
the defaults and preview in the admin, the image checks, and pending changes on a live
article."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from articles import publishing
from articles.demo import demo_image
from articles.derived import refresh_derived_data
from tests.factories import ArticleFactory, image_bytes

from .admin_support import change_url, error_text, form_data
from .page_head import SITE, Head

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_url")]


def head_of(article):
    return Head(Client().get(article.get_absolute_url()).content.decode())


def test_the_seo_fields_lead_the_page_head_and_json_ld():
    article = ArticleFactory(
        title="Ketamine and depression",
        summary="The summary.",
        search_title="Ketamine for depression: what the evidence says",
        meta_description="What trials show about ketamine for depression.",
    )
    article.social_image.save("card.jpg", ContentFile(image_bytes(size=(120, 63))), save=True)

    head = head_of(article)

    assert head.title == "Ketamine for depression: what the evidence says · Isha Health"
    for key in ("og:title", "twitter:title"):
        assert head.one(key) == "Ketamine for depression: what the evidence says"
    for key in ("description", "og:description", "twitter:description"):
        assert head.one(key) == "What trials show about ketamine for depression."
    image_url = f"{SITE}{article.social_image.url}"
    assert head.one("og:image") == image_url == head.one("twitter:image")
    assert head.node("MedicalWebPage")["description"] == "What trials show about ketamine for depression."
    assert head.node("Article")["image"] == [{"@type": "ImageObject", "url": image_url}]
    assert head.node("Article")["headline"] == "Ketamine and depression"


def test_empty_seo_fields_fall_back_to_the_title_summary_and_hero_image():
    article = ArticleFactory(
        title="Ketamine and depression", summary="The summary.", hero_image_alt="A clinic"
    )
    article.hero_image.save("hero.jpg", ContentFile(demo_image(800, 450, 1)), save=True)
    refresh_derived_data(article)

    head = head_of(article)

    assert head.title == "Ketamine and depression · Isha Health"
    assert head.one("og:title") == "Ketamine and depression"
    assert head.one("description") == "The summary."
    assert "/articles/hero/" in head.one("og:image") or "hero" in head.one("og:image")
    assert head.one("og:image:alt") == "A clinic"


def test_the_admin_shows_the_defaults_as_placeholders_and_a_preview(publisher_client):
    article = ArticleFactory(
        title="Ketamine and depression", summary="The summary.", search_title="Search me"
    )

    html = publisher_client.get(change_url(article)).content.decode()

    assert 'placeholder="Ketamine and depression"' in html
    assert 'placeholder="The summary."' in html
    assert 'id="seo-preview"' in html and "Search me · Isha Health" in html
    assert "articles/admin/seo_preview.js" in html


def test_a_social_image_that_is_not_an_image_gets_a_form_error_and_a_good_one_is_kept(publisher_client):
    article = ArticleFactory()
    fake = SimpleUploadedFile("card.jpg", b"not an image at all", content_type="image/jpeg")
    data = form_data(publisher_client.get(change_url(article)), search_title="Kept title", social_image=fake)

    response = publisher_client.post(change_url(article), data)

    assert response.status_code == 200
    assert "social_image" in response.context["adminform"].form.errors
    assert 'value="Kept title"' in response.content.decode()

    good = SimpleUploadedFile(
        "card.png", image_bytes(size=(60, 30), image_format="PNG"), content_type="image/png"
    )
    data = form_data(publisher_client.get(change_url(article)), social_image=good)
    response = publisher_client.post(change_url(article), data)
    assert response.status_code == 302, error_text(response)
    article.refresh_from_db()
    assert article.social_image.name.startswith("articles/social/")


def test_an_editors_change_to_the_seo_fields_of_a_live_article_is_a_pending_change(
    editor_client, publisher, django_capture_on_commit_callbacks
):
    article = ArticleFactory(title="Live title")
    data = form_data(
        editor_client.get(change_url(article)),
        search_title="Pending search title",
        meta_description="Pending description.",
    )

    response = editor_client.post(change_url(article), data)

    assert response.status_code == 302, error_text(response)
    article.refresh_from_db()
    assert article.search_title == "" and article.meta_description == ""
    assert article.pending_revision["fields"]["search_title"] == "Pending search title"
    assert head_of(article).title == "Live title · Isha Health"
    # The form shows the pending values back to the editor.
    assert 'value="Pending search title"' in editor_client.get(change_url(article)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish_pending(article=article, actor=publisher)

    head = head_of(article)
    assert head.title == "Pending search title · Isha Health"
    assert head.one("description") == "Pending description."
