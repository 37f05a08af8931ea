"""The article admin form: rich text, checked images, stale saves, history, list and preview."""

from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_prose_editor.widgets import AdminProseEditorWidget
from PIL import Image

from articles import publishing
from articles.forms import ArticleAdminForm
from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, image_bytes, png_header_only

from .admin_support import ADD_URL, change_url, error_text, form_data, staff_in

pytestmark = pytest.mark.django_db


def add_form_data(client, **changes):
    author = AuthorFactory()
    response = client.get(reverse(ADD_URL))
    assert response.status_code == 200
    data = {"title": "A new article", "slug": "a-new-article", "author": str(author.pk), "status": "draft"}
    data.update(changes)
    return form_data(response, **data)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# Writing


def test_the_body_is_edited_with_the_prose_editor_and_its_assets_come_from_the_wheel(editor_client):
    response = editor_client.get(reverse(ADD_URL))

    widget = response.context["adminform"].form.fields["body"].widget
    assert isinstance(widget, AdminProseEditorWidget)
    assert widget.get_config()["extensions"]["Heading"] == {"levels": [2, 3, 4]}
    assert "django_prose_editor/editor.js" in response.content.decode()
    assert "cdn" not in str(response.context["media"]).lower()


def test_a_hostile_body_saved_through_the_admin_form_comes_out_clean(editor_client):
    hostile = (
        '<h2 onclick="steal()">Heading</h2><script>alert(1)</script>'
        '<p style="color:red">Text <a href="javascript:alert(1)">link</a></p>'
        '<img src="x.jpg" alt="A chart" onerror="steal()"><iframe src="https://evil.example"></iframe>'
    )
    response = editor_client.post(reverse(ADD_URL), add_form_data(editor_client, body=hostile))

    assert response.status_code == 302, error_text(response)
    body = Article.objects.get(slug="a-new-article").body
    for bad in ("<script", "onclick", "onerror", "style=", "javascript:", "<iframe"):
        assert bad not in body
    assert "<h2>Heading</h2>" in body and 'alt="A chart"' in body


def test_an_inline_image_without_alt_text_is_refused(editor_client):
    body = '<p>Intro</p><img src="/media/chart.png"><img src="/b.png" alt="  ">'
    response = editor_client.post(reverse(ADD_URL), add_form_data(editor_client, body=body))

    assert response.status_code == 200
    assert "Every image in the body needs alt text" in error_text(response)
    assert "/media/chart.png" in error_text(response)
    assert not Article.objects.filter(slug="a-new-article").exists()


def test_an_inline_image_with_alt_text_is_accepted(editor_client):
    body = '<p>Intro</p><img src="/media/chart.png" alt="Cases per year">'
    response = editor_client.post(reverse(ADD_URL), add_form_data(editor_client, body=body))

    assert response.status_code == 302, error_text(response)
    assert 'alt="Cases per year"' in Article.objects.get(slug="a-new-article").body


# Images


def post_hero(client, data, name):
    fields = add_form_data(client, hero_image_alt="A description")
    fields["hero_image"] = SimpleUploadedFile(name, data, content_type="image/jpeg")
    return client.post(reverse(ADD_URL), fields)


def test_a_20000_by_20000_png_is_refused_with_a_form_error(editor_client):
    response = post_hero(editor_client, png_header_only(20_000, 20_000), "huge.png")

    assert response.status_code == 200
    assert "too large" in error_text(response)
    assert not Article.objects.exists()


def test_a_text_file_renamed_jpg_is_refused_with_a_form_error(editor_client):
    response = post_hero(editor_client, b"just some text, not a picture\n" * 10, "notes.jpg")

    assert response.status_code == 200
    assert "not a JPEG, PNG, WebP or GIF image" in error_text(response)
    assert not Article.objects.exists()


def test_a_file_over_the_size_limit_is_refused_with_a_form_error(editor_client, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 500
    response = post_hero(editor_client, image_bytes(size=(300, 300)), "big.jpg")

    assert response.status_code == 200
    assert "the limit is" in error_text(response)
    assert not Article.objects.exists()


def media_files(settings):
    """Every file under MEDIA_ROOT, as paths relative to it."""
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("size", "message"),
    [
        ((10_001, 2_000), "each side may be at most 10,000 pixels"),
        ((1_000, 10_001), "each side may be at most 10,000 pixels"),
        ((2_001, 200), "one side may be at most 10 times the other"),
        ((30, 301), "one side may be at most 10 times the other"),
    ],
)
def test_an_image_of_an_extreme_shape_is_refused_with_a_form_error_and_no_file_kept(
    editor_client, settings, size, message
):
    response = post_hero(editor_client, png_header_only(*size), "banner.png")

    assert response.status_code == 200
    assert message in error_text(response)
    assert not Article.objects.exists()
    assert media_files(settings) == []


def test_an_image_at_the_shape_limits_is_accepted(editor_client):
    response = post_hero(editor_client, image_bytes(size=(400, 40)), "wide.jpg")

    assert response.status_code == 302, error_text(response)


def test_the_shape_limits_come_from_settings(editor_client, settings):
    settings.IMAGE_MAX_SIDE, settings.IMAGE_MAX_ASPECT_RATIO = 300, 2
    assert "at most 300 pixels" in error_text(post_hero(editor_client, image_bytes(size=(301, 200)), "a.jpg"))
    assert "at most 2 times" in error_text(post_hero(editor_client, image_bytes(size=(90, 200)), "b.jpg"))
    assert not Article.objects.exists()


def test_a_refused_upload_to_a_live_article_keeps_its_image_and_adds_no_file(
    editor_client, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_hero(editor_client, image_bytes(size=(80, 40)), "first.jpg")
    article = Article.objects.get()
    kept, before = article.hero_image.name, media_files(settings)

    fields = form_data(editor_client.get(change_url(article)))
    fields["hero_image"] = SimpleUploadedFile(
        "strip.png", png_header_only(5_000, 100), content_type="image/png"
    )
    response = editor_client.post(change_url(article), fields)

    assert "one side may be at most 10 times the other" in error_text(response)
    article.refresh_from_db()
    assert article.hero_image.name == kept
    assert media_files(settings) == before


def test_a_cmyk_jpeg_is_accepted_and_stored_as_rgb(editor_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_hero(editor_client, image_bytes(mode="CMYK"), "print.jpg")

    assert response.status_code == 302, error_text(response)
    article = Article.objects.get()
    with article.hero_image.open() as handle, Image.open(handle) as stored:
        assert stored.mode == "RGB"
    assert article.hero_renditions["sources"]


def test_an_exif_rotated_jpeg_is_stored_upright_without_exif(editor_client):
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
    response = post_hero(editor_client, image_bytes(size=(40, 20), exif=exif.tobytes()), "phone.jpg")

    assert response.status_code == 302, error_text(response)
    with Article.objects.get().hero_image.open() as handle, Image.open(handle) as stored:
        assert stored.size == (20, 40)
        assert 0x0112 not in stored.getexif()


def test_a_hero_image_needs_alt_text_or_the_decorative_mark(editor_client, settings):
    fields = add_form_data(editor_client)
    fields["hero_image"] = SimpleUploadedFile("a.jpg", image_bytes(), content_type="image/jpeg")
    response = editor_client.post(reverse(ADD_URL), fields)

    assert response.status_code == 200
    assert "Describe the hero image" in error_text(response)
    assert media_files(settings) == []


# Two editors on one article


def test_a_save_from_a_stale_copy_is_refused_naming_who_changed_it(client, editor, django_user_model):
    other = staff_in("Editors", django_user_model, "olga")
    article = ArticleFactory(draft=True, title="Original", body="<p>Original body.</p>")
    client.force_login(editor)
    stale_page = client.get(change_url(article))

    client.force_login(other)
    response = client.post(
        change_url(article), form_data(client.get(change_url(article)), title="Olga's title")
    )
    assert response.status_code == 302, error_text(response)

    client.force_login(editor)
    response = client.post(
        change_url(article), form_data(stale_page, title="Edna's title", body="<p>Mine.</p>")
    )

    assert response.status_code == 200
    assert "Olga changed this article on" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Olga's title"
    assert article.body == "<p>Original body.</p>"


@pytest.mark.parametrize(("role", "live"), [("publisher", False), ("editor", True)])
def test_the_publishing_service_refuses_a_stale_admin_save_by_itself(
    client, request, monkeypatch, role, live
):
    """The form's friendly check aside, the admin hands the page's version to the service."""
    client.force_login(request.getfixturevalue(role))
    article = ArticleFactory(title="Original", draft=not live)
    stale_page = client.get(change_url(article))
    Article.objects.get(pk=article.pk).save()  # someone else's save meanwhile
    monkeypatch.setattr(ArticleAdminForm, "_refuse_stale_copy", lambda form, loaded_version: None)

    with pytest.raises(publishing.StaleArticle):
        client.post(change_url(article), form_data(stale_page, title="From the stale page"))

    stored = Article.objects.get(pk=article.pk)
    assert (stored.title, stored.pending_revision) == ("Original", None)


def test_a_save_from_a_fresh_copy_goes_through(editor_client):
    article = ArticleFactory(draft=True)
    page = editor_client.get(change_url(article))
    response = editor_client.post(change_url(article), form_data(page, title="Renamed"))

    assert response.status_code == 302, error_text(response)
    article.refresh_from_db()
    assert article.title == "Renamed"


# History, list, preview


def test_the_history_page_lists_who_changed_what_with_a_body_diff(editor_client, editor):
    article = ArticleFactory(draft=True, body="<p>First paragraph.</p><p>Second paragraph.</p>")
    page = editor_client.get(change_url(article))
    editor_client.post(
        change_url(article), form_data(page, body="<p>First paragraph.</p><p>Changed paragraph.</p>")
    )

    response = editor_client.get(reverse("admin:articles_article_history", args=[article.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Edna" in html or "edna" in html
    assert '<ul class="body-diff">' in html
    assert "<del>&lt;p&gt;Second paragraph.&lt;/p&gt;</del>" in html
    assert "<ins>&lt;p&gt;Changed paragraph.&lt;/p&gt;</ins>" in html


def test_the_article_list_runs_the_same_number_of_queries_for_more_articles(publisher_client):
    ArticleFactory.create_batch(2)
    with CaptureQueriesContext(connection) as few:
        assert publisher_client.get(reverse("admin:articles_article_changelist")).status_code == 200
    ArticleFactory.create_batch(6)
    with CaptureQueriesContext(connection) as many:
        assert publisher_client.get(reverse("admin:articles_article_changelist")).status_code == 200

    assert len(many) == len(few)


def test_the_change_form_has_a_preview_button_to_the_article_page(editor_client):
    article = ArticleFactory(draft=True)
    response = editor_client.get(change_url(article))

    assert response.context["preview_url"] == article.get_absolute_url()
    assert f'href="{article.get_absolute_url()}"' in response.content.decode()
    assert ">Preview<" in response.content.decode()


@pytest.mark.parametrize("live", [False, True])
def test_an_image_sent_with_a_refused_stale_save_leaves_no_file(
    client, editor, django_user_model, settings, live
):
    other = staff_in("Editors", django_user_model, "olga")
    article = ArticleFactory(title="Original", **({} if live else {"draft": True}))
    client.force_login(editor)
    stale_page = client.get(change_url(article))
    client.force_login(other)
    client.post(change_url(article), form_data(client.get(change_url(article)), title="Olga's title"))

    client.force_login(editor)
    fields = form_data(stale_page, hero_image_alt="A description")
    fields["hero_image"] = SimpleUploadedFile("mine.jpg", image_bytes(), content_type="image/jpeg")
    response = client.post(change_url(article), fields)

    assert "Olga changed this article on" in response.content.decode()
    assert media_files(settings) == []
