"""The images of a Webflow export: finding each file, and copying it into storage once.

Webflow's CDN URLs end in the uploaded file's name (``<24-hex id>_<name>.<ext>``), and an
export's ``images/`` folder holds the files under those names.
"""

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models.fields.files import FileField

from ..images import delete_renditions, open_checked


@dataclass(frozen=True)
class Image:
    """An image cell: the file's ``name`` (last URL segment) and ``path`` in images/ or None."""

    name: str
    url: str
    path: Path | None = field(default=None, compare=False)

    @property
    def found(self) -> bool:
        """Whether the file is in the export's images/ folder."""
        return self.path is not None


def find_image(url: str, images: Path) -> Image | None:
    """The :class:`Image` for a CDN ``url``, looked up by file name in the folder ``images``.

    Returns None for an empty ``url``; an Image whose ``found`` is False when the file is
    not there.
    """
    if not url:
        return None
    # PurePosixPath(...).name: an encoded "/" in the URL must not lead outside images/.
    name = PurePosixPath(unquote(urlparse(url).path.rsplit("/", 1)[-1])).name
    path = images / name
    return Image(name=name, url=url, path=path if name and path.is_file() else None)


def not_an_image(path: Path) -> str:
    """Why the file at ``path`` is refused (not a JPEG/PNG/WebP/GIF, too big), or ""."""
    try:
        with File(path.open("rb")) as f:
            open_checked(f)
    except ValidationError as exc:
        return " ".join(exc.messages)
    except OSError as exc:
        return str(exc)
    return ""


class ImageCopier:
    """Copies export images into ``default_storage``, once, and can undo a failed row's copies.

    ``dry_run``: names are worked out but nothing is written.
    """

    def __init__(self, dry_run: bool) -> None:
        self.dry_run = dry_run
        self.written: list[str] = []

    def target_name(self, source: Path, model_field: FileField | None = None, folder: str = "") -> str:
        """Where ``source`` goes: the field's folder, the name cut to fit the field's column."""
        if model_field is not None:
            if not isinstance(model_field.upload_to, str):
                # A callable names the file from the model instance, which is not made yet.
                raise TypeError(f"{model_field} has no fixed upload_to folder")
            folder = model_field.upload_to
        name = folder + default_storage.get_valid_name(source.name)
        limit = model_field.max_length if model_field else None
        if limit and len(name) > limit:
            # As Django's storage does for uploads: shorten the stem, keep the extension.
            path = PurePosixPath(name)
            name = str(path.with_stem(path.stem[: len(path.stem) - (len(name) - limit)]))
        return name

    def store(self, source: Path, model_field: FileField | None = None, folder: str = "") -> str:
        """Copy ``source`` to storage unless the same file is there already; return its name."""
        name = self.target_name(source, model_field, folder)
        # Webflow prefixes every upload with a unique ID, so a stored file of the same name
        # and size is the same upload, copied by an earlier run.
        if default_storage.exists(name) and default_storage.size(name) == source.stat().st_size:
            return name
        if self.dry_run:
            return name
        with source.open("rb") as f:
            limit = model_field.max_length if model_field else None
            stored = default_storage.save(name, File(f), max_length=limit)
        self.written.append(stored)
        return stored

    def discard_written(self) -> None:
        """Delete the files copied since the last call (their row was rolled back)."""
        for name in self.written:
            default_storage.delete(name)
            delete_renditions(name)
        self.written = []

    def keep_written(self) -> None:
        """Forget the files copied since the last call: their row was committed."""
        self.written = []
