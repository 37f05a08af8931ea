"""Public article pages: the list on the home page and each article."""

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from . import review_dates
from .models import Article, Author, Reviewer, SiteSettings, SlugRedirect, Topic
from .reader_parts import parts_for, render_parts
from .sanitize import sanitize_for_readers
from .search import MAX_QUERY_LENGTH, clean_query, has_words, search_articles, with_snippets

#: Article columns no reader's page shows (deferred on the article page).
UNREAD_BY_READERS = (
    "search_vector",
    "check_findings",
    "pending_revision",
    "draft_note",
    "webflow_item_id",
    "webflow_fingerprint",
    "reviewed_body_hash",
)


def can_preview(user):
    """Staff with the change permission may see unpublished articles (with a banner)."""
    return user.is_active and user.is_staff and user.has_perm("articles.change_article")


class ArticleCardsView(ListView):
    """A paginated list of article cards (``ARTICLES_PER_PAGE`` a page)."""

    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE


class ArticleListView(ArticleCardsView):
    """``/``: the latest published articles, newest first after the lead story (the newest
    featured one), paginated."""

    template_name = "articles/article_list.html"

    def get_queryset(self):
        return Article.objects.published().lead_story_first().with_listing_data()


class ArticleDetailView(DetailView):
    """``/articles/<slug>/``: one article. Unpublished ones are 404 except to previewers."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"
    latest_count = 3
    related_count = 3

    def get_queryset(self):
        articles = Article.objects.select_related("author", "reviewed_by")
        if can_preview(self.request.user):
            return articles
        # What readers' pages never read; the search document is the largest of them.
        return articles.published().defer(*UNREAD_BY_READERS)

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            redirect = self.old_address(kwargs["slug"])
            if redirect is None:
                raise
            return HttpResponsePermanentRedirect(redirect)

    def old_address(self, slug):
        """The current URL of a visible article that used to live at ``slug``, or None."""
        moved = SlugRedirect.objects.filter(old_slug=slug).values_list("article_id", flat=True).first()
        if moved is None:
            return None
        article = self.get_queryset().filter(pk=moved).first()
        return article.get_absolute_url() if article else None

    def showing_pending_changes(self):
        """True when a previewer asked for the article's pending (unpublished) revision."""
        return (
            self.request.GET.get("preview") == "pending"
            and self.object.pending_revision is not None
            and can_preview(self.request.user)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        live = self.object
        showing_pending = self.showing_pending_changes()
        if showing_pending:
            from .revisions import pending_preview, pending_topics

            article, sources, related = pending_preview(live)
            topics = pending_topics(live)
            parts = render_parts(article, sources)
            latest = self.latest(live, related)
        else:
            article, parts = live, parts_for(live)
            topics = list(live.topics.only("name", "slug"))
            related, latest = Article.objects.published().reading_next(
                live, [topic.pk for topic in topics], self.related_count, self.latest_count
            )
        site_settings = SiteSettings.load_shared()
        context.update(
            article=article,
            showing_pending=showing_pending,
            parts=parts,
            is_preview=(article is not live or not live.is_published)
            and not getattr(self.request, "shows_readers_view", False),
            topics=topics,
            update_notes=list(live.update_notes.all()),
            related=related,
            latest=latest,
            site_settings=site_settings,
        )
        context.update(review_dates.reader_notice(article, site_settings.review_interval_months))
        return context

    def latest(self, live, related):
        """The newest published articles besides ``live`` and ``related`` (a list)."""
        shown = [live.pk, *(a.pk for a in related)]
        return list(Article.objects.published().for_cards().exclude(pk__in=shown)[: self.latest_count])


def listed_subjects(model, article_filter):
    """The ``model`` objects (topics, authors, reviewers) with a page of their own: those
    with at least one published article, ``article_filter`` being the lookup from Article
    to ``model``. The others' pages and feeds are 404 (the sitemap applies the same rule),
    so an empty page never reaches readers or search engines; their first published
    article makes them appear."""
    return model.objects.filter(pk__in=Article.objects.published().values(article_filter))


class ArticlesByView(ArticleCardsView):
    """A page listing the published articles of one topic, author or reviewer.

    Subclasses name the ``model`` looked up by slug and the ``article_filter`` that
    picks its articles (a lookup taking the object). 404 until one is published
    (:func:`listed_subjects`).
    """

    template_name = "articles/articles_by.html"
    model = None
    article_filter = None

    def get_queryset(self):
        self.subject = get_object_or_404(
            listed_subjects(self.model, self.article_filter), slug=self.kwargs["slug"]
        )
        return Article.objects.published().with_listing_data().filter(**{self.article_filter: self.subject})

    def get_context_data(self, **kwargs):
        # Bios are sanitised on save; again here for one stored by a path that skipped it.
        bio = sanitize_for_readers(getattr(self.subject, "bio", ""))
        return super().get_context_data(subject=self.subject, kind=self.kind, bio=bio, **kwargs)


class TopicView(ArticlesByView):
    """``/topics/<slug>/``: a topic's published articles."""

    model, article_filter, kind = Topic, "topics", "topic"


class AuthorView(ArticlesByView):
    """``/authors/<slug>/``: an author's published articles."""

    model, article_filter, kind = Author, "author", "author"


class ReviewerView(ArticlesByView):
    """``/reviewers/<slug>/``: the published articles a clinician reviewed."""

    model, article_filter, kind = Reviewer, "reviewed_by", "reviewer"


class SearchView(ArticleCardsView):
    """``/search/?q=``: published articles matching the query, best match first."""

    template_name = "articles/search_results.html"

    def get_queryset(self):
        self.query, self.query_was_cut = clean_query(self.request.GET.get("q", ""))
        return search_articles(self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["articles"] = context["object_list"] = with_snippets(context["object_list"], self.query)
        return context | {
            "query": self.query,
            "query_was_cut": self.query_was_cut,
            "query_has_words": has_words(self.query),
            "max_query_length": MAX_QUERY_LENGTH,
        }
