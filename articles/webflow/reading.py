"""Reading a Webflow CMS export into plain data.

Webflow exports each CMS collection as one CSV named ``<Site> - <Collection> - <id>.csv``
(Webflow's "Export CSV" in the CMS collection panel). Format facts this module relies on,
all Webflow's rather than ours:

- Columns are identified by header, never by position: the order changes between exports,
  older exports lack ``Locale ID``, ``Archived`` and ``Draft``, and the first column is the
  collection's name field under whatever label the designer gave it (``Name``, ``Title``).
- ``Published On`` is the latest publish, so reader-facing dates come from custom fields.
- A reference cell holds the referenced item's slug; image cells hold CDN URLs whose last
  path segment is the uploaded file's name. (Cell formats: :mod:`articles.webflow.cells`.)

Nothing here touches the database: :func:`read_export` returns an :class:`Export`, and
:func:`articles.webflow.apply.apply_export` writes it.
"""

import csv
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from .cells import RowError, parse_bool, parse_js_date, parse_multi_reference
from .images import Image, find_image
from .richtext import Citation, clean_body, inline_image_urls

# Bump when the meaning of the imported data changes, so every item is applied again.
FINGERPRINT_VERSION = 1

# Article.Status values, as plain strings so that reading needs no model.
DRAFT, PUBLISHED, ARCHIVED = "draft", "published", "archived"

# Custom fields are named by each site's designer; these are the labels seen so far.
POST_COLUMNS = {
    "slug": ("Slug",),
    "item_id": ("Item ID",),
    "archived": ("Archived",),
    "draft": ("Draft",),
    "published_on_system": ("Published On",),
    "body": ("Post Body", "Body", "Content"),
    "summary": ("Post Summary", "Summary", "Excerpt"),
    "hero_image": ("Main Image", "Hero Image"),
    "hero_image_alt": ("Main Image Alt", "Hero Image Alt"),
    "thumbnail": ("Thumbnail image", "Thumbnail"),
    "featured": ("Featured?", "Featured"),
    "author": ("Author",),
    "related": ("Related Posts", "Related Articles"),
    "publish_date": ("Publish Date",),
    "last_updated": ("Last Updated",),
}
AUTHOR_COLUMNS = {
    "slug": ("Slug",),
    "item_id": ("Item ID",),
    "bio": ("Bio",),
    "photo": ("Photo", "Image", "Avatar"),
}
REQUIRED = ("slug", "item_id")


class WebflowFormatError(ValueError):
    """The export as a whole cannot be read: no such folder, no CSV, a required column missing."""


@dataclass(frozen=True)
class Problem:
    """Something to tell whoever runs the import, located by CSV line (1 is the header)."""

    line: int
    item: str
    message: str
    kind: str = "post"

    def __str__(self):
        where = f"line {self.line} ({self.item})" if self.item else f"line {self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class AuthorRow:
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

    def fingerprint(self, related_slugs=None):
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
    posts: list[PostRow] = field(default_factory=list)
    authors: list[AuthorRow] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    item_ids: set[str] = field(default_factory=set)
    posts_file: Path | None = None
    authors_file: Path | None = None


def _image_key(image):
    return [image.name, image.found] if image else None


def read_export(directory):
    """Read the posts and authors CSVs in ``directory`` into an :class:`Export`.

    Images are looked up in ``directory/images`` by file name. Raises
    :class:`WebflowFormatError` when the folder is missing, holds no CSV, holds no posts
    collection, or a CSV lacks the ``Slug``/``Item ID`` columns. Bad cells never raise:
    their row is listed in ``Export.skipped`` with its line number.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise WebflowFormatError(f"{directory} is not a folder.")
    posts_file, authors_file = find_collection_files(directory)
    export = Export(directory=directory, posts_file=posts_file, authors_file=authors_file)
    images = directory / "images"
    if authors_file:
        _collect(export, "author", _read_rows(authors_file, AUTHOR_COLUMNS), _author, images)
    _collect(export, "post", _read_rows(posts_file, POST_COLUMNS), _post, images)
    return export


def find_collection_files(directory):
    """Return ``(posts_csv, authors_csv_or_None)`` found by Webflow's file naming.

    The collection is the middle of ``<Site> - <Collection> - <id>.csv``; a name without
    that shape is matched as a whole. Matching is case-insensitive: "author" for authors,
    "post", "blog" or "article" for posts. Raises :class:`WebflowFormatError`.
    """
    files = sorted(p for p in Path(directory).iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    if not files:
        raise WebflowFormatError(f"No CSV file in {directory}: expected Webflow's collection exports.")
    posts, authors = [], []
    for path in files:
        parts = path.stem.split(" - ")
        collection = " - ".join(parts[1:-1] if len(parts) >= 3 else parts).lower()
        if "author" in collection:
            authors.append(path)
        elif any(word in collection for word in ("post", "blog", "article")):
            posts.append(path)
    for kind, found in (("posts", posts), ("authors", authors)):
        if len(found) > 1:
            names = ", ".join(p.name for p in found)
            raise WebflowFormatError(f"Several {kind} CSVs in {directory}: {names}. Keep one.")
    if not posts:
        names = ", ".join(p.name for p in files)
        raise WebflowFormatError(f"No blog posts CSV in {directory} (found: {names}).")
    return posts[0], (authors[0] if authors else None)


def _normalise(label):
    return re.sub(r"[^a-z0-9]", "", label.casefold())


# Rich-text cells can be large (a long article with inline HTML); the csv module's
# default 128 KiB cap would stop the whole import on one long body.
MAX_CELL_CHARACTERS = 10 * 1024 * 1024


def _read_rows(path, columns):
    """Yield ``(line, cells)`` where cells maps our field names (and "name") to text."""
    # utf-8-sig: spreadsheet round-trips add a byte-order mark Webflow itself does not write.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL_CHARACTERS))
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if not header:
            raise WebflowFormatError(f"{path.name} is empty.")
        index = {_normalise(label): i for i, label in enumerate(header)}
        positions = {"name": 0}
        for key, labels in columns.items():
            for label in labels:
                if _normalise(label) in index:
                    positions[key] = index[_normalise(label)]
                    break
        missing = [columns[k][0] for k in REQUIRED if k not in positions]
        if missing:
            raise WebflowFormatError(f"{path.name} has no {' or '.join(missing)} column.")
        line = reader.line_num + 1
        try:
            for row in reader:
                # A cell may span lines, so a row is located by the line it starts on.
                if any(cell.strip() for cell in row):
                    cells = {k: row[i].strip() if i < len(row) else "" for k, i in positions.items()}
                    yield line, cells
                line = reader.line_num + 1
        except csv.Error as exc:
            raise WebflowFormatError(f"{path.name}, line {line}: not readable as CSV ({exc}).") from exc


def _collect(export, kind, lines, build, images):
    rows = export.posts if kind == "post" else export.authors
    first_line = {}
    for line, cells in lines:
        item = cells.get("slug") or cells.get("name") or cells.get("item_id", "")
        export.item_ids.add(cells.get("item_id", ""))
        warnings = []
        try:
            row = build(line, cells, images, warnings)
        except RowError as exc:
            export.skipped.append(Problem(line, item, str(exc), kind))
            continue
        if clash := next((k for k in (row.item_id, row.slug) if k in first_line), None):
            message = f"duplicate of line {first_line[clash]} ({clash})"
            export.skipped.append(Problem(line, item, message, kind))
            continue
        first_line |= {row.item_id: line, row.slug: line}
        rows.append(row)
        export.warnings.extend(Problem(line, item, w, kind) for w in warnings)


def _author(line, cells, images, warnings):
    return AuthorRow(
        line=line,
        item_id=_required(cells, "item_id", "Item ID"),
        name=_required(cells, "name", "name"),
        slug=_required(cells, "slug", "Slug"),
        bio=cells.get("bio", ""),
        photo=_image(cells.get("photo", ""), images, "Photo", warnings),
    )


def _post(line, cells, images, warnings):
    published_on_system = parse_js_date(cells.get("published_on_system", ""), "Published On")
    publish_date = parse_js_date(cells.get("publish_date", ""), "Publish Date")
    last_updated = parse_js_date(cells.get("last_updated", ""), "Last Updated")
    published_at = publish_date or published_on_system
    status = _status(cells, published_on_system)
    if status == PUBLISHED and not published_at:
        status = DRAFT
        warnings.append("live in Webflow but never published there; imported as a draft")
    body, references = clean_body(cells.get("body", ""))
    return PostRow(
        line=line,
        item_id=_required(cells, "item_id", "Item ID"),
        title=_required(cells, "name", "title"),
        slug=_required(cells, "slug", "Slug"),
        status=status,
        published_at=published_at.astimezone(UTC) if published_at else None,
        # Calendar dates as written: midnight GMT in a US zone would move May 1 to April 30.
        published_on=publish_date.date() if publish_date else None,
        updated_on=last_updated.date() if last_updated else None,
        summary=cells.get("summary", ""),
        body=body,
        references=references,
        inline_images=tuple(_image(url, images, "inline image", warnings) for url in inline_image_urls(body)),
        hero_image=_image(cells.get("hero_image", ""), images, "Main Image", warnings),
        hero_image_alt=cells.get("hero_image_alt", ""),
        thumbnail=_image(cells.get("thumbnail", ""), images, "Thumbnail image", warnings),
        featured=parse_bool(cells.get("featured", ""), "Featured?"),
        author_slug=_required(cells, "author", "Author"),
        related_slugs=parse_multi_reference(cells.get("related", "")),
    )


def _status(cells, published_on_system):
    if "draft" not in cells and "archived" not in cells:
        # Exports without these columns list live items only.
        return PUBLISHED if published_on_system else DRAFT
    if parse_bool(cells.get("archived", ""), "Archived"):
        return ARCHIVED
    if parse_bool(cells.get("draft", ""), "Draft"):
        return DRAFT
    return PUBLISHED


def _required(cells, key, label):
    value = cells.get(key, "")
    if not value:
        raise RowError(f"no {label}")
    return value


def _image(url, images, label, warnings):
    image = find_image(url, images)
    if image and not image.found:
        warnings.append(f"{label} file {image.name or url!r} not found in images/")
    return image
