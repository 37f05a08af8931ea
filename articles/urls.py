from django.urls import path

from isha.pagecache import cache_public_page

from . import feedback_views, feeds, page_views, views

app_name = "articles"

urlpatterns = [
    # Anonymous readers share cached copies of these pages (isha.pagecache).
    path("", cache_public_page(views.ArticleListView.as_view()), name="list"),
    path("articles/<slug:slug>/", cache_public_page(views.ArticleDetailView.as_view()), name="detail"),
    path("articles/<slug:slug>/feedback/", feedback_views.article_feedback, name="feedback"),
    path("topics/<slug:slug>/", cache_public_page(views.TopicView.as_view()), name="topic"),
    path("authors/<slug:slug>/", cache_public_page(views.AuthorView.as_view()), name="author"),
    path("reviewers/<slug:slug>/", cache_public_page(views.ReviewerView.as_view()), name="reviewer"),
    path("feed/rss/", cache_public_page(feeds.LatestArticlesRssFeed()), name="feed-rss"),
    path("feed/atom/", cache_public_page(feeds.LatestArticlesAtomFeed()), name="feed-atom"),
    path("topics/<slug:slug>/feed/rss/", cache_public_page(feeds.TopicRssFeed()), name="topic-feed-rss"),
    path("topics/<slug:slug>/feed/atom/", cache_public_page(feeds.TopicAtomFeed()), name="topic-feed-atom"),
    path("about/<slug:slug>/", cache_public_page(page_views.PageView.as_view()), name="page"),
    path("search/", views.SearchView.as_view(), name="search"),
]
