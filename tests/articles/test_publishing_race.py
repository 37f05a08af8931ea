"""A publisher's decision is seen by the next reader, on real PostgreSQL with the page
cache on: readers poll a page while a Publisher changes the article through the admin, and
no read that starts after the admin's response may show what the decision replaced.

Were the cache retired before the admin's transaction commits, a reader arriving in that
gap would store the old page again for the whole cache time (issue 12). The polling readers
hit that gap only by chance, so one more reader is sent into it on purpose: each time the
decided row is saved, before the admin's transaction commits.
"""

import threading
import time
from contextlib import contextmanager
from functools import partial

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.test import Client
from django.urls import reverse

from articles import publishing
from articles.models import Article, SiteSettings
from tests.factories import ArticleFactory, store_pending_changes

from .admin_support import change_url, form_data

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

READERS = 4
# Each decision is tried this many times: one gap missed by the readers proves little.
ROUNDS = 3
# Reads each reader makes after the admin's response before the round ends.
READS_AFTER = 100
DEADLINE_SECONDS = 60


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions (SQLite serialises them); CI runs it there")
    settings.PAGE_CACHE_SECONDS = 600
    # The test's own cache, shared by the threads of this process.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "publishing-race"}
    }


@contextmanager
def a_reader_in_the_gap(model, url):
    """While the block runs, every save of a ``model`` row also has one reader fetch ``url``
    from another thread (its own database connection, so it sees only committed rows) and
    waits for it: the reader that arrives after the row is written but before the commit."""
    errors = []

    def fetch():
        try:
            Client().get(url)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    def read_now(**_kwargs):
        reader = threading.Thread(target=fetch)
        reader.start()
        reader.join(DEADLINE_SECONDS)

    post_save.connect(read_now, sender=model, weak=False, dispatch_uid="publishing-race-gap")
    try:
        yield
    finally:
        post_save.disconnect(sender=model, dispatch_uid="publishing-race-gap")
    assert not errors, f"the reader in the gap failed: {errors!r}"


def race(url, decide, saved=Article):
    """Poll ``url`` from ``READERS`` threads while ``decide()`` (an admin POST, returning
    its response, which must redirect) runs in this thread, sending one more reader into
    the gap after each save of a ``saved`` row (see :func:`a_reader_in_the_gap`).

    Returns ``(before, after)``: the responses (status, body) of reads that ended before
    ``decide()`` was called, and (status, body, started, ended) of those that started after
    it returned, ``READS_AFTER`` per reader (or as many as the deadline allowed).
    """
    done_at = [None]
    warmed = threading.Barrier(READERS + 1)
    reads = [[] for _ in range(READERS)]
    errors = []

    def read(mine):
        client = Client()
        try:
            after = 0
            deadline = time.monotonic() + DEADLINE_SECONDS
            while after < READS_AFTER and time.monotonic() < deadline:
                if done_at[0] is not None and after == 0:
                    # The deadline counts from the admin's response: a slow decision on a
                    # busy machine must not leave too few reads after it.
                    deadline = done_at[0] + DEADLINE_SECONDS
                started = time.monotonic()
                response = client.get(url)
                mine.append((started, time.monotonic(), response.status_code, response.content.decode()))
                if len(mine) == 3:
                    warmed.wait(timeout=DEADLINE_SECONDS)
                if done_at[0] is not None and started > done_at[0]:
                    after += 1
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=read, args=(mine,)) for mine in reads]
    for thread in threads:
        thread.start()
    warmed.wait(timeout=DEADLINE_SECONDS)  # the page is cached before the decision
    deciding_at = time.monotonic()
    with a_reader_in_the_gap(saved, url):
        response = decide()
    done_at[0] = time.monotonic()
    for thread in threads:
        thread.join(DEADLINE_SECONDS + 10)
    assert not errors, f"readers failed: {errors!r}"
    assert response.status_code == 302, "the admin refused the decision"
    every = [entry for mine in reads for entry in mine]
    before = [(status, body) for _started, ended, status, body in every if ended < deciding_at]
    after = [(status, body, started, ended) for started, ended, status, body in every if started > done_at[0]]
    assert len(after) >= READERS * 10, f"the readers made {len(after)} reads after the decision"
    return before, after


def shows(title):
    return lambda response: response[0] == 200 and title in response[1]


def settles_on(title, after):
    """An ordinary publish is a soft change (isha.pagecache): while one reader renders the
    page again, the others may still get the previous copy, but once any reader got the
    new version, every read that starts later gets it too."""
    first_new = min((ended for *response, _started, ended in after if shows(title)(response)), default=None)
    assert first_new is not None, "no reader got the new version"
    assert all(shows(title)(response) for response in after if response[2] > first_new)


def republish(article, publisher):
    """Put ``article`` back live (untimed: the next round's readers warm up first)."""
    publishing.publish(article=Article.objects.get(pk=article.pk), actor=publisher)


def test_no_reader_sees_an_article_after_a_publisher_archives_it(client, publisher):
    article = ArticleFactory(title="Ketamine and sleep")
    client.force_login(publisher)
    changelist = reverse("admin:articles_article_changelist")

    archive = partial(
        client.post, changelist, {"action": "archive_selected", "_selected_action": [article.pk], "index": 0}
    )

    for _round in range(ROUNDS):
        before, after = race(article.get_absolute_url(), archive)

        assert any(map(shows("Ketamine and sleep"), before))
        assert not any(map(shows("Ketamine and sleep"), after))
        article.refresh_from_db()
        assert article.status == Article.Status.ARCHIVED
        republish(article, publisher)


def test_no_reader_sees_an_article_after_a_publisher_unpublishes_it(client, publisher):
    article = ArticleFactory(title="Ketamine and sleep")
    client.force_login(publisher)

    for _round in range(ROUNDS):
        data = form_data(client.get(change_url(article)), status="draft")
        before, after = race(article.get_absolute_url(), partial(client.post, change_url(article), data))

        assert any(map(shows("Ketamine and sleep"), before))
        assert not any(map(shows("Ketamine and sleep"), after))
        article.refresh_from_db()
        assert article.status == Article.Status.DRAFT
        republish(article, publisher)


def test_every_reader_gets_pending_changes_once_a_publisher_publishes_them(client, publisher, editor):
    article = ArticleFactory(title="Ketamine and sleep")
    client.force_login(publisher)

    for round_ in range(ROUNDS):
        old_title, new_title = article.title, f"Ketamine and sleep, revised {round_ + 1}"
        article = store_pending_changes(article, editor, title=new_title)
        publish_pending = partial(
            client.post,
            reverse("admin:articles_article_publish_pending", args=[article.pk]),
            {"version": article.version},
        )

        before, after = race(article.get_absolute_url(), publish_pending)

        assert any(map(shows(old_title), before))
        settles_on(new_title, after)
        article.refresh_from_db()


def test_every_reader_finds_an_article_in_the_list_once_a_publisher_publishes_it(client, publisher):
    ArticleFactory(title="Already live")
    client.force_login(publisher)
    changelist = reverse("admin:articles_article_changelist")

    for round_ in range(ROUNDS):
        title = f"Ketamine and sleep, part {round_ + 1}"
        draft = ArticleFactory(title=title, status=Article.Status.DRAFT, published_at=None)
        publish = partial(
            client.post,
            changelist,
            {"action": "publish_selected", "_selected_action": [draft.pk], "index": 0},
        )

        before, after = race(reverse("articles:list"), publish)

        assert any(map(shows("Already live"), before)) and not any(map(shows(title), before))
        settles_on(title, after)


def test_every_reader_gets_the_new_disclosure_once_a_publisher_saves_the_site_settings(client, publisher):
    article = ArticleFactory(title="Ketamine and sleep")
    client.force_login(publisher)
    settings_url = reverse("admin:articles_sitesettings_change", args=[SiteSettings.load().pk])

    for round_ in range(ROUNDS):
        disclosure = f"Disclosure, edition {round_ + 1}."
        data = form_data(client.get(settings_url), form_id="sitesettings_form", disclosure=disclosure)

        before, after = race(
            article.get_absolute_url(), partial(client.post, settings_url, data), saved=SiteSettings
        )

        assert not any(map(shows(disclosure), before))
        assert all(map(shows(disclosure), after))
