"""Uploaded images served by the site itself on one host without a bucket (isha.media)."""

import pytest
from django.test import Client
from django.utils.http import http_date

from tests.factories import image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings):
    root = settings.MEDIA_ROOT
    (root / "articles" / "hero").mkdir(parents=True)
    return root


def test_an_uploaded_image_is_served_with_its_type_nosniff_and_a_long_cache(media):
    (media / "articles" / "hero" / "photo.jpg").write_bytes(image_bytes())
    (media / "renditions").mkdir()
    (media / "renditions" / "photo-480.webp").write_bytes(image_bytes(image_format="WEBP"))

    response = Client().get("/media/articles/hero/photo.jpg")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == image_bytes()
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    webp = Client().get("/media/renditions/photo-480.webp")
    assert webp.status_code == 200 and webp["Content-Type"] == "image/webp"


def test_an_unchanged_image_is_answered_304(media):
    image = media / "articles" / "hero" / "photo.png"
    image.write_bytes(image_bytes(image_format="PNG"))
    response = Client().get(
        "/media/articles/hero/photo.png", HTTP_IF_MODIFIED_SINCE=http_date(image.stat().st_mtime)
    )
    assert response.status_code == 304


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.html", b"<script>alert(1)</script>"),
        ("export.csv", b"email\nvictim@example.com\n"),
        # Named like an image, but not one: with nosniff it would be harmless, yet it is
        # still not served.
        ("fake.png", b"<html><script>alert(1)</script></html>"),
        ("fake.webp", b"RIFF\x00\x00\x00\x00WAVEfmt "),
    ],
)
def test_anything_but_an_image_is_not_found(media, name, content):
    (media / name).write_bytes(content)
    assert Client().get(f"/media/{name}").status_code == 404


def test_a_folder_is_never_listed_and_a_missing_file_is_not_found(media):
    (media / "articles" / "hero" / "photo.jpg").write_bytes(image_bytes())
    assert Client().get("/media/articles/hero/").status_code == 404
    assert Client().get("/media/articles/").status_code == 404
    assert Client().get("/media/articles/hero/missing.jpg").status_code == 404


def test_no_path_leads_outside_media_root(media, tmp_path):
    outside = tmp_path / "secret.png"
    outside.write_bytes(image_bytes(image_format="PNG"))
    (media / "link.png").symlink_to(outside)
    for url in (
        "/media/../secret.png",
        "/media/%2e%2e/secret.png",
        "/media/articles/%2e%2e/%2e%2e/secret.png",
        "/media/link.png",
        f"/media/{outside}",
    ):
        assert Client().get(url).status_code == 404, url
    # A NUL byte is refused before any view, media included.
    assert Client().get("/media/photo%00.png").status_code == 400


def test_only_reading_is_allowed(media):
    (media / "articles" / "hero" / "photo.jpg").write_bytes(image_bytes())
    assert Client().head("/media/articles/hero/photo.jpg").status_code == 200
    assert Client().post("/media/articles/hero/photo.jpg").status_code == 405
