"""Public article pages: the list on the home page and each article."""

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from . import review_dates
from .citations import number_sources
from .library import render_library_images
from .models import Article, Author, Reviewer, SiteSettings, SlugRedirect, Source, Topic
from .sanitize import sanitize_for_readers, sanitize_html
from .search import MAX_QUERY_LENGTH, clean_query, has_words, search_articles, with_snippets
from .toc import add_heading_anchors, reading_time


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
        return articles.published()

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
        else:
            article, sources = live, list(Source.objects.cited_by(live))
            topics = list(live.topics.all())
            related = Article.objects.published().related_to(live, self.related_count)
        # Sanitised before the substitutions (which need clean HTML to tell text from
        # tags) and after them (what readers get), whatever path stored the body.
        numbered = number_sources(sanitize_html(article.body), sources)
        body, toc = add_heading_anchors(numbered.body)
        body = sanitize_for_readers(render_library_images(body))
        context.update(
            article=article,
            showing_pending=showing_pending,
            body=body,
            toc=toc,
            sources=numbered.entries,
            reading_minutes=reading_time(article.body),
            is_preview=(article is not live or not live.is_published)
            and not getattr(self.request, "shows_readers_view", False),
            topics=topics,
            update_notes=list(live.update_notes.all()),
            related=related,
            # Not repeating what the related list already offers.
            latest=Article.objects.published()
            .with_listing_data()
            .exclude(pk__in=[live.pk, *(a.pk for a in related)])[: self.latest_count],
            site_settings=SiteSettings.load(),
        )
        context.update(review_dates.reader_notice(article, context["site_settings"].review_interval_months))
        return context


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
