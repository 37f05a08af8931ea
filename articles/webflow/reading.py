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

Nothing here touches the database: :func:`read_export` returns an
:class:`~articles.webflow.rows.Export`, and :func:`articles.webflow.apply.apply_export` writes it.
"""

import csv
import os
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from .cells import RowError, parse_bool, parse_js_date, parse_multi_reference
from .images import Image, find_image
from .richtext import clean_body, inline_image_urls
from .rows import ARCHIVED, DRAFT, PUBLISHED, AuthorRow, Export, PostRow, Problem

# A CSV row as our field names (and "name", the first column) to its stripped text.
Cells = dict[str, str]

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


def read_export(directory: str | os.PathLike[str]) -> Export:
    """Read the posts and authors CSVs in ``directory`` into an :class:`~articles.webflow.rows.Export`.

    Images are looked up in ``directory/images`` by file name. Raises
    :class:`WebflowFormatError` when the folder is missing, holds no CSV, holds no posts
    collection, or a CSV lacks the ``Slug``/``Item ID`` columns. Bad cells never raise:
    their row is listed in ``Export.skipped`` with its line number.
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise WebflowFormatError(f"{folder} is not a folder.")
    posts_file, authors_file = find_collection_files(folder)
    export = Export(directory=folder, posts_file=posts_file, authors_file=authors_file)
    images = folder / "images"
    if authors_file:
        _collect(export, "author", export.authors, _read_rows(authors_file, AUTHOR_COLUMNS), _author, images)
    _collect(export, "post", export.posts, _read_rows(posts_file, POST_COLUMNS), _post, images)
    return export


def find_collection_files(directory: str | os.PathLike[str]) -> tuple[Path, Path | None]:
    """Return ``(posts_csv, authors_csv_or_None)`` found by Webflow's file naming.

    The collection is the middle of ``<Site> - <Collection> - <id>.csv``; a name without
    that shape is matched as a whole. Matching is case-insensitive: "author" for authors,
    "post", "blog" or "article" for posts. Raises :class:`WebflowFormatError`.
    """
    files = sorted(p for p in Path(directory).iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    if not files:
        raise WebflowFormatError(f"No CSV file in {directory}: expected Webflow's collection exports.")
    posts: list[Path] = []
    authors: list[Path] = []
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


def _normalise(label: str) -> str:
    return re.sub(r"[^a-z0-9]", "", label.casefold())


# Rich-text cells can be large (a long article with inline HTML); the csv module's
# default 128 KiB cap would stop the whole import on one long body.
MAX_CELL_CHARACTERS = 10 * 1024 * 1024


def _read_rows(path: Path, columns: dict[str, tuple[str, ...]]) -> Iterator[tuple[int, Cells]]:
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


def _collect[R: PostRow | AuthorRow](
    export: Export,
    kind: str,
    rows: list[R],
    lines: Iterator[tuple[int, Cells]],
    build: Callable[[int, Cells, Path, list[str]], R],
    images: Path,
) -> None:
    """Append the rows ``build`` makes to ``rows``; unreadable and duplicate rows to ``skipped``."""
    first_line: dict[str, int] = {}
    for line, cells in lines:
        item = cells.get("slug") or cells.get("name") or cells.get("item_id", "")
        export.item_ids.add(cells.get("item_id", ""))
        warnings: list[str] = []
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


def _author(line: int, cells: Cells, images: Path, warnings: list[str]) -> AuthorRow:
    return AuthorRow(
        line=line,
        item_id=_required(cells, "item_id", "Item ID"),
        name=_required(cells, "name", "name"),
        slug=_required(cells, "slug", "Slug"),
        bio=cells.get("bio", ""),
        photo=_image(cells.get("photo", ""), images, "Photo", warnings),
    )


def _post(line: int, cells: Cells, images: Path, warnings: list[str]) -> PostRow:
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
        inline_images=tuple(
            # An <img> without a src names no file to import.
            image
            for url in inline_image_urls(body)
            if (image := _image(url, images, "inline image", warnings))
        ),
        hero_image=_image(cells.get("hero_image", ""), images, "Main Image", warnings),
        hero_image_alt=cells.get("hero_image_alt", ""),
        thumbnail=_image(cells.get("thumbnail", ""), images, "Thumbnail image", warnings),
        featured=parse_bool(cells.get("featured", ""), "Featured?"),
        author_slug=_required(cells, "author", "Author"),
        related_slugs=parse_multi_reference(cells.get("related", "")),
    )


def _status(cells: Cells, published_on_system: datetime | None) -> str:
    if "draft" not in cells and "archived" not in cells:
        # Exports without these columns list live items only.
        return PUBLISHED if published_on_system else DRAFT
    if parse_bool(cells.get("archived", ""), "Archived"):
        return ARCHIVED
    if parse_bool(cells.get("draft", ""), "Draft"):
        return DRAFT
    return PUBLISHED


def _required(cells: Cells, key: str, label: str) -> str:
    value = cells.get(key, "")
    if not value:
        raise RowError(f"no {label}")
    return value


def _image(url: str, images: Path, label: str, warnings: list[str]) -> Image | None:
    image = find_image(url, images)
    if image and not image.found:
        warnings.append(f"{label} file {image.name or url!r} not found in images/")
    return image
