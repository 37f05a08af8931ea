from django.urls import path

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("topics/<slug:slug>/", views.TopicView.as_view(), name="topic"),
    path("authors/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("reviewers/<slug:slug>/", views.ReviewerView.as_view(), name="reviewer"),
    path("feed/rss/", feeds.LatestArticlesRssFeed(), name="feed-rss"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed-atom"),
    path("topics/<slug:slug>/feed/rss/", feeds.TopicRssFeed(), name="topic-feed-rss"),
    path("topics/<slug:slug>/feed/atom/", feeds.TopicAtomFeed(), name="topic-feed-atom"),
    path("search/", views.SearchView.as_view(), name="search"),
]
