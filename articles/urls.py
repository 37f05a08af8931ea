from django.urls import path

from isha.pagecache import cache_public_page

from . import feedback_views, feeds, page_views, views
from .cache_keys import (
    article_page_keys,
    feed_keys,
    list_page_keys,
    standalone_page_keys,
    subject_page_keys,
)

# Each view names the query parameters it reads (the page's cache key) and what it shows.
listing = cache_public_page(query=("page",), keys=list_page_keys)
searching = cache_public_page(query=("q", "page"), keys=list_page_keys)

app_name = "articles"

urlpatterns = [
    # Anonymous readers share cached copies of these pages (isha.pagecache).
    path("", listing(views.ArticleListView.as_view()), name="list"),
    path(
        "articles/<slug:slug>/",
        cache_public_page(views.ArticleDetailView.as_view(), keys=article_page_keys),
        name="detail",
    ),
    path("articles/<slug:slug>/feedback/", feedback_views.article_feedback, name="feedback"),
    path(
        "topics/<slug:slug>/",
        cache_public_page(views.TopicView.as_view(), query=("page",), keys=subject_page_keys("topic")),
        name="topic",
    ),
    path(
        "authors/<slug:slug>/",
        cache_public_page(views.AuthorView.as_view(), query=("page",), keys=subject_page_keys("author")),
        name="author",
    ),
    path(
        "reviewers/<slug:slug>/",
        cache_public_page(views.ReviewerView.as_view(), query=("page",), keys=subject_page_keys("reviewer")),
        name="reviewer",
    ),
    path("feed/rss/", cache_public_page(feeds.LatestArticlesRssFeed(), keys=feed_keys), name="feed-rss"),
    path("feed/atom/", cache_public_page(feeds.LatestArticlesAtomFeed(), keys=feed_keys), name="feed-atom"),
    path(
        "topics/<slug:slug>/feed/rss/",
        cache_public_page(feeds.TopicRssFeed(), keys=feed_keys),
        name="topic-feed-rss",
    ),
    path(
        "topics/<slug:slug>/feed/atom/",
        cache_public_page(feeds.TopicAtomFeed(), keys=feed_keys),
        name="topic-feed-atom",
    ),
    path(
        "about/<slug:slug>/",
        cache_public_page(page_views.PageView.as_view(), keys=standalone_page_keys),
        name="page",
    ),
    # Searches are shared too: keyed on the query and the page of results.
    path("search/", searching(views.SearchView.as_view()), name="search"),
]
