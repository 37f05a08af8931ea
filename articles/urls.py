from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("topics/<slug:slug>/", views.TopicView.as_view(), name="topic"),
    path("authors/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("reviewers/<slug:slug>/", views.ReviewerView.as_view(), name="reviewer"),
    path("search/", views.SearchView.as_view(), name="search"),
]
