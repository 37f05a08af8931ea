"""Uploads are judged by their content; what is stored is upright and web-safe."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.images import make_renditions, normalized_upload, open_checked
from tests.factories import image_bytes, png_header_only


def upload(data, name="photo.jpg"):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_a_20000_by_20000_png_is_refused_as_too_many_pixels_without_decoding_it():
    with pytest.raises(ValidationError) as excinfo:
        open_checked(upload(png_header_only(20_000, 20_000), "huge.png"))
    assert excinfo.value.code == "too_many_pixels"


def test_an_image_over_the_pixel_setting_is_refused(settings):
    settings.IMAGE_MAX_PIXELS = 100
    with pytest.raises(ValidationError) as excinfo:
        open_checked(upload(image_bytes(size=(20, 20))))
    assert excinfo.value.code == "too_many_pixels"


@pytest.mark.parametrize(
    ("size", "code"),
    [((12_000, 2_000), "too_long_a_side"), ((4_000, 399), "too_narrow"), ((1, 11), "too_narrow")],
)
def test_an_extreme_shape_is_refused_from_the_header_without_decoding_it(size, code):
    with pytest.raises(ValidationError) as excinfo:
        open_checked(upload(png_header_only(*size), "strip.png"))
    assert excinfo.value.code == code


def test_the_largest_shapes_allowed_by_default_open():
    for size in ((10_000, 1_000), (1_000, 10_000), (1, 10)):
        assert open_checked(upload(png_header_only(*size), "edge.png")).size == size


def test_a_text_file_renamed_jpg_is_refused_as_unsupported():
    with pytest.raises(ValidationError) as excinfo:
        open_checked(upload(b"just some text, not a picture\n" * 10, "notes.jpg"))
    assert excinfo.value.code == "unsupported"


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError) as excinfo:
        open_checked(upload(image_bytes(size=(200, 200))))
    assert excinfo.value.code == "too_large"


def test_a_bmp_is_refused_even_though_pillow_can_read_it():
    with pytest.raises(ValidationError):
        open_checked(upload(image_bytes(image_format="BMP"), "image.bmp"))


def test_a_cmyk_jpeg_is_stored_as_rgb():
    stored = normalized_upload(upload(image_bytes(mode="CMYK")))
    image = Image.open(io.BytesIO(stored.read()))
    assert (image.format, image.mode) == ("JPEG", "RGB")


def test_a_palette_png_converts_without_error():
    stored = normalized_upload(upload(image_bytes(mode="P", image_format="PNG"), "palette.png"))
    assert Image.open(io.BytesIO(stored.read())).mode == "RGB"


def test_an_exif_rotated_phone_photo_is_stored_upright_without_metadata():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
    data = image_bytes(size=(40, 20), exif=exif.tobytes())
    stored = Image.open(io.BytesIO(normalized_upload(upload(data)).read()))
    assert stored.size == (20, 40)
    assert 0x0112 not in stored.getexif()


def test_renditions_cover_widths_up_to_the_original_in_webp_and_fallback():
    name = default_storage.save("articles/hero/wide.jpg", ContentFile(image_bytes(size=(1000, 500))))
    renditions = make_renditions(name)
    assert (renditions["width"], renditions["height"]) == (1000, 500)
    assert [s["width"] for s in renditions["sources"]] == [480, 800, 1000]
    first = renditions["sources"][0]
    assert Image.open(default_storage.open(first["webp"])).format == "WEBP"
    assert Image.open(default_storage.open(first["fallback"])).size == (480, 240)
    assert make_renditions(name) == renditions


def test_renditions_of_a_missing_file_are_empty():
    assert make_renditions("articles/hero/missing.jpg") == {}
