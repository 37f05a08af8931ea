"""Where reporting reads: the optional read replica, never anything a reader's page needs.

With ``DATABASE_REPLICA_URL`` set, ``isha/settings.py`` adds the database alias
:data:`REPLICA`. Only code that asks for it reads there: the dashboard and the exports pass
:func:`reporting_database` to ``QuerySet.using()``. Everything else, public pages purged
on commit (feeds, sitemap) included, reads the primary, so a replica that lags never
shows a reader an article that was archived a second ago.

Django's multi-database routing: https://docs.djangoproject.com/en/6.1/topics/db/multi-db/
"""

from typing import Any

from django.conf import settings
from django.db.models import Model

DEFAULT = "default"
REPLICA = "replica"


def reporting_database() -> str:
    """The alias reporting reads from (``str``): ``"replica"`` when a replica is configured
    (``DATABASE_REPLICA_URL``), else ``"default"``. Use as ``queryset.using(reporting_database())``;
    a replica's rows may be a moment old, so never use it for anything that is then written."""
    return REPLICA if REPLICA in settings.DATABASES else DEFAULT


class PrimaryRouter:
    """Every read not explicitly sent elsewhere, and every write, goes to the primary.

    Django routes a save of an object loaded with ``using("replica")`` back to the
    replica unless a router says otherwise (``ConnectionRouter`` falls back to the
    instance's own database); a replica refuses writes, so :meth:`db_for_write` always
    answers the primary. Migrations never run on the replica: it copies the primary's
    schema by replication.
    """

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        """No opinion: Django then reads the instance's own database, or the default."""
        return None

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        """Always the primary."""
        return DEFAULT

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        """The replica holds the primary's rows, so objects from either may be related."""
        return {obj1._state.db, obj2._state.db} <= {DEFAULT, REPLICA} or None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        """Only outside the replica."""
        return db != REPLICA
