"""Applying a read Webflow export (:mod:`articles.webflow.reading`) to the database.

Items are keyed on Webflow's Item ID. Each item is written in its own transaction, so a
failing row leaves nothing behind and the rows before it stay imported; a dry run wraps
the whole import in one transaction that is rolled back, and copies no file.
"""

from contextlib import nullcontext
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction

from ..models import Article, Author, Citation, RelatedArticle, Source
from ..sanitize import sanitize_html
from .images import ImageCopier, not_an_image
from .reading import Problem
from .richtext import replace_image_urls

CREATED, UPDATED, UNCHANGED, SKIPPED = "created", "updated", "unchanged", "skipped"
ACTIONS = (CREATED, UPDATED, UNCHANGED, SKIPPED)
INLINE_IMAGE_FOLDER = "articles/inline/"
PROGRESS_EVERY = 50


@dataclass(frozen=True)
class Outcome:
    """What happened to one CSV row: ``action`` is one of ``ACTIONS``; skips carry a reason."""

    line: int
    item: str
    action: str
    reason: str = ""

    def __str__(self):
        return f"line {self.line} ({self.item}): {self.reason}"


@dataclass
class ImportReport:
    """The result of :func:`apply_export`.

    ``posts``/``authors``: one :class:`Outcome` per CSV row, in CSV order. ``warnings``:
    :class:`~articles.webflow.reading.Problem` objects that did not stop a row (missing images,
    unresolved related posts). ``not_in_export``: items imported before that this export
    lacks, as ``"kind slug (item id)"``; they are left alone.
    """

    dry_run: bool = False
    posts: list[Outcome] = field(default_factory=list)
    authors: list[Outcome] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    not_in_export: list[str] = field(default_factory=list)

    def counts(self, kind="posts"):
        """``{"created": n, "updated": n, "unchanged": n, "skipped": n}`` for posts or authors."""
        outcomes = getattr(self, kind)
        return {action: sum(o.action == action for o in outcomes) for action in ACTIONS}

    @property
    def changed(self):
        return any(o.action in (CREATED, UPDATED) for o in self.posts + self.authors)

    def lines(self):
        """The report as lines of text for a terminal."""
        would = "would be " if self.dry_run else ""
        out = []
        for kind in ("posts", "authors"):
            counts = self.counts(kind)
            out.append(
                f"{kind.capitalize()}: {counts[CREATED]} {would}created, "
                f"{counts[UPDATED]} {would}updated, {counts[UNCHANGED]} skipped (unchanged), "
                f"{counts[SKIPPED]} skipped (see below)"
            )
            out += [f"  skipped {o}" for o in getattr(self, kind) if o.action == SKIPPED]
        if self.warnings:
            out.append("Warnings:")
            out += [f"  {'authors CSV ' if w.kind == 'author' else ''}{w}" for w in self.warnings]
        if self.not_in_export:
            out.append("Not in this export (left alone):")
            out += [f"  {item}" for item in self.not_in_export]
        if not self.changed:
            out.append("Nothing changed: the database already matches this export.")
        if self.dry_run:
            out.append("Dry run: nothing was written.")
        return out


def apply_export(export, *, force=False, dry_run=False, progress=None, progress_every=PROGRESS_EVERY):
    """Write ``export`` (an :class:`~articles.webflow.reading.Export`) to the database.

    Authors first, then posts, then the posts' related links (which may point forward).
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
        for row in export.authors:
            report.authors.append(_in_transaction(row, files, _import_author, row, force, files, report))
        known = _known_slugs(export)
        written = []
        for done, row in enumerate(export.posts, 1):
            related = [s for s in row.related_slugs if s in known and s != row.slug]
            fingerprint = row.fingerprint(related)
            outcome = _in_transaction(row, files, _import_post, row, fingerprint, force, files, report)
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


def _known_slugs(export):
    """Slugs a related link may point to: the export's posts and the site's articles."""
    wanted = {slug for post in export.posts for slug in post.related_slugs}
    on_site = Article.objects.filter(slug__in=wanted).values_list("slug", flat=True)
    return {post.slug for post in export.posts} | set(on_site)


def _in_transaction(row, files, apply, *args):
    try:
        with transaction.atomic():
            action, reason = apply(*args)
    except Exception as exc:  # one bad row must not stop the others; its reason is reported
        files.discard_written()
        return Outcome(row.line, row.slug, SKIPPED, f"failed, nothing written: {_reason(exc)}")
    files.keep_written()
    return Outcome(row.line, row.slug, action, reason)


def _import_author(row, force, files, report):
    author = (
        Author.objects.filter(webflow_item_id=row.item_id).first()
        or Author.objects.filter(slug=row.slug, webflow_item_id=None).first()
    )
    new = author is None
    author = author or Author()
    values = {
        "webflow_item_id": row.item_id,
        "name": row.name,
        "slug": row.slug,
        "bio": sanitize_html(row.bio),
    }
    photo = _usable(row.photo, row, report, "author") if row.photo else None
    if row.photo is None or photo:
        values["photo"] = files.target_name(photo, Author.photo.field) if photo else ""
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
        author.photo = files.store(photo, Author.photo.field)
    author.full_clean()
    author.save()
    return (CREATED if new else UPDATED), ""


def _import_post(row, fingerprint, force, files, report):
    article = Article.objects.filter(webflow_item_id=row.item_id).first()
    if article is None:
        action, article = CREATED, Article(webflow_item_id=row.item_id)
    else:
        edited = article.edited_since_import()
        if article.webflow_fingerprint == fingerprint and not (force and edited):
            return UNCHANGED, ""
        if edited and not force:
            when = f"{article.modified_at:%Y-%m-%d %H:%M} UTC"
            return (
                SKIPPED,
                f"edited in the admin ({when}) since its import; not overwritten (use --force)",
            )
        action = UPDATED
    if Article.objects.filter(slug=row.slug).exclude(pk=article.pk).exists():
        return SKIPPED, f"slug {row.slug!r} is used by another article"
    author = Author.objects.filter(slug=row.author_slug).first()
    if author is None:
        return SKIPPED, f"author {row.author_slug!r} is neither in the export nor on the site"

    images_ok = True
    for attribute, image in (("hero_image", row.hero_image), ("thumbnail", row.thumbnail)):
        if image is None:
            setattr(article, attribute, "")
        elif source := _usable(image, row, report):
            setattr(article, attribute, files.store(source, Article._meta.get_field(attribute)))
        else:
            images_ok = False  # keep whatever an earlier import stored
    new_urls = {}
    for image in row.inline_images:
        if source := _usable(image, row, report):
            new_urls[image.url] = default_storage.url(files.store(source, folder=INLINE_IMAGE_FOLDER))
        else:
            images_ok = False
    no_alt = row.hero_image is not None and not row.hero_image_alt
    article.title, article.slug, article.summary = row.title, row.slug, row.summary
    article.body = replace_image_urls(row.body, new_urls)
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
    article.save()
    # Equal times mean "not edited since"; see Article.edited_since_import.
    Article.objects.filter(pk=article.pk).update(imported_at=article.modified_at)
    article.citations.all().delete()
    # Shared library: the same study cited by two posts is one source (by DOI, then PMID).
    sources = [
        Source.objects.get_or_create_for(c.citation, doi=c.doi, pmid=c.pmid, url=c.url)[0]
        for c in row.references
    ]
    Citation.objects.bulk_create(
        Citation(article=article, position=i, source=source)
        for i, source in enumerate(dict.fromkeys(sources))
    )
    return action, ""


def _usable(image, row, report, kind="post"):
    """The image's file, or None when it is missing (the reader said so) or not an image."""
    if not image.found:
        return None
    if reason := not_an_image(image.path):
        message = f"{image.name} not imported: {reason}"
        report.warnings.append(Problem(row.line, row.slug, message, kind))
        return None
    return image.path


def _link_related(row, predicted, report):
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
            if resolved != predicted:
                # A related post in the export failed to import: once it does, this
                # article's fingerprint no longer matches and the link is made then.
                Article.objects.filter(pk=article.pk).update(webflow_fingerprint=row.fingerprint(resolved))
    except Exception as exc:  # the article stays; an empty fingerprint makes the next run retry
        Article.objects.filter(pk=article.pk).update(webflow_fingerprint="")
        report.warnings.append(Problem(row.line, row.slug, f"related posts not linked: {_reason(exc)}"))


def _not_in_export(item_ids):
    missing = [
        f"{kind} {slug} ({item_id})"
        for kind, model in (("post", Article), ("author", Author))
        for slug, item_id in model.objects.exclude(webflow_item_id=None)
        .exclude(webflow_item_id__in=item_ids)
        .order_by("slug")
        .values_list("slug", "webflow_item_id")
    ]
    return missing


def _reason(exc):
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return "; ".join(
            " ".join(messages) if key == NON_FIELD_ERRORS else f"{key}: {' '.join(messages)}"
            for key, messages in exc.message_dict.items()
        )
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return f"{type(exc).__name__}: {exc}"
