from datetime import timedelta

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _

EDITOR_MODELS = (
    "article",
    "author",
    "citation",
    "image",
    "page",
    "relatedarticle",
    "reviewer",
    "sitesettings",
    "slugredirect",
    "source",
    "topic",
    "updatenote",
)


def create_editorial_groups(sender, **kwargs):
    """After every ``migrate``: "Editors" write and edit; "Publishers" also publish;
    "Reviewers" read everything and sign off medical reviews (a reviewer also needs a
    medical reviewer profile linked to their account). Editors and Publishers also work
    the reader feedback queue."""
    from isha.groups import ensure_group

    ensure_group("Editors", "articles", EDITOR_MODELS)
    ensure_group("Publishers", "articles", EDITOR_MODELS, extra=("publish_article",))
    ensure_group("Reviewers", "articles", EDITOR_MODELS, actions=("view",))
    ensure_group("Reviewers", "articles", ("article",), actions=("change",), extra=("review_article",))
    # Reader feedback is not page content (saving it retires no cached page): the queue
    # is worked by Editors and Publishers; Reviewers may read it.
    ensure_group("Editors", "articles", ("readerfeedback",), actions=("change", "view"))
    ensure_group("Publishers", "articles", ("readerfeedback",), actions=("change", "view"))
    ensure_group("Reviewers", "articles", ("readerfeedback",), actions=("view",))


def next_scheduled_publication():
    """The aware ``datetime`` of the next scheduled article publication, or ``None``."""
    from .models import Article

    return Article.objects.scheduled().order_by("published_at").values_list("published_at", flat=True).first()


class ArticlesConfig(AppConfig):
    """Articles and the evidence behind them; tells the page cache when content changes."""

    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from isha import pagecache, periodic

        from . import cache_keys, checks  # noqa: F401  (checks registers the source-check settings' checks)
        from .library import adopt_alt_texts
        from .review_dates import next_review_lapse
        from .search import register_sqlite_fold

        post_migrate.connect(create_editorial_groups, sender=self)
        connection_created.connect(register_sqlite_fold, dispatch_uid="articles_sqlite_fold")
        post_save.connect(adopt_alt_texts, sender=self.get_model("Article"), dispatch_uid="adopt_alt_texts")
        # What each page shows and each editor's change touches (surrogate keys).
        cache_keys.register(self)
        pagecache.register_next_change(next_scheduled_publication)
        # A page saying "Next review due" must not outlive that date.
        pagecache.register_next_change(next_review_lapse)
        periodic.register(
            "check_sources",
            every=timedelta(days=1),
            description="look up sources' DOIs (Crossref) and PMIDs (PubMed) for retractions and corrections",
        )
