"""Public article pages: the list on the home page and each article."""

from django.conf import settings
from django.views.generic import DetailView, ListView

from .models import Article, SiteSettings


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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        published = Article.objects.published()
        context.update(
            is_preview=not article.is_published,
            references=article.references.all(),
            related=self.related_articles(article),
            latest=published.with_listing_data().exclude(pk=article.pk)[: self.latest_count],
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
