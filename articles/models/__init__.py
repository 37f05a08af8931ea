"""The articles app's models, one module per subject."""

from .article import Article, ArticleQuerySet, RelatedArticle, SlugRedirect, Topic, UpdateNote
from .people import Author, Reviewer
from .site import SiteSettings
from .sources import Citation, Source

__all__ = [
    "Article",
    "ArticleQuerySet",
    "Author",
    "Citation",
    "RelatedArticle",
    "Reviewer",
    "SiteSettings",
    "SlugRedirect",
    "Source",
    "Topic",
    "UpdateNote",
]
