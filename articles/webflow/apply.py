"""Applying a read Webflow export (:mod:`articles.webflow.reading`) to the database.

Items are keyed on Webflow's Item ID. Each item is written in its own transaction, so a
failing row leaves nothing behind and the rows before it stay imported; a dry run wraps
the whole import in one transaction that is rolled back, and copies no file.
"""

from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import FileField, Model

from isha import pagecache

from .. import publishing
from ..actors import Actor
from ..models import Article, Author, Citation, RelatedArticle, Source
from ..sanitize import sanitize_html
from .images import Image, ImageCopier, not_an_image
from .library import library_body
from .report import CREATED, SKIPPED, UNCHANGED, UPDATED, ImportReport, Outcome
from .richtext import Citation as CitedSource
from .rows import AuthorRow, Export, PostRow, Problem

# The media library's folder (articles.models.Image.file): inline images join the library.
INLINE_IMAGE_FOLDER = "library/"
PROGRESS_EVERY = 50


def apply_export(
    export: Export,
    *,
    actor: Actor,
    force: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int], object] | None = None,
    progress_every: int = PROGRESS_EVERY,
) -> ImportReport:
    """Write ``export`` (an :class:`~articles.webflow.rows.Export`) to the database.

    Authors first, then posts, then the posts' related links (which may point forward).
    Articles are written through ``articles.publishing`` as ``actor`` (the command passes
    the system, ``None``, inside ``system_actor("import_webflow")``), so the same
    permissions, history and on-commit side effects apply as in the admin.
    An article edited since its import is skipped unless ``force``. ``progress(done, total)``
    is called every ``progress_every`` posts. Returns an :class:`ImportReport`; a failing
    row is rolled back and reported, never raised.
    """
    report = ImportReport(dry_run=dry_run, warnings=list(export.warnings))
    for problem in export.skipped:
        outcomes = report.posts if problem.kind == "post" else report.authors
        outcomes.append(Outcome(problem.line, problem.item, SKIPPED, problem.message))
    files = ImageCopier(dry_run)
    with transaction.atomic() if dry_run else nullcontext():
        for author in export.authors:
            outcome = _in_transaction(author, files, _import_author, author, force, files, report)
            report.authors.append(outcome)
        known = _known_slugs(export)
        written: list[tuple[PostRow, list[str]]] = []
        for done, row in enumerate(export.posts, 1):
            related = [s for s in row.related_slugs if s in known and s != row.slug]
            fingerprint = row.fingerprint(related)
            outcome = _in_transaction(row, files, _import_post, row, fingerprint, force, files, report, actor)
            report.posts.append(outcome)
            if outcome.action in (CREATED, UPDATED):
                written.append((row, related))
            if progress and done % progress_every == 0:
                progress(done, len(export.posts))
        for row, related in written:
            _link_related(row, related, report)
        report.not_in_export = _not_in_export(export.item_ids)
        if dry_run:
            transaction.set_rollback(True)
    report.posts.sort(key=lambda o: o.line)
    report.authors.sort(key=lambda o: o.line)
    report.warnings.sort(key=lambda w: (w.kind, w.line))
    return report


def _known_slugs(export: Export) -> set[str]:
    """Slugs a related link may point to: the export's posts and the site's articles."""
    wanted = {slug for post in export.posts for slug in post.related_slugs}
    on_site = Article.objects.filter(slug__in=wanted).values_list("slug", flat=True)
    return {post.slug for post in export.posts} | set(on_site)


def _in_transaction(
    row: PostRow | AuthorRow, files: ImageCopier, apply: Callable[..., tuple[str, str]], *args: object
) -> Outcome:
    try:
        with transaction.atomic():
            action, reason = apply(*args)
    except Exception as exc:  # one bad row must not stop the others; its reason is reported
        files.discard_written()
        return Outcome(row.line, row.slug, SKIPPED, f"failed, nothing written: {_reason(exc)}")
    files.keep_written()
    return Outcome(row.line, row.slug, action, reason)


def _import_author(row: AuthorRow, force: bool, files: ImageCopier, report: ImportReport) -> tuple[str, str]:
    author = (
        Author.objects.filter(webflow_item_id=row.item_id).first()
        or Author.objects.filter(slug=row.slug, webflow_item_id=None).first()
    )
    new = author is None
    author = author or Author()
    values: dict[str, object] = {
        "webflow_item_id": row.item_id,
        "name": row.name,
        "slug": row.slug,
        "bio": sanitize_html(row.bio),
    }
    photo = _usable(row.photo, row, report, "author") if row.photo else None
    if row.photo is None or photo:
        values["photo"] = files.target_name(photo, _file_field(Author, "photo")) if photo else ""
    differing = [key for key, value in values.items() if getattr(author, key) != value]
    if not differing:
        return UNCHANGED, ""
    # Authors record no edit time, so a difference may be an editor's work. Linking an
    # author of the same slug made on the site before the import is safe, though.
    if not new and not force and set(differing) != {"webflow_item_id"}:
        return (
            SKIPPED,
            f"differs from the site's author ({', '.join(differing)}); kept (use --force)",
        )
    for key, value in values.items():
        setattr(author, key, value)
    if photo and "photo" in differing:
        author.photo = files.store(photo, _file_field(Author, "photo"))
    author.full_clean()
    author.save()
    return (CREATED if new else UPDATED), ""


def _import_post(
    row: PostRow, fingerprint: str, force: bool, files: ImageCopier, report: ImportReport, actor: Actor
) -> tuple[str, str]:
    article = Article.objects.filter(webflow_item_id=row.item_id).first()
    if article is None:
        action, article = CREATED, Article(webflow_item_id=row.item_id)
    elif kept := _not_to_update(article, fingerprint, force):
        return kept
    else:
        action = UPDATED
    if Article.objects.filter(slug=row.slug).exclude(pk=article.pk).exists():
        return SKIPPED, f"slug {row.slug!r} is used by another article"
    author = Author.objects.filter(slug=row.author_slug).first()
    if author is None:
        return SKIPPED, f"author {row.author_slug!r} is neither in the export nor on the site"

    images_ok, new_urls = _store_images(article, row, files, report)
    no_alt = row.hero_image is not None and not row.hero_image_alt
    article.title, article.slug, article.summary = row.title, row.slug, row.summary
    article.body = library_body(row.body, new_urls, files.dry_run)
    article.author, article.featured, article.status = author, row.featured, row.status
    article.published_at, article.published_on, article.updated_on = (
        row.published_at,
        row.published_on,
        row.updated_on,
    )
    article.hero_image_alt, article.hero_image_decorative = row.hero_image_alt, no_alt
    article.needs_editor_attention = no_alt or not images_ok
    article.webflow_fingerprint = fingerprint
    article.full_clean()
    publishing.save_changes(article=article, actor=actor)
    # Equal times mean "not edited since"; see Article.edited_since_import.
    Article.objects.filter(pk=article.pk).update(imported_at=article.modified_at)
    _replace_citations(article, row.references)
    return action, ""


def _not_to_update(article: Article, fingerprint: str, force: bool) -> tuple[str, str] | None:
    """``(UNCHANGED, "")`` or ``(SKIPPED, reason)`` when an imported article stays as it is."""
    edited = article.edited_since_import()
    if article.webflow_fingerprint == fingerprint and not (force and edited):
        return UNCHANGED, ""
    if edited and not force:
        when = f"{article.modified_at:%Y-%m-%d %H:%M} UTC"
        return (
            SKIPPED,
            f"edited in the admin ({when}) since its import; not overwritten (use --force)",
        )
    return None


def _store_images(
    article: Article, row: PostRow, files: ImageCopier, report: ImportReport
) -> tuple[bool, dict[str, str]]:
    """Store the row's hero, thumbnail and inline images; set the first two on ``article``.

    Returns whether every image could be stored, and the inline images' new URLs by their
    Webflow URL.
    """
    images_ok = True
    for attribute, image in (("hero_image", row.hero_image), ("thumbnail", row.thumbnail)):
        if image is None:
            setattr(article, attribute, "")
        elif source := _usable(image, row, report):
            setattr(article, attribute, files.store(source, _file_field(Article, attribute)))
        else:
            images_ok = False  # keep whatever an earlier import stored
    new_urls = {}
    for image in row.inline_images:
        if source := _usable(image, row, report):
            new_urls[image.url] = default_storage.url(files.store(source, folder=INLINE_IMAGE_FOLDER))
        else:
            images_ok = False
    return images_ok, new_urls


def _replace_citations(article: Article, references: tuple[CitedSource, ...]) -> None:
    article.citations.all().delete()
    # Shared library: the same study cited by two posts is one source (by DOI, then PMID).
    sources = [
        Source.objects.get_or_create_for(c.citation, doi=c.doi, pmid=c.pmid, url=c.url)[0] for c in references
    ]
    Citation.objects.bulk_create(
        Citation(article=article, position=i, source=source)
        for i, source in enumerate(dict.fromkeys(sources))
    )


def _file_field(model: type[Model], name: str) -> FileField:
    """The model's file field ``name``: its ``upload_to`` and ``max_length`` name stored copies."""
    model_field = model._meta.get_field(name)
    if not isinstance(model_field, FileField):
        raise TypeError(f"{model.__name__}.{name} is not a file field")
    return model_field


def _usable(image: Image, row: PostRow | AuthorRow, report: ImportReport, kind: str = "post") -> Path | None:
    """The image's file, or None when it is missing (the reader said so) or not an image."""
    if image.path is None:
        return None
    if reason := not_an_image(image.path):
        message = f"{image.name} not imported: {reason}"
        report.warnings.append(Problem(row.line, row.slug, message, kind))
        return None
    return image.path


def _link_related(row: PostRow, predicted: list[str], report: ImportReport) -> None:
    """Replace the article's related links by the export's, in order; report the unknown."""
    article = Article.objects.get(webflow_item_id=row.item_id)
    targets = Article.objects.in_bulk([s for s in row.related_slugs if s != row.slug], field_name="slug")
    for slug in row.related_slugs:
        if slug not in targets:
            why = "relates to itself" if slug == row.slug else "is neither in the export nor on the site"
            report.warnings.append(Problem(row.line, row.slug, f"related post {slug!r} {why}; left out"))
    resolved = [s for s in row.related_slugs if s in targets]
    try:
        with transaction.atomic():
            RelatedArticle.objects.filter(from_article=article).delete()
            RelatedArticle.objects.bulk_create(
                RelatedArticle(from_article=article, to_article=targets[s], position=i)
                for i, s in enumerate(resolved)
            )
            # bulk_create sends no post_save, so the page cache is told here, on commit.
            pagecache.invalidate_on_commit()
            if resolved != predicted:
                # A related post in the export failed to import: once it does, this
                # article's fingerprint no longer matches and the link is made then.
                Article.objects.filter(pk=article.pk).update(webflow_fingerprint=row.fingerprint(resolved))
    except Exception as exc:  # the article stays; an empty fingerprint makes the next run retry
        Article.objects.filter(pk=article.pk).update(webflow_fingerprint="")
        report.warnings.append(Problem(row.line, row.slug, f"related posts not linked: {_reason(exc)}"))


def _not_in_export(item_ids: set[str]) -> list[str]:
    missing = [
        f"{kind} {slug} ({item_id})"
        for kind, model in (("post", Article), ("author", Author))
        for slug, item_id in model.objects.exclude(webflow_item_id=None)
        .exclude(webflow_item_id__in=item_ids)
        .order_by("slug")
        .values_list("slug", "webflow_item_id")
    ]
    return missing


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return "; ".join(
            " ".join(messages) if key == NON_FIELD_ERRORS else f"{key}: {' '.join(messages)}"
            for key, messages in exc.message_dict.items()
        )
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return f"{type(exc).__name__}: {exc}"
