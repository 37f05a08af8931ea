"""What a read Webflow export is, as plain data: rows, problems, and the export as a whole.

:mod:`articles.webflow.reading` builds these from the CSVs and
:mod:`articles.webflow.apply` writes them to the database; nothing here touches either.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

from .images import Image
from .richtext import Citation

# Bump when the meaning of the imported data changes, so every item is applied again.
FINGERPRINT_VERSION = 1

# Article.Status values, as plain strings so that reading needs no model.
DRAFT, PUBLISHED, ARCHIVED = "draft", "published", "archived"


@dataclass(frozen=True)
class Problem:
    """Something to tell whoever runs the import, located by CSV line (1 is the header).

    ``item`` names the row (its slug, else its name, else its Item ID; "" when it has none);
    ``kind`` is "post" or "author", the CSV it comes from.
    """

    line: int
    item: str
    message: str
    kind: str = "post"

    def __str__(self) -> str:
        where = f"line {self.line} ({self.item})" if self.item else f"line {self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class AuthorRow:
    """One author as plain data; ``bio`` is raw (unsanitised) HTML, ``photo`` None when blank."""

    line: int
    item_id: str
    name: str
    slug: str
    bio: str
    photo: Image | None


@dataclass(frozen=True)
class PostRow:
    """One blog post as plain data.

    ``published_on``/``updated_on`` are calendar dates as Webflow wrote them;
    ``published_at`` is an aware UTC datetime or None; ``body`` is raw (unsanitised) HTML
    with empty paragraphs and trailing citations removed, the citations in ``references``.
    """

    line: int
    item_id: str
    title: str
    slug: str
    status: str
    published_at: datetime | None
    published_on: date | None
    updated_on: date | None
    summary: str
    body: str
    references: tuple[Citation, ...]
    inline_images: tuple[Image, ...]
    hero_image: Image | None
    hero_image_alt: str
    thumbnail: Image | None
    featured: bool
    author_slug: str
    related_slugs: tuple[str, ...]

    def fingerprint(self, related_slugs: Iterable[str] | None = None) -> str:
        """SHA-256 hex of everything imported from this row (not its line number).

        ``related_slugs`` replaces the row's own list by the ones that resolved, so an
        item whose related post appears in a later export counts as changed.
        """
        data = asdict(self)
        del data["line"]
        if related_slugs is not None:
            data["related_slugs"] = list(related_slugs)
        for key in ("hero_image", "thumbnail"):
            data[key] = _image_key(getattr(self, key))
        data["inline_images"] = [_image_key(i) for i in self.inline_images]
        data["version"] = FINGERPRINT_VERSION
        blob = json.dumps(data, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()


@dataclass
class Export:
    """A whole export: authors and posts in CSV order, and the rows that could not be read.

    ``skipped`` rows are left out of ``posts``/``authors``; ``warnings`` (missing image
    files, a draft imported for lack of a publication time) do not stop a row.
    ``item_ids`` holds every Item ID in the CSVs, readable or not.
    """

    directory: Path
    posts_file: Path
    posts: list[PostRow] = field(default_factory=list)
    authors: list[AuthorRow] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    item_ids: set[str] = field(default_factory=set)
    authors_file: Path | None = None


def _image_key(image: Image | None) -> list[object] | None:
    return [image.name, image.found] if image else None
