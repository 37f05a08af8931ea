"""The page cache on a real ``redis-server`` of the test's own (the ``redis_server``
fixture), with real threads: one round trip per hit, soft changes served stale while one
request renders, hard changes never served stale, and one render per page at a time."""

import threading
import time

import pytest
import redis
from django.db import connection
from django.test import Client
from django.test.signals import template_rendered

from articles import publishing
from isha.pagecache import serving
from isha.pagecache.invalidation import VERSION_PREFIX
from tests.articles.admin_support import staff_in
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.django_db(transaction=True)]

READERS = 12
DEADLINE_SECONDS = 30


@pytest.fixture(autouse=True)
def page_cache_on(settings, redis_server):
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture
def raw(redis_server):
    client = redis.Redis.from_url(redis_server.url)
    yield client
    client.close()


@pytest.fixture
def publisher(django_user_model):
    return staff_in("Publishers", django_user_model, "pablo")


def command_calls(raw):
    """Calls per Redis command so far, less the INFO that asks."""
    return {
        name: stats["calls"] for name, stats in raw.info("commandstats").items() if name != "cmdstat_info"
    }


def test_a_hit_is_one_redis_round_trip(raw):
    article = ArticleFactory()
    Client().get(article.get_absolute_url())
    Client().get(article.get_absolute_url())  # this process now knows the page's keys
    before = command_calls(raw)
    assert Client().get(article.get_absolute_url() + "?utm_source=x")["X-Page-Cache"] == "hit"
    after = command_calls(raw)
    used = {name: after[name] - before.get(name, 0) for name in after if after[name] != before.get(name, 0)}
    assert used == {"cmdstat_mget": 1}


def test_versions_never_expire_on_a_timer(raw):
    article = ArticleFactory()
    Client().get(article.get_absolute_url())
    versions = [name for name in raw.keys("*") if VERSION_PREFIX.encode() in name]
    assert versions and all(raw.ttl(name) == -1 for name in versions)


def test_an_ordinary_edit_serves_the_old_copy_while_another_request_renders(raw):
    article = ArticleFactory(title="Before")
    url = article.get_absolute_url()
    Client().get(url)
    article.title = "After"
    article.save()
    page = serving.page_key(Client().get(url).wsgi_request, ())  # the renderer stores "After"
    article.title = "After again"
    article.save()

    assert serving.take_lock(page)  # someone else is rendering it
    stale = Client().get(url)
    assert stale["X-Page-Cache"] == "stale" and "After" in stale.content.decode()
    serving.release_lock(page)
    fresh = Client().get(url)
    assert fresh["X-Page-Cache"] == "miss" and "After again" in fresh.content.decode()


def test_a_removal_is_never_served_stale_even_while_another_request_renders(publisher, monkeypatch):
    monkeypatch.setattr(serving, "WAIT_SECONDS", 0.2)
    article = ArticleFactory(title="Soon archived")
    url = article.get_absolute_url()
    Client().get(url)
    page = serving.page_key(Client().get(url).wsgi_request, ())
    publishing.archive(article=article, actor=publisher)

    assert serving.take_lock(page)  # a renderer that never finishes
    started = time.monotonic()
    response = Client().get(url)
    assert response.status_code == 404 and "Soon archived" not in response.content.decode()
    assert time.monotonic() - started >= 0.2  # it waited for the renderer, then rendered itself


def _burst(url, count, before_each=None):
    """``count`` threads GET ``url`` at once; returns their responses."""
    barrier = threading.Barrier(count)
    responses, errors = [], []

    def read():
        try:
            barrier.wait(DEADLINE_SECONDS)
            responses.append(Client().get(url))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=read) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE_SECONDS)
    assert not errors, errors
    return responses


@pytest.fixture
def renders():
    """Names of the templates rendered (from every thread), as they happen."""
    seen = []

    def record(sender, template, **kwargs):
        seen.append(template.name)

    template_rendered.connect(record, weak=False, dispatch_uid="test-renders")
    yield seen
    template_rendered.disconnect(dispatch_uid="test-renders")


@pytest.mark.parametrize("change", ["cold", "hard"])
def test_a_burst_of_readers_renders_the_page_once(change, publisher, renders):
    article = ArticleFactory(title="Popular")
    url = article.get_absolute_url()
    if change == "hard":
        Client().get(url)
        from articles.models import UpdateNote

        UpdateNote.objects.create(
            article=article, text="Corrected the dose.", is_correction=True
        )  # a correction: hard
    renders.clear()
    responses = _burst(url, READERS)
    assert [r.status_code for r in responses] == [200] * READERS
    assert all(b"Popular" in r.content for r in responses)
    assert renders.count("articles/article_detail.html") == 1


def test_readers_during_an_archive_never_get_the_old_page_once_it_returned(publisher):
    """Readers poll the article from threads while a Publisher archives it; no read that
    started after ``archive()`` returned may show it."""
    article = ArticleFactory(title="Withdrawn advice")
    url = article.get_absolute_url()
    Client().get(url)
    archived_at, stop = [], threading.Event()
    reads, errors = [], []

    def poll():
        try:
            while not stop.is_set():
                started = time.monotonic()
                response = Client().get(url)
                reads.append((started, response.status_code, b"Withdrawn advice" in response.content))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=poll) for _ in range(4)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + DEADLINE_SECONDS
    while len(reads) < 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    publishing.archive(article=article, actor=publisher)
    archived_at.append(time.monotonic())
    while len([r for r in reads if r[0] > archived_at[0]]) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    for thread in threads:
        thread.join(DEADLINE_SECONDS)
    assert not errors, errors
    after = [read for read in reads if read[0] > archived_at[0]]
    assert len(after) >= 40
    assert not [read for read in after if read[2]], "the archived article was served after archive() returned"
    assert {status for _started, status, _shown in after} == {404}
    assert any(shown for _started, _status, shown in reads)  # it was shown before
