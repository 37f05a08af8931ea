"""Uploaded images: checked by content, stored upright, served as responsive renditions."""

import io
import os
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

#: Pillow format names accepted for uploads, whatever the file is called.
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
#: Widths (CSS px at 1x) of the renditions written for ``srcset``.
RENDITION_WIDTHS = (480, 800, 1200, 1600)
#: The shapes of the crops search engines are given (Google's Article structured data
#: guidance asks for 16x9, 4x3 and 1x1 images), as (name, width, height).
CROP_RATIOS = (("16:9", 16, 9), ("4:3", 4, 3), ("1:1", 1, 1))
#: The widest crop written, in pixels: Google asks for images at least 1200 px wide.
CROP_MAX_WIDTH = 1200


def max_upload_bytes():
    """The largest upload accepted, in bytes (setting ``IMAGE_MAX_UPLOAD_BYTES``)."""
    return settings.IMAGE_MAX_UPLOAD_BYTES


def max_pixels():
    """The most pixels (width x height) accepted (setting ``IMAGE_MAX_PIXELS``)."""
    return settings.IMAGE_MAX_PIXELS


def max_side():
    """The longest side accepted, in pixels (setting ``IMAGE_MAX_SIDE``)."""
    return settings.IMAGE_MAX_SIDE


def max_aspect_ratio():
    """The most times longer than wide (or wide than tall) an image may be (setting
    ``IMAGE_MAX_ASPECT_RATIO``, ``10`` meaning 10:1)."""
    return settings.IMAGE_MAX_ASPECT_RATIO


def open_checked(file):
    """Open ``file`` as an image after checking its size, format, pixel count and shape.

    ``file`` is any file-like object with ``size`` (an upload or a Django File).
    Returns the opened (lazy) ``PIL.Image``. Raises ``ValidationError`` with code
    ``too_large``, ``unsupported``, ``too_many_pixels``, ``too_long_a_side`` or
    ``too_narrow`` (see :func:`check_shape`). A decompression bomb (a
    small file that expands to a huge bitmap) is refused from its header alone, before
    any pixel is decoded: Pillow only warns below twice ``MAX_IMAGE_PIXELS``, so the
    warning is turned into an error here.
    """
    size = getattr(file, "size", None)
    if size is not None and size > max_upload_bytes():
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB."),
            code="too_large",
            params={"size": round(size / 1048576, 1), "limit": round(max_upload_bytes() / 1048576)},
        )
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(file, formats=ALLOWED_FORMATS)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise ValidationError(
            _("The image is too large (more than %(limit)s million pixels)."),
            code="too_many_pixels",
            params={"limit": max_pixels() // 1_000_000},
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationError(
            _("This file is not a JPEG, PNG, WebP or GIF image."), code="unsupported"
        ) from exc
    if image.width * image.height > max_pixels():
        raise ValidationError(
            _("The image is %(width)s x %(height)s pixels; the limit is %(limit)s million pixels."),
            code="too_many_pixels",
            params={"width": image.width, "height": image.height, "limit": max_pixels() // 1_000_000},
        )
    check_shape(image.width, image.height)
    return image


def check_shape(width, height):
    """Refuse an image ``width`` x ``height`` pixels of an extreme shape.

    A side longer than ``IMAGE_MAX_SIDE`` raises ``ValidationError`` code
    ``too_long_a_side``; one side more than ``IMAGE_MAX_ASPECT_RATIO`` times the other,
    code ``too_narrow``. Such images fit no layout of the site, and a banner 40,000 px wide
    passes the pixel limit yet makes every rendition a sliver. Read from the header, before
    anything is decoded or stored.
    """
    if max(width, height) > max_side():
        raise ValidationError(
            _("The image is %(width)s x %(height)s pixels; each side may be at most %(limit)s pixels."),
            code="too_long_a_side",
            params={"width": width, "height": height, "limit": f"{max_side():,}"},
        )
    if max(width, height) > max_aspect_ratio() * max(1, min(width, height)):
        raise ValidationError(
            _(
                "The image is %(width)s x %(height)s pixels; one side may be at most %(ratio)s times "
                "the other. Crop it closer to the shape it will be shown in."
            ),
            code="too_narrow",
            params={"width": width, "height": height, "ratio": max_aspect_ratio()},
        )


def normalized_upload(file):
    """Return ``file`` re-encoded upright and web-safe, as a ``ContentFile`` with a name.

    Applies the EXIF orientation (phone photos), converts CMYK and palette images to
    RGB (RGBA when transparent) and drops metadata, GPS position included. Keeps the
    format (JPEG stays JPEG; GIF becomes PNG so it is not reduced to 256 colours).
    Raises ``ValidationError`` as :func:`open_checked`, or with code ``corrupt`` when the
    pixels cannot be decoded.
    """
    image = open_checked(file)
    source_format = image.format
    try:
        image = ImageOps.exif_transpose(image)
        image = _web_mode(image)
    except (OSError, ValueError, SyntaxError) as exc:
        raise ValidationError(_("The image file is damaged and cannot be read."), code="corrupt") from exc
    target = (
        "JPEG"
        if source_format == "JPEG" and image.mode == "RGB"
        else ("WEBP" if source_format == "WEBP" else "PNG")
    )
    buffer = io.BytesIO()
    _save(image, buffer, target)
    stem = os.path.splitext(os.path.basename(getattr(file, "name", "") or "image"))[0] or "image"
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[target]
    return ContentFile(buffer.getvalue(), name=f"{stem}.{extension}")


def _web_mode(image):
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if image.mode == "CMYK":
        # Inverted-Adobe CMYK JPEGs look wrong without this; Pillow's conversion handles both.
        return image.convert("RGB")
    if has_alpha:
        return image.convert("RGBA")
    if image.mode != "RGB":
        return image.convert("RGB")
    return image


def _save(image, buffer, image_format):
    if image_format == "JPEG":
        image.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    elif image_format == "WEBP":
        image.save(buffer, "WEBP", quality=80, method=4)
    else:
        image.save(buffer, "PNG", optimize=True)


def make_renditions(name, storage=None):
    """Write WebP and fallback renditions of the stored image ``name``; describe them.

    Widths are those of ``RENDITION_WIDTHS`` narrower than the original, plus the
    original width. Returns a JSON-safe dict::

        {"name": name, "width": w, "height": h,
         "sources": [{"width": 480, "webp": "renditions/...-480.webp",
                      "fallback": "renditions/...-480.jpg"}, ...]}

    Files already written are reused, so calling it again is cheap. Returns ``{}`` when
    ``name`` is empty or not a readable image (the template then shows the original).
    """
    storage = storage or default_storage
    if not name:
        return {}
    try:
        with storage.open(name) as handle:
            image = _web_mode(ImageOps.exif_transpose(Image.open(handle, formats=ALLOWED_FORMATS)))
            image.load()
    except (OSError, ValueError, Image.DecompressionBombError):
        return {}
    width, height = image.size
    fallback_format, fallback_extension = ("PNG", "png") if image.mode == "RGBA" else ("JPEG", "jpg")
    stem = "renditions/" + os.path.splitext(name)[0]
    sources = []
    for target_width in sorted({w for w in RENDITION_WIDTHS if w < width} | {width}):
        resized = None  # resized only if a file is missing: resizing is most of the cost
        source = {"width": target_width}
        for key, image_format, extension in (
            ("webp", "WEBP", "webp"),
            ("fallback", fallback_format, fallback_extension),
        ):
            path = f"{stem}-{target_width}.{extension}"
            if not storage.exists(path):
                if resized is None:
                    size = (target_width, round(height * target_width / width))
                    resized = image if target_width == width else image.resize(size, Image.Resampling.LANCZOS)
                buffer = io.BytesIO()
                _save(resized, buffer, image_format)
                path = storage.save(path, ContentFile(buffer.getvalue()))
            source[key] = path
        sources.append(source)
    return {"name": name, "width": width, "height": height, "sources": sources}


def make_crops(name, storage=None):
    """Write the centred 16:9, 4:3 and 1:1 crops (``CROP_RATIOS``) of the stored image
    ``name``, at most ``CROP_MAX_WIDTH`` pixels wide, as JPEG (PNG when transparent).

    Returns a JSON-safe list ``[{"ratio": "16:9", "width": w, "height": h, "path":
    "renditions/...-16x9.jpg"}, ...]``; files already written are reused. ``[]`` when
    ``name`` is empty or not a readable image.
    """
    storage = storage or default_storage
    if not name:
        return []
    try:
        with storage.open(name) as handle:
            image = _web_mode(ImageOps.exif_transpose(Image.open(handle, formats=ALLOWED_FORMATS)))
            image.load()
    except (OSError, ValueError, Image.DecompressionBombError):
        return []
    image_format, extension = ("PNG", "png") if image.mode == "RGBA" else ("JPEG", "jpg")
    stem = "renditions/" + os.path.splitext(name)[0]
    crops = []
    for ratio, across, down in CROP_RATIOS:
        # The largest centred box of exactly that shape, then scaled down to the widest we keep.
        unit = max(1, min(image.width // across, image.height // down))
        width, height = unit * across, unit * down
        left, top = (image.width - width) // 2, (image.height - height) // 2
        scale = min(1, CROP_MAX_WIDTH / width)
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        path = f"{stem}-{across}x{down}.{extension}"
        if not storage.exists(path):
            box = (left, top, left + width, top + height)
            buffer = io.BytesIO()
            _save(image.resize(size, Image.Resampling.LANCZOS, box=box), buffer, image_format)
            path = storage.save(path, ContentFile(buffer.getvalue()))
        crops.append({"ratio": ratio, "width": size[0], "height": size[1], "path": path})
    return crops


def delete_renditions(name, storage=None):
    """Delete the renditions :func:`make_renditions` wrote for ``name`` (if any)."""
    storage = storage or default_storage
    stem = "renditions/" + os.path.splitext(name)[0]
    folder, prefix = os.path.split(stem)
    try:
        _dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for file_name in files:
        if file_name.startswith(prefix + "-"):
            storage.delete(f"{folder}/{file_name}")
