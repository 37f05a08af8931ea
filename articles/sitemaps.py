"""``/sitemap.xml``: the home page, published articles and standalone pages, and the topic,
author and reviewer pages that list at least one article."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from .models import Article, Author, Page, Reviewer, Topic


class SiteURLSitemap(Sitemap):
    """Locations on ``settings.SITE_URL``, not on whatever Host the request named."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class HomeSitemap(SiteURLSitemap):
    """The home page, last modified when the newest article was published."""

    changefreq = "daily"

    def items(self):
        return ["articles:list"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return Article.objects.published().values_list("published_at", flat=True).first()


class ArticleSitemap(SiteURLSitemap):
    """Every published article."""

    def items(self):
        return Article.objects.published().only("slug", "published_at", "updated_on", "modified_at")

    def lastmod(self, article):
        """The reader-facing "Last updated" date where the editor set one, else the
        date of the last save (or of publication, for an article scheduled after it).

        Always a date: the sitemap compares the values, and dates and datetimes don't compare.
        """
        return article.updated_on or timezone.localdate(max(article.modified_at, article.published_at))


class PageSitemap(SiteURLSitemap):
    """Every published standalone page (editorial standards, privacy notice...)."""

    def items(self):
        return Page.objects.live().only("slug", "updated_at")

    def lastmod(self, page):
        return page.updated_at


class ListingSitemap(SiteURLSitemap):
    """Pages listing the published articles of a ``model`` (``lookup`` from Article to it)."""

    model = None
    lookup = None

    def items(self):
        newest = (
            Article.objects.published()
            .filter(**{self.lookup: OuterRef("pk")})
            .order_by("-published_at")
            .values("published_at")[:1]
        )
        return self.model.objects.annotate(newest_article=Subquery(newest)).filter(
            newest_article__isnull=False
        )

    def lastmod(self, item):
        return item.newest_article


class TopicSitemap(ListingSitemap):
    """Topic pages that list at least one published article."""

    model, lookup = Topic, "topics"


class AuthorSitemap(ListingSitemap):
    """Author pages that list at least one published article."""

    model, lookup = Author, "author"


class ReviewerSitemap(ListingSitemap):
    """Reviewer pages that list at least one published article they reviewed."""

    model, lookup = Reviewer, "reviewed_by"


SITEMAPS = {
    "home": HomeSitemap,
    "articles": ArticleSitemap,
    "pages": PageSitemap,
    "topics": TopicSitemap,
    "authors": AuthorSitemap,
    "reviewers": ReviewerSitemap,
}
