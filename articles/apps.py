from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

EDITOR_MODELS = (
    "article",
    "author",
    "citation",
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
    medical reviewer profile linked to their account)."""
    from isha.groups import ensure_group

    ensure_group("Editors", "articles", EDITOR_MODELS)
    ensure_group("Publishers", "articles", EDITOR_MODELS, extra=("publish_article",))
    ensure_group("Reviewers", "articles", EDITOR_MODELS, actions=("view",))
    ensure_group("Reviewers", "articles", ("article",), actions=("change",), extra=("review_article",))


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        post_migrate.connect(create_editorial_groups, sender=self)
