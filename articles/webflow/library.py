"""An export's inline images into the media library, and the body pointing at them.

Each inline image the importer copied becomes a library :class:`articles.models.Image`
(one per stored file, so a second import reuses it), with the alt text the body gave it
as its default; the body's ``<img>`` then carries the library id as ``data-file``, the
form the body editor writes (see :mod:`articles.library`).
"""

import html
import re
from collections.abc import Mapping

from django.core.files.storage import default_storage

from ..images import make_renditions
from ..models import Image
from .richtext import replace_image_urls

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE | re.DOTALL)
_SRC = re.compile(r"""\bsrc\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)
_ALT = re.compile(r"""\balt\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)


def alt_texts(body: str) -> dict[str, str]:
    """``{src: alt}`` of the ``<img>`` tags in ``body`` (unescaped; the first alt given wins)."""
    texts: dict[str, str] = {}
    for tag in _IMG.findall(body or ""):
        if src := _SRC.search(tag):
            alt = _ALT.search(tag)
            texts.setdefault(html.unescape(src[2]), html.unescape(alt[2]).strip() if alt else "")
    return texts


def library_image(name: str, alt_text: str, dry_run: bool = False) -> Image | None:
    """The library image of the stored file ``name``, made (with renditions) if new.

    ``alt_text`` becomes its default alt text when it is made; without one the image is
    left for an editor (the body's own check asks for alt text before it can be saved).
    Returns None on a dry run, when nothing may be written.
    """
    if dry_run:
        return None
    image = Image.objects.filter(file=name).first()
    if image is None:
        image = Image.objects.create(file=name, alt_text=alt_text[:300])
        image.renditions = make_renditions(name)
        image.save(update_fields=["renditions"])
    return image


def mark_library_images(body: str, images: Mapping[str, Image]) -> str:
    """Return ``body`` with ``data-file="<id>"`` on each ``<img>`` whose src is in ``images``."""

    def mark(match: re.Match[str]) -> str:
        src = _SRC.search(match[0])
        image = images.get(html.unescape(src[2])) if src else None
        if image is None or "data-file" in match[0]:
            return match[0]
        return f'<img data-file="{image.pk}"{match[0][4:]}'

    return _IMG.sub(mark, body)


def library_body(body: str, new_urls: Mapping[str, str], dry_run: bool) -> str:
    """``body`` with each inline image moved to its stored URL (``new_urls``, by Webflow
    URL) and marked as the library image made for it."""
    alts, by_new_url = alt_texts(body), {}
    for url, new_url in new_urls.items():
        name = new_url.removeprefix(default_storage.url(""))
        if image := library_image(name, alts.get(url, ""), dry_run):
            by_new_url[new_url] = image
    return mark_library_images(replace_image_urls(body, new_urls), by_new_url)
