"""Indexes that keep the subscriber list, its search and filters, and the dashboard quick at 1M rows.

On PostgreSQL every index is built ``CONCURRENTLY`` (hence ``atomic = False``), so
sign-ups keep being written while a large table is indexed
(https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY).

- pg_trgm (a trusted extension since PostgreSQL 13: the database's owner may create it)
  and GIN trigram indexes on the normalised address and on the upper-cased names serve
  the admin's ``LIKE '%...%'`` search (``signups.admin_list.search_subscribers``;
  https://www.postgresql.org/docs/current/pgtrgm.html#PGTRGM-INDEX). They are PostgreSQL's
  own, so they are made here in SQL and not declared on the model (SQLite, in
  development, rebuilds a table with every index the model declares and has no GIN);
  ``TrigramExtension`` does nothing on SQLite.
- A partial index on ``held_reason`` (only held rows have one) and a covering index for
  the dashboard's period counts are ordinary model indexes (``Subscriber.Meta.indexes``).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

TRIGRAM_INDEXES = {
    "signups_sub_email_trgm": "email_normalized gin_trgm_ops",
    "signups_sub_first_trgm": "UPPER(first_name) gin_trgm_ops",
    "signups_sub_last_trgm": "UPPER(last_name) gin_trgm_ops",
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, expression in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON signups_subscriber USING gin ({expression})"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class AddIndexWithoutLock(migrations.AddIndex):
    """``AddIndex``, built ``CONCURRENTLY`` on PostgreSQL (writes go on meanwhile)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, concurrently=True)
        return None

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, concurrently=True)
        return None


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("signups", "0009_subs2"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
        AddIndexWithoutLock(
            model_name="subscriber",
            index=models.Index(
                condition=models.Q(("held_reason", ""), _negated=True),
                fields=["held_reason", "created_at"],
                name="signups_sub_held_reason",
            ),
        ),
        AddIndexWithoutLock(
            model_name="subscriber",
            index=models.Index(
                fields=["created_at", "confirmed_at", "source_article"],
                name="signups_sub_period_counts",
            ),
        ),
    ]
