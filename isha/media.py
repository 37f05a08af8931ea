"""Serving uploaded images from ``MEDIA_ROOT`` when no bucket and no proxy does it.

One host without S3 (``make run-prod`` on a single machine) has nobody else to serve
``/media/``: Django's own ``django.views.static.serve`` is for development only, and
whitenoise serves only files present at start-up. This view serves image files only
(the formats uploads are checked into, ``articles.images.ALLOWED_FORMATS``), never a
directory listing, nothing outside ``MEDIA_ROOT``, with ``X-Content-Type-Options:
nosniff`` and a year of caching: stored names never change content (storage adds a
suffix rather than overwrite, as on S3 with ``file_overwrite=False``). A proxy in front
(nginx ``location /media/``) should serve the folder instead; see the README.
"""

from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.views.decorators.http import condition, require_safe

# Extension -> (content type, the file's first bytes). A file whose bytes do not match its
# extension is not served: nothing else under MEDIA_ROOT may pass for an image.
IMAGE_TYPES = {
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".webp": ("image/webp", (b"RIFF",)),
}
CACHE_CONTROL = "public, max-age=31536000, immutable"


def _image_path(path):
    """The file under ``MEDIA_ROOT`` that ``path`` names, or ``Http404`` if it is outside
    (``..``, an absolute path, a symbolic link leading out), not a regular file, or not an
    image by extension and content."""
    root = Path(settings.MEDIA_ROOT).resolve()
    kind = IMAGE_TYPES.get(Path(path).suffix.lower())
    try:
        candidate = (root / path).resolve()
        if kind is None or not candidate.is_relative_to(root) or not candidate.is_file():
            raise Http404("No such image.")
        with candidate.open("rb") as file:
            head = file.read(12)
    except (OSError, ValueError) as error:  # unreadable, or a NUL byte in the path
        raise Http404("No such image.") from error
    if not head.startswith(kind[1]) or (kind[0] == "image/webp" and head[8:12] != b"WEBP"):
        raise Http404("Not an image.")
    return candidate, kind[0]


def _last_modified(request, path):
    try:
        return datetime.fromtimestamp(_image_path(path)[0].stat().st_mtime, tz=UTC)
    except Http404:
        return None


@require_safe
@condition(last_modified_func=_last_modified)
def serve_image(request, path):
    """``MEDIA_URL<path>``: the image at ``path`` under ``MEDIA_ROOT`` (GET/HEAD only, with
    ``Last-Modified``; 304 for an unchanged ``If-Modified-Since``), or 404 for anything else."""
    file_path, content_type = _image_path(path)
    response = FileResponse(file_path.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = CACHE_CONTROL
    return response
