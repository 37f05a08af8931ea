"""The media library: its model, the editor's upload endpoint, the admin list and the
refused deletion, the body's image checks, and what readers get."""

import itertools
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from articles.library import body_image_errors, render_library_images, store_upload
from articles.models import Article, Image
from articles.sanitize import sanitize_for_readers, sanitize_html
from tests.factories import ArticleFactory, AuthorFactory, image_bytes, png_header_only, store_pending_changes

from .admin_support import error_text, form_data

pytestmark = pytest.mark.django_db

UPLOAD_URL = reverse("admin:articles_image_upload")


_UPLOADS = itertools.count()


def upload(name="room.jpg", data=None, **kwargs):
    """A JPEG upload; each call's bytes differ (a numbered comment) unless ``data`` is given,
    as the library keeps one image per file."""
    data = data or image_bytes(size=(1000, 600), comment=f"upload {next(_UPLOADS)}".encode())
    return SimpleUploadedFile(name, data, "image/jpeg")


def stored_image(alt_text="A treatment room", **kwargs):
    return store_upload(upload(), alt_text=alt_text, **kwargs)


def figure(image, alt="", caption=""):
    caption_html = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure><img src="{image.file.url}" alt="{alt}" data-file="{image.pk}">{caption_html}</figure>'


class TestModel:
    def test_alt_text_is_required_unless_decorative(self):
        image = Image()
        with pytest.raises(ValidationError) as error:
            image.clean()
        assert "alt_text" in error.value.message_dict
        Image(decorative=True).clean()

    def test_an_upload_is_stored_upright_with_renditions_and_its_size(self, editor):
        image = stored_image(user=editor)
        assert (image.width, image.height, image.uploaded_by) == (1000, 600, editor)
        assert image.renditions["name"] == image.file.name
        assert [s["width"] for s in image.renditions["sources"]] == [480, 800, 1000]
        assert str(image) == "A treatment room"

    def test_articles_using_reads_live_and_pending_bodies(self, editor):
        image, other = stored_image(), stored_image()
        live = ArticleFactory(body=figure(image, "Room"))
        pending = ArticleFactory(title="Pending one")
        store_pending_changes(pending, editor, body=figure(image, "Room"))
        ArticleFactory(body=figure(other, "Other"))
        assert set(image.articles_using()) == {live, pending}
        usage = Image.usage([image.pk, other.pk])
        assert set(usage[image.pk]) == {live, pending} and len(usage[other.pk]) == 1


class TestUpload:
    def test_an_editor_uploads_and_gets_json(self, editor_client, editor):
        response = editor_client.post(UPLOAD_URL, {"file": upload()})
        assert response.status_code == 200
        data = response.json()
        image = Image.objects.get(pk=data["id"])
        assert data == {
            "id": image.pk,
            "url": image.file.url,
            "alt": "",
            "decorative": False,
            "width": 1000,
            "height": 600,
        }
        assert image.uploaded_by == editor

    def test_the_same_file_uploaded_again_is_the_library_s_image(self, editor_client):
        data = image_bytes(size=(300, 200))
        first = editor_client.post(UPLOAD_URL, {"file": upload("room.jpg", data)}).json()
        Image.objects.filter(pk=first["id"]).update(alt_text="A treatment room")
        again = editor_client.post(UPLOAD_URL, {"file": upload("copy-of-room.jpg", data)}).json()
        assert again["id"] == first["id"] and again["alt"] == "A treatment room"
        assert Image.objects.count() == 1
        other = editor_client.post(UPLOAD_URL, {"file": upload()}).json()
        assert other["id"] != first["id"] and Image.objects.count() == 2

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"<html>not a picture</html>", "not a JPEG, PNG, WebP or GIF"),
            (png_header_only(100_000, 100_000), "too large"),
            (image_bytes(size=(2000, 100)), "times the other"),
        ],
    )
    def test_a_refused_file_gets_the_hero_images_message(self, editor_client, data, message):
        response = editor_client.post(UPLOAD_URL, {"file": upload(data=data)})
        assert response.status_code == 400
        assert message in response.json()["error"]
        assert not Image.objects.exists()

    def test_too_many_bytes_is_refused(self, editor_client, settings):
        settings.IMAGE_MAX_UPLOAD_BYTES = 100
        response = editor_client.post(UPLOAD_URL, {"file": upload()})
        assert response.status_code == 400 and "the limit is" in response.json()["error"]

    def test_no_file_is_a_message(self, editor_client):
        response = editor_client.post(UPLOAD_URL, {})
        assert response.status_code == 400 and "Choose an image" in response.json()["error"]

    def test_needs_csrf_and_post(self, editor):
        client = Client(enforce_csrf_checks=True)
        client.force_login(editor)
        assert client.post(UPLOAD_URL, {"file": upload()}).status_code == 403
        assert client.get(UPLOAD_URL).status_code == 405

    def test_staff_without_the_article_permission_is_refused(self, client, django_user_model):
        user = django_user_model.objects.create_user("someone", is_staff=True)
        client.force_login(user)
        assert client.post(UPLOAD_URL, {"file": upload()}).status_code == 403

    def test_the_picker_lists_and_searches_the_library(self, editor_client):
        stored_image("A treatment room")
        stored_image("A garden path")
        picker = reverse("admin:articles_image_picker")
        response = editor_client.get(picker, {"CKEditorFuncNum": "-1", "q": "garden"})
        assert response.status_code == 200
        assert response.content.decode().count('data-testid="image-choice"') == 1
        assert 'data-alt="A garden path"' in response.content.decode()


class TestAdmin:
    def test_the_list_searches_and_shows_where_an_image_is_used(self, editor_client):
        image = stored_image("A treatment room", credit="Photo: Ana Ruiz")
        stored_image("A garden path")
        article = ArticleFactory(title="Inside the clinic", body=figure(image))
        url = reverse("admin:articles_image_changelist")
        page = editor_client.get(url, {"q": "Ruiz"}).content.decode()
        assert "Inside the clinic" in page and "A garden path" not in page
        assert reverse("admin:articles_article_change", args=[article.pk]) in page
        assert editor_client.get(url, {"q": "room"}).context["cl"].result_count == 2

    def test_the_list_names_each_thumbnail_link_by_its_alt_text(self, editor_client):
        stored_image("A treatment room")
        stored_image("", decorative=True)
        page = editor_client.get(reverse("admin:articles_image_changelist")).content.decode()
        assert 'alt="A treatment room" width="80"' in page
        # Without alt text the file name (room_<suffix>.jpg: a second room.jpg) names the link.
        assert re.search(r'alt="room_\w+\.jpg" width="80"', page)

    def test_the_change_form_labels_the_file_and_checks_a_new_one(self, editor_client):
        image = stored_image()
        url = reverse("admin:articles_image_change", args=[image.pk])
        page = editor_client.get(url)
        assert re.search(r'<label [^>]*for="id_file"', page.content.decode())
        data = form_data(page, form_id="image_form", file=upload(data=b"<html>not a picture</html>"))
        response = editor_client.post(url, data)
        assert response.status_code == 200
        assert "not a JPEG, PNG, WebP or GIF" in error_text(response)
        image.refresh_from_db()
        assert image.file.name.endswith("room.jpg")

    def test_an_image_in_use_cannot_be_deleted(self, editor_client):
        image = stored_image()
        ArticleFactory(title="Inside the clinic", body=figure(image))
        url = reverse("admin:articles_image_delete", args=[image.pk])
        page = editor_client.get(url)
        assert page.status_code == 200 and "Inside the clinic" in page.content.decode()
        assert editor_client.post(url, {"post": "yes"}).status_code == 200
        changelist = reverse("admin:articles_image_changelist")
        response = editor_client.post(
            changelist, {"action": "delete_selected", "_selected_action": [image.pk], "post": "yes"}
        )
        assert response.status_code == 200 and "Inside the clinic" in response.content.decode()
        assert Image.objects.filter(pk=image.pk).exists()

    def test_an_unused_image_can_be_deleted(self, editor_client):
        image = stored_image()
        url = reverse("admin:articles_image_delete", args=[image.pk])
        assert editor_client.post(url, {"post": "yes"}).status_code == 302
        assert not Image.objects.exists()


class TestBodyChecks:
    def test_the_stored_form_survives_the_sanitiser(self):
        image = stored_image()
        html = figure(image, "A room", "The room")
        assert sanitize_html(html) == html
        assert 'data-file="' not in sanitize_html('<img src="/a.jpg" alt="x" data-file="1 onload">')

    @pytest.mark.parametrize(
        ("body", "code"),
        [
            ('<img src="https://example.org/a.jpg" alt="x">', "external_image"),
            ('<img src="//example.org/a.jpg" alt="x">', "external_image"),
            ("<figure><img><figcaption></figcaption></figure>", "empty_image"),
            ('<img src="/media/library/gone.jpg" alt="x" data-file="999">', "unknown_image"),
        ],
    )
    def test_problem_images(self, body, code):
        assert [e.code for e in body_image_errors(sanitize_html(body))] == [code]

    def test_own_images_pass(self):
        image = stored_image()
        assert body_image_errors(figure(image)) == []
        assert body_image_errors('<img src="http://localhost/static/a.svg" alt="x">') == []

    def test_the_admin_form_refuses_them_and_keeps_the_work(self, editor_client):
        add = reverse("admin:articles_article_add")
        data = form_data(editor_client.get(add), title="Kept title", slug="kept")
        data["body"] = '<p>My words.</p><img src="https://example.org/a.jpg" alt="x">'
        response = editor_client.post(add, data)
        assert response.status_code == 200
        assert "download the image, then upload it" in error_text(response)
        assert "My words." in response.content.decode() and "Kept title" in response.content.decode()
        data["body"] = "<p>My words.</p><img>"
        response = editor_client.post(add, data)
        assert "an image without a file" in error_text(response)
        assert not Article.objects.exists()

    def test_the_first_alt_a_body_gives_becomes_an_empty_default(self):
        bare, described = stored_image(""), stored_image("Kept")
        ArticleFactory(body=figure(bare, "Described here") + figure(described, "Other words"))
        bare.refresh_from_db()
        described.refresh_from_db()
        assert (bare.alt_text, described.alt_text) == ("Described here", "Kept")

    def test_a_library_image_without_its_own_alt_uses_the_default(self, editor_client):
        image = stored_image("A treatment room")
        bare = stored_image("")
        add = reverse("admin:articles_article_add")
        data = form_data(editor_client.get(add), title="Alt", slug="alt", author=AuthorFactory().pk)
        data["body"] = figure(bare)
        assert "needs alt text" in error_text(editor_client.post(add, data))
        data["body"] = figure(image)
        response = editor_client.post(add, data)
        assert response.status_code == 302, error_text(response)


class TestReaders:
    def test_a_library_image_becomes_a_responsive_picture(self):
        image = stored_image("Default alt")
        html = sanitize_for_readers(render_library_images(figure(image, "", "The room")))
        assert '<source type="image/webp" srcset="/media/renditions/library/room-480.webp 480w' in html
        assert 'alt="Default alt"' in html and 'width="1000" height="600"' in html
        assert "<figcaption>The room</figcaption>" in html and "data-file" not in html

    def test_the_use_alt_wins_and_a_decorative_image_is_presentation(self):
        image = stored_image("Default alt")
        assert 'alt="Mine"' in render_library_images(figure(image, "Mine"))
        plain = store_upload(upload(), decorative=True)
        decorative = render_library_images(figure(plain))
        assert 'alt=""' in decorative and 'role="presentation"' in decorative

    def test_a_foreign_srcset_never_reaches_readers(self):
        html = (
            '<picture><source type="image/webp" srcset="https://evil.example/a.webp 480w">'
            '<img src="/a.jpg" alt="x" srcset="//evil/a 1w"></picture>'
        )
        cleaned = sanitize_for_readers(html)
        assert "evil" not in cleaned

    def test_the_public_page_shows_it(self, client):
        image = stored_image("A treatment room")
        article = ArticleFactory(body=figure(image, "", "Our room"))
        page = client.get(article.get_absolute_url()).content.decode()
        assert "/media/renditions/library/room-800.webp 800w" in page and 'alt="A treatment room"' in page
