"""What articles tell the page cache (:mod:`isha.pagecache`): the surrogate keys each
public page carries, and the keys each change of an editor's row touches.

A page names what it shows: the article, its author, reviewer and topics, every article
it lists (cards, latest, related), the subject of a topic/author/reviewer page; list
pages add ``article-list``. A change names the same keys, hard when readers must never
see the old page again (a removal, a correction note, a deletion, site settings):

=================================  ============================================  =====
change                             keys                                          hard
=================================  ============================================  =====
article becomes visible            ``article-<pk>``, ``article-slug-<slug>``,    no
                                   ``article-list``, ``feeds``, ``sitemap``
visible article edited             ``article-<pk>``, ``feeds``, ``sitemap``      no
visible article unpublished,       ``article-<pk>``, ``article-slug-<slug>``,    yes
archived or deleted                ``feeds``, ``sitemap`` (and ``article-list``,
                                   soft)
scheduled article changed          ``article-list``, ``article-slug-<slug>``     no
draft saved                        nothing (readers see neither state)
correction note                    ``article-<pk>``, ``feeds``                   yes
author / reviewer / topic          ``<kind>-<pk>``, ``article-list``             on delete
source                             ``source-<pk>``, ``article-<pk>`` citing it   on delete
standalone page                    ``page-<pk>``, ``page-slug-<slug>``, ``site``  when removed
                                   when it has a purpose (linked in the footer)
site settings, images              ``site``                                      yes
=================================  ============================================  =====
"""

from django.db.models import Model, QuerySet
from django.db.models.signals import pre_save

from isha.pagecache import SITE, UNSEEN_BY_READERS, Change, key

BEFORE = "_pagecache_before"
LISTS = ("article-list", "feeds", "sitemap")
# Rows a page's template context may hold that have keys of their own.
SHOWN_MODELS = frozenset({"article", "author", "reviewer", "topic", "source", "page"})


def remember_before(sender, instance, **_kwargs):
    """``pre_save`` of Article and Page: keep the row's visible state before the save, so
    the change's keys can tell a removal (hard) from an edit. One query, editors only."""
    if instance.pk is None or getattr(instance, UNSEEN_BY_READERS, False):
        return
    fields = (
        ("status", "published_at", "slug")
        if hasattr(instance, "published_at")
        else ("status", "slug", "purpose")
    )
    setattr(instance, BEFORE, sender.objects.filter(pk=instance.pk).values(*fields).first())


def _article_visible(state):
    from django.utils import timezone

    from .models import Article

    return bool(
        state
        and state["status"] == Article.Status.PUBLISHED
        and state["published_at"] is not None
        and state["published_at"] <= timezone.now()
    )


def _article_scheduled(state):
    from .models import Article

    return bool(state and state["status"] == Article.Status.PUBLISHED and not _article_visible(state))


def article_changes(article, deleted):
    """The changes of a saved or deleted :class:`~articles.models.Article` (see the table)."""
    before = getattr(article, BEFORE, None)
    now = (
        None
        if deleted
        else {"status": article.status, "published_at": article.published_at, "slug": article.slug}
    )
    own = {key("article", article.pk)}
    slugs = {key("article-slug", state["slug"]) for state in (before, now) if state}
    was, is_ = _article_visible(before), _article_visible(now)
    if was and not is_:
        return [Change(frozenset(own | slugs | {"feeds", "sitemap"}), hard=True), Change(frozenset(LISTS))]
    if is_:
        lists = set(LISTS) if not was else {"feeds", "sitemap"}
        return Change(frozenset(own | lists | (slugs if not was or len(slugs) > 1 else set())))
    if _article_scheduled(before) or _article_scheduled(now):
        return Change(frozenset({"article-list"} | slugs))
    return None


def part_changes(part, deleted):
    """A row that belongs to one article (a citation, a related article): its article."""
    article_id = getattr(part, "article_id", None) or getattr(part, "from_article_id", None)
    return Change(frozenset({key("article", article_id)}))


def update_note_changes(note, deleted):
    """A correction note changes what the article says happened: never served stale."""
    return Change(frozenset({key("article", note.article_id), "feeds"}), hard=True)


def redirect_changes(redirect, deleted):
    """An old address now redirects (or no longer does): its cached 404 goes."""
    return Change(frozenset({key("article-slug", redirect.old_slug)}))


def subject_changes(subject, deleted):
    """An author, reviewer or topic: its own pages, and lists showing its name."""
    kind = type(subject)._meta.model_name
    return Change(frozenset({key(kind, subject.pk), "article-list"}), hard=deleted)


def source_changes(source, deleted):
    """A source: every article citing it shows it in its source list."""
    from .models import Citation

    citing = Citation.objects.filter(source_id=source.pk).values_list("article_id", flat=True)
    keys = {key("source", source.pk)} | {key("article", pk) for pk in citing}
    return Change(frozenset(keys), hard=deleted)


def page_changes(page, deleted):
    """A standalone page; pages with a purpose are linked in every page's footer."""
    from .models import Page

    before = getattr(page, BEFORE, None) or {}
    keys = {key("page", page.pk), key("page-slug", page.slug)}
    if before.get("slug"):
        keys.add(key("page-slug", before["slug"]))
    if page.purpose or before.get("purpose"):
        keys.add(SITE)
    removed = deleted or (
        before.get("status") == Page.Status.PUBLISHED and page.status != Page.Status.PUBLISHED
    )
    if not removed and page.status != Page.Status.PUBLISHED:
        return None
    return Change(frozenset(keys), hard=removed)


def everything(instance, deleted):
    """Site settings (layout, footer, disclosures) and library images (inside bodies)."""
    return Change(frozenset({SITE}), hard=True)


CHANGES = {
    "Article": article_changes,
    "Author": subject_changes,
    "Reviewer": subject_changes,
    "Topic": subject_changes,
    "Source": source_changes,
    "Citation": part_changes,
    "RelatedArticle": part_changes,
    "UpdateNote": update_note_changes,
    "SlugRedirect": redirect_changes,
    "Page": page_changes,
    "SiteSettings": everything,
    "Image": everything,
}


def register(app_config):
    """Register every editor's model with the page cache (from ``ArticlesConfig.ready()``)."""
    from isha import pagecache

    for name, changes in CHANGES.items():
        model = app_config.get_model(name)
        pagecache.register_model(model, changes)
        pagecache.invalidate_on_changes_to(model)
    for name in ("Article", "Page"):
        pre_save.connect(
            remember_before, sender=app_config.get_model(name), dispatch_uid=f"pagecache-before-{name}"
        )


# --- the keys of a rendered page ------------------------------------------------------


def _shown(value, found, depth=0):
    """Add the keys of the model rows in ``value`` (a row, a list, a page of results, an
    evaluated queryset) to ``found``; never runs a query."""
    if isinstance(value, Model):
        meta = value._meta
        if meta.app_label != "articles" or meta.model_name not in SHOWN_MODELS:
            return
        found.add(key(meta.model_name, value.pk))
        for field in ("author_id", "reviewed_by_id"):
            if getattr(value, field, None):
                found.add(key("author" if field == "author_id" else "reviewer", getattr(value, field)))
    elif isinstance(value, QuerySet):
        for row in value._result_cache or ():
            _shown(row, found, depth + 1)
    elif isinstance(value, (list, tuple)) and depth < 2:
        for item in value:
            _shown(item, found, depth + 1)
    elif hasattr(value, "object_list") and depth < 1:  # a paginator's page
        _shown(value.object_list, found, depth + 1)


def shown_keys(request, response):
    """The keys of the rows a rendered page shows (from its template context)."""
    found: set[str] = set()
    for value in (getattr(response, "context_data", None) or {}).values():
        _shown(value, found)
    return found


def list_page_keys(request, response):
    """The home page and other lists of articles."""
    return shown_keys(request, response) | {"article-list", "home"}


def article_page_keys(request, response):
    """An article: what it shows; its latest and related lists change with any publish.
    A 404 names the slug it stands for, so publishing that slug retires it."""
    slug = request.resolver_match.kwargs.get("slug", "")
    if response.status_code == 404:
        return {key("article-slug", slug)}
    return shown_keys(request, response) | {"article-list"}


def subject_page_keys(kind):
    """A topic, author or reviewer page; its 404 (nothing published yet) goes when an
    article is published, or the slug appears."""

    def keys(request, response):
        if response.status_code == 404:
            return {key(f"{kind}-slug", request.resolver_match.kwargs.get("slug", "")), "article-list"}
        return shown_keys(request, response) | {"article-list"}

    return keys


def standalone_page_keys(request, response):
    """An about page (``/about/<slug>/``)."""
    if response.status_code == 404:
        return {key("page-slug", request.resolver_match.kwargs.get("slug", ""))}
    return shown_keys(request, response)


def feed_keys(request, response):
    """The feeds list the latest articles; a topic's feed 404s until it has one."""
    if response.status_code == 404:
        return {key("topic-slug", request.resolver_match.kwargs.get("slug", "")), "article-list"}
    return {"feeds", "article-list"}


def sitemap_keys(request, response):
    """The sitemap lists every published article, page and listed subject."""
    return {"sitemap", "article-list"}


def robots_keys(request, response):
    """robots.txt names the sitemap's address only."""
    return set()
