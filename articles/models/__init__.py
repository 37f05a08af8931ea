"""The articles app's models, one module per subject."""

from .article import Article
from .article_parts import RelatedArticle, SlugRedirect, UpdateNote
from .article_queryset import ArticleQuerySet
from .demo import DemoContent
from .feedback import ReaderFeedback
from .media import Image
from .pages import Page
from .people import Author, Reviewer
from .site import SiteSettings
from .sources import Citation, Source
from .topics import Topic

__all__ = [
    "Article",
    "ArticleQuerySet",
    "Author",
    "Citation",
    "DemoContent",
    "Image",
    "Page",
    "ReaderFeedback",
    "RelatedArticle",
    "Reviewer",
    "SiteSettings",
    "SlugRedirect",
    "Source",
    "Topic",
    "UpdateNote",
]
