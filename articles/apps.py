from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

EDITOR_MODELS = ("article", "author", "reference", "relatedarticle", "sitesettings")


def create_editors_group(sender, **kwargs):
    """After every ``migrate``: the "Editors" group can manage articles and authors."""
    from isha.groups import ensure_group

    ensure_group("Editors", "articles", EDITOR_MODELS)


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        post_migrate.connect(create_editors_group, sender=self)
