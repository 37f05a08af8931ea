"""The optional read replica: the dashboard reads it, every other page and every write the primary.

The replica is stood in for by a second PostgreSQL database, a copy of the test database
(``CREATE DATABASE ... TEMPLATE``), added as the ``replica`` alias for this module: a row
written only there shows where the replica is read, and nowhere else.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, connections, router
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author
from signups.models import Subscriber
from signups.routing import DEFAULT, REPLICA, reporting_database
from tests.factories import ArticleFactory

DASHBOARD_URL = reverse("admin:signups_subscriber_dashboard")
LIST_URL = reverse("admin:signups_subscriber_changelist")


def test_without_a_replica_reporting_reads_the_primary(monkeypatch):
    # (Tests without a database run last, maybe while this module's replica is still set up.)
    monkeypatch.delitem(settings.DATABASES, REPLICA, raising=False)

    assert reporting_database() == DEFAULT


def test_migrations_never_run_on_the_replica_and_writes_go_to_the_primary():
    assert router.allow_migrate_model(REPLICA, Subscriber) is False
    assert router.allow_migrate_model(DEFAULT, Subscriber) is True
    assert router.db_for_write(Subscriber) == DEFAULT
    # An object read from the replica is still saved to the primary.
    read_there = Subscriber(email="a@example.com")
    read_there._state.db = REPLICA
    assert router.db_for_write(Subscriber, instance=read_there) == DEFAULT


@pytest.fixture(scope="module")
def replica(django_db_setup, django_db_blocker):
    """A second PostgreSQL database, a copy of the test database, as the ``replica`` alias."""
    if connection.vendor != "postgresql":
        pytest.skip("a second PostgreSQL database stands in for the replica")
    primary = connections[DEFAULT].settings_dict
    name = f"{primary['NAME']}_replica"
    with django_db_blocker.unblock():
        connections.close_all()  # PostgreSQL copies a template only while nobody is connected to it
        with connections[DEFAULT]._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{primary["NAME"]}"')
    settings.DATABASES[REPLICA] = {**primary, "NAME": name}
    yield REPLICA
    with django_db_blocker.unblock():
        connections[REPLICA].close()
        del connections[REPLICA]
        del settings.DATABASES[REPLICA]
        with connections[DEFAULT]._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def only_on_the_replica():
    """A published article and a confirmed sign-up from it, written to the replica alone."""
    author = Author.objects.using(REPLICA).create(name="Replica Author", slug="replica-author")
    article = Article.objects.using(REPLICA).create(
        title="Only on the replica",
        slug="only-on-the-replica",
        summary="Written to the replica alone.",
        body="<p>Body.</p>",
        author=author,
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=1),
    )
    Subscriber.objects.using(REPLICA).create(
        email="replica@example.com",
        email_normalized="replica@example.com",
        status=Subscriber.Status.CONFIRMED,
        confirmed_at=timezone.now(),
        source_article=article,
    )
    return article


@pytest.mark.django_db(databases="__all__")
def test_the_dashboard_reads_the_replica_and_the_subscriber_list_the_primary(replica, marketing_client):
    assert reporting_database() == REPLICA
    only_on_the_replica()

    dashboard = marketing_client.get(DASHBOARD_URL)
    listing = marketing_client.get(LIST_URL)

    assert dashboard.status_code == 200
    assert (dashboard.context["numbers"]["total"], dashboard.context["numbers"]["confirmed"]) == (1, 1)
    assert "Only on the replica" in dashboard.text  # its top article, joined on the replica
    assert "replica@example.com" not in listing.text
    assert listing.context["cl"].result_count == 0


@pytest.mark.django_db(databases="__all__")
def test_pages_purged_on_commit_read_the_primary(replica, client):
    on_primary = ArticleFactory(slug="on-the-primary")
    on_replica = only_on_the_replica()

    for url in (reverse("articles:feed-rss"), reverse("sitemap")):
        text = client.get(url).content.decode()
        assert on_primary.slug in text and on_replica.slug not in text, url
    assert client.get(reverse("articles:detail", args=[on_replica.slug])).status_code == 404


@pytest.mark.django_db(databases="__all__")
def test_an_object_read_from_the_replica_is_saved_to_the_primary(replica):
    Subscriber.objects.using(REPLICA).create(email="a@example.com", email_normalized="a@example.com")
    subscriber = Subscriber.objects.using(REPLICA).get()

    subscriber.first_name = "Ada"
    subscriber.save()

    assert Subscriber.objects.using(DEFAULT).get().first_name == "Ada"
    assert Subscriber.objects.using(REPLICA).get().first_name == ""
