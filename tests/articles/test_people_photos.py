"""Authors' and reviewers' photos are checked like an article's images: an extreme shape
or size is a form error and leaves no file in media."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Author, Reviewer
from tests.factories import ReviewerFactory, image_bytes

from .admin_support import error_text, form_data

pytestmark = pytest.mark.django_db


def media_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def photo(size, name="photo.png"):
    return SimpleUploadedFile(name, image_bytes(size=size, image_format="PNG"), content_type="image/png")


def test_an_author_photo_of_an_extreme_shape_is_a_form_error_and_no_file_is_kept(editor_client, settings):
    url = reverse("admin:articles_author_add")
    fields = form_data(editor_client.get(url), form_id="author_form", name="Ann Lee", slug="ann-lee")

    response = editor_client.post(url, fields | {"photo": photo((301, 30))})

    assert response.status_code == 200
    assert "one side may be at most 10 times the other" in error_text(response)
    assert not Author.objects.exists()
    assert media_files(settings) == []

    response = editor_client.post(url, fields | {"photo": photo((300, 200))})
    assert response.status_code == 302, error_text(response)
    assert Author.objects.get().photo.name.startswith("authors/")


def test_a_reviewer_photo_with_a_side_over_the_limit_is_a_form_error_and_the_old_one_stays(
    publisher_client, settings
):
    reviewer = ReviewerFactory(photo=SimpleUploadedFile("kept.png", image_bytes(image_format="PNG")))
    before = media_files(settings)
    url = reverse("admin:articles_reviewer_change", args=[reviewer.pk])
    fields = form_data(publisher_client.get(url), form_id="reviewer_form")

    response = publisher_client.post(url, fields | {"photo": photo((10_001, 1_001))})

    assert response.status_code == 200
    assert "each side may be at most 10,000 pixels" in error_text(response)
    assert Reviewer.objects.get().photo.name == reviewer.photo.name
    assert media_files(settings) == before
