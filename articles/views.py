"""Public article pages: the list on the home page and each article."""

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.views.generic import DetailView, ListView

from .models import Article, SiteSettings, SlugRedirect
from .toc import add_heading_anchors, reading_time


def can_preview(user):
    """Staff with the change permission may see unpublished articles (with a banner)."""
    return user.is_active and user.is_staff and user.has_perm("articles.change_article")


class ArticleListView(ListView):
    """``/``: the latest published articles, newest first, paginated."""

    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return Article.objects.published().with_listing_data()


class ArticleDetailView(DetailView):
    """``/articles/<slug>/``: one article. Unpublished ones are 404 except to previewers."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"
    latest_count = 3

    def get_queryset(self):
        articles = Article.objects.select_related("author")
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
            from .revisions import pending_preview

            article, references, related = pending_preview(live)
        else:
            article, references, related = live, live.references.all(), list(self.related_articles(live))
        body, toc = add_heading_anchors(article.body)
        context.update(
            article=article,
            showing_pending=showing_pending,
            body=body,
            toc=toc,
            reading_minutes=reading_time(article.body),
            is_preview=article is not live or not live.is_published,
            references=references,
            related=related,
            # Not repeating what the related list already offers.
            latest=Article.objects.published()
            .with_listing_data()
            .exclude(pk__in=[live.pk, *(a.pk for a in related)])[: self.latest_count],
            site_settings=SiteSettings.load(),
        )
        return context

    @staticmethod
    def related_articles(article):
        """The editor's picks in their order, published ones only."""
        return (
            Article.objects.published()
            .with_listing_data()
            .filter(incoming_related__from_article=article)
            .order_by("incoming_related__position", "incoming_related__pk")
        )
