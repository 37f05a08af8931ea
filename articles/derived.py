"""What derives from an article's stored row: image renditions (files), the PostgreSQL
search document, the reader's rendering of its text (``articles.reader_parts``) and
redirects from old addresses.

``articles.publishing`` brings them up to date once a change commits
(:func:`refresh_on_commit`), so nothing is derived from a change that was rolled back.
"""

from functools import partial

from django.db import transaction

from .editorial_checks.stored import refresh_checks_on_commit, refresh_stored_checks
from .images import make_crops, make_renditions
from .models import Article, SlugRedirect
from .reader_parts import store_parts_on_commit
from .search import refresh_search_vectors


def refresh_derived_data(article: Article, *, old_slug: str | None = None, was_live: bool = False) -> None:
    """Bring what derives from ``article``'s stored row up to date, now: the redirect from
    ``old_slug`` (:func:`refresh_redirects`), the search document, the image renditions
    and the editorial checks. Editorial changes run them on commit; call this directly
    only for rows written outside ``articles.publishing`` (fixtures, bulk loads).

    The reader's rendering is left out: such rows get their citations after this runs,
    and a rendering stored before them would lack them. Without one the page renders
    live (correct, only slower); a bulk load calls
    :func:`articles.reader_parts.store_parts` once its citations are in.
    """
    refresh_redirects(article, old_slug=old_slug, was_live=was_live)
    refresh_search_document(article)
    refresh_renditions(article)
    refresh_stored_checks(article.pk)


def refresh_redirects(article: Article, *, old_slug: str | None = None, was_live: bool = False) -> None:
    """Make ``old_slug`` redirect permanently to ``article`` when a live article
    (``was_live``) moved from it, and stop redirecting the article's own slug."""
    with transaction.atomic():
        if old_slug and old_slug != article.slug and was_live:
            SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"article": article})
        # A slug taken back by its article (or given to it) no longer redirects.
        SlugRedirect.objects.filter(old_slug=article.slug).delete()


def refresh_search_document(article: Article) -> None:
    """Store ``article``'s search document (PostgreSQL only; see ``articles.search``)."""
    refresh_search_vectors(Article.objects.filter(pk=article.pk))


def refresh_renditions(article: Article, *, store: bool = True) -> None:
    """Make renditions for a new hero image or thumbnail of ``article`` and keep their
    description (``hero_renditions``, ``thumbnail_renditions``); the hero image's also
    lists its crops for search engines (``"crops"``, :func:`articles.images.make_crops`).

    Needs the image in storage, so it runs after the row is saved (a new upload reaches
    storage during ``save()``). With ``store`` (the default) the description is written
    with one UPDATE, only when an image changed; without, only the instance changes (a
    preview of pending changes must not touch the live row). Raises what the storage
    raises when a rendition cannot be written (``OSError``).
    """
    changed = {}
    for field, attribute in (("hero_image", "hero_renditions"), ("thumbnail", "thumbnail_renditions")):
        name = getattr(article, field).name or ""
        current = getattr(article, attribute) or {}
        if current.get("name", "") != name:
            changed[attribute] = make_renditions(name)
        elif attribute == "hero_renditions" and current.get("sources") and "crops" not in current:
            # Renditions made before the crops existed (articles.images.make_crops).
            changed[attribute] = current
        if attribute == "hero_renditions" and changed.get(attribute):
            changed[attribute] = {**changed[attribute], "crops": make_crops(name)}
    for attribute, value in changed.items():
        setattr(article, attribute, value)
    if changed and store:
        Article.objects.filter(pk=article.pk).update(**changed)


def refresh_on_commit(article: Article, *, old_slug: str | None, was_live: bool) -> None:
    """Once the current transaction commits (never if it is rolled back), bring what
    derives from ``article`` up to date: the old slug's redirect, then the search document,
    then the reader's rendering, then the renditions, each its own callback.

    Robust (https://docs.djangoproject.com/en/stable/topics/db/transactions/#django.db.transaction.on_commit):
    a failure is logged, not raised, as the change it follows has committed, and the
    callbacks after it still run, so storage that cannot take a rendition loses neither
    the redirect nor the search document. The cheap database writes come first.

    Call it before saving the row: callbacks run in the order they were registered, and
    the save's ``post_save`` registers the page cache's invalidation, which must come
    after, or a reader could cache the page meanwhile.
    """
    redirect = partial(refresh_redirects, article, old_slug=old_slug, was_live=was_live)
    transaction.on_commit(redirect, robust=True)
    transaction.on_commit(partial(refresh_search_document, article), robust=True)
    store_parts_on_commit([article.pk])
    transaction.on_commit(partial(refresh_renditions, article), robust=True)
    refresh_checks_on_commit(article)
