"""The media library's work: storing an upload, checking a body's images, showing them to readers.

A body stores a library image as django-prose-editor's Image extension writes it, inside a
figure when it has a caption::

    <figure><img src="/media/library/x.jpg" alt="use's alt" data-file="12">
    <figcaption>caption</figcaption></figure>

Readers get it as a ``<picture>`` with WebP and fallback ``srcset`` (the renditions of
:func:`articles.images.make_renditions`), width and height, all from the site's own origin.
"""

import hashlib
import html
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from .db_ids import parse_id
from .images import make_renditions, normalized_upload
from .models import Image

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
# Attributes as nh3 writes them: lower-case names, double-quoted, escaped values.
_ATTRIBUTE = re.compile(r'([a-z][a-z0-9-]*)(?:="([^"]*)")?', re.IGNORECASE)
#: ``sizes`` of an image in the article's text column (CSS px): full width on a phone.
BODY_IMAGE_SIZES = "(min-width: 760px) 720px, 100vw"

EXTERNAL_IMAGE_MESSAGE = _(
    "The body shows an image from another site (%(src)s). The site only shows images it "
    "stores itself: download the image, then upload it with the editor's image upload "
    "button (or drag it into the text), and remove the linked copy."
)
EMPTY_IMAGE_MESSAGE = _(
    "The body has an image without a file (an empty image, e.g. from pressing Enter on a "
    "selected image). Remove it, or upload the image again with the editor's image upload button."
)
UNKNOWN_IMAGE_MESSAGE = _(
    "The body shows image %(id)s, which is no longer in the media library. Remove it, or "
    "upload the image again."
)


def store_upload(upload, *, user=None, alt_text="", credit="", decorative=False):
    """Check ``upload`` as a hero image is checked, store it in the library; return the ``Image``.

    ``upload`` is an uploaded file (with ``name`` and ``size``). The same bytes uploaded
    again (same SHA-256) return the library's image as it is (its alt text and credit
    untouched), so the library holds each file once. A new file is re-encoded upright without metadata
    (:func:`articles.images.normalized_upload`) and its renditions are written at once,
    so the editor shows and readers get it immediately. Raises ``ValidationError`` (codes
    of :func:`articles.images.open_checked`, or ``corrupt``) for a file the site refuses;
    nothing is stored then.
    """
    digest = _sha256(upload)
    existing = Image.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing
    image = Image(
        file=normalized_upload(upload),
        alt_text=alt_text.strip(),
        credit=credit.strip(),
        decorative=decorative,
        uploaded_by=user,
        sha256=digest,
    )
    try:
        with transaction.atomic():
            image.save()
    except IntegrityError:
        # The same file, uploaded at the same moment by another request, won the race.
        return Image.objects.get(sha256=digest)
    image.renditions = make_renditions(image.file.name)
    image.save(update_fields=["renditions"])
    return image


def _sha256(upload):
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def image_tags(body):
    """``(attributes, tag)`` for each ``<img>`` in the sanitised ``body``, in order."""
    for match in _IMG.finditer(body or ""):
        attributes = {
            name.lower(): html.unescape(value or "") for name, value in _ATTRIBUTE.findall(match[0][4:])
        }
        yield attributes, match


def is_own_origin(src):
    """True for an address on this site: a path (``/media/...``, ``x.jpg``), or an absolute address
    on one of the site's own hosts (``ALLOWED_HOSTS``, ``SITE_URL``); not ``https://other/``."""
    parts = urlsplit(src)
    if not parts.scheme and not parts.netloc:
        return True  # a path, absolute or relative to the page (not "//host/", which has a netloc)
    own_hosts = {host for host in settings.ALLOWED_HOSTS if host != "*"} | {
        urlsplit(settings.SITE_URL).hostname
    }
    return parts.scheme in ("http", "https") and parts.hostname in own_hosts


def body_image_errors(body):
    """One ``ValidationError`` per problem with the images of the sanitised ``body``.

    Codes: ``empty_image`` (no address), ``external_image`` (an address on another site,
    which the Content Security Policy would block anyway), ``unknown_image`` (a library id
    that no longer exists). Each kind is reported once.
    """
    errors = {}
    ids = set()
    for attributes, _match in image_tags(body):
        src = attributes.get("src", "").strip()
        if not src:
            errors.setdefault("empty_image", ValidationError(EMPTY_IMAGE_MESSAGE, code="empty_image"))
        elif not is_own_origin(src):
            errors.setdefault(
                "external_image",
                ValidationError(EXTERNAL_IMAGE_MESSAGE, code="external_image", params={"src": src}),
            )
        if (image_id := parse_id(attributes.get("data-file", ""))) is not None:
            ids.add(image_id)
    missing = ids - set(Image.objects.filter(pk__in=ids).values_list("pk", flat=True))
    for image_id in sorted(missing):
        errors[f"unknown_{image_id}"] = ValidationError(
            UNKNOWN_IMAGE_MESSAGE, code="unknown_image", params={"id": image_id}
        )
    return list(errors.values())


def adopt_alt_texts(sender=None, instance=None, **kwargs):
    """Give library images without a default alt text the first alt text a body gives them.

    A ``post_save`` receiver for ``Article`` (connected in ``ArticleConfig.ready``): an image
    uploaded from the editor is described in the figure dialog, for that use; this makes
    the same words its default in the library, so the next use starts from them. Only
    empty defaults of images not marked decorative are filled; nothing is overwritten.
    """
    for attributes, _match in image_tags(instance.body if instance is not None else ""):
        alt = attributes.get("alt", "").strip()
        image_id = parse_id(attributes.get("data-file", ""))
        if alt and image_id is not None:
            Image.objects.filter(pk=image_id, alt_text="", decorative=False).update(alt_text=alt[:300])


def library_alt_texts(body):
    """``{id: Image}`` of the library images the sanitised ``body`` shows."""
    ids = {parse_id(a.get("data-file", "")) for a, _m in image_tags(body)} - {None}
    return Image.objects.in_bulk(ids) if ids else {}


def render_library_images(body):
    """Return the sanitised ``body`` with each library image as a responsive ``<picture>``.

    The use's own alt text wins; without one, the image's default alt text is used (empty,
    with ``role="presentation"``, for a decorative image). Images that are not in the
    library, or have no renditions, stay as written. The result must still go through
    :func:`articles.sanitize.sanitize_for_readers`.
    """
    images = library_alt_texts(body)
    if not images:
        return body

    def replace(match):
        attributes = dict(_ATTRIBUTE.findall(match[0][4:]))
        image = images.get(parse_id(attributes.get("data-file", "")))
        if image is None:
            return match[0]
        alt = html.unescape(attributes.get("alt", "")).strip() or image.alt_text
        return _picture(image, "" if image.decorative and not attributes.get("alt") else alt)

    return _IMG.sub(replace, body)


def _picture(image, alt):
    renditions = image.renditions if image.renditions.get("name") == image.file.name else None
    decorative = ' role="presentation"' if not alt else ""
    if not renditions:
        size = f' width="{image.width}" height="{image.height}"' if image.width else ""
        src = html.escape(image.file.url)
        return f'<img src="{src}" alt="{html.escape(alt)}"{size}{decorative} loading="lazy">'
    sources = renditions["sources"]

    def srcset(key):
        return html.escape(", ".join(f"{default_storage.url(s[key])} {s['width']}w" for s in sources))

    return (
        f'<picture><source type="image/webp" srcset="{srcset("webp")}" sizes="{BODY_IMAGE_SIZES}">'
        f'<img src="{html.escape(default_storage.url(sources[-1]["fallback"]))}" '
        f'srcset="{srcset("fallback")}" sizes="{BODY_IMAGE_SIZES}" alt="{html.escape(alt)}" '
        f'width="{renditions["width"]}" height="{renditions["height"]}"{decorative} loading="lazy"></picture>'
    )
