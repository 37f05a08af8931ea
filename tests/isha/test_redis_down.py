"""Losing Redis degrades the site; it never takes it down (issue 12).

Each test runs its own ``redis-server`` (the ``redis_server`` fixture) and stops it, or
freezes it with SIGSTOP so it keeps its data but stops answering, as a network
partition would. Never the shared Redis.
"""

import logging
import signal

import pytest
from django.test import Client

from isha import cacheguard
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.faults]

OUTAGE_MESSAGE = "The cache is unreachable"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600


def outage_logs(caplog):
    return [record for record in caplog.records if OUTAGE_MESSAGE in record.getMessage()]


def test_with_redis_stopped_public_pages_render_uncached_and_the_outage_is_logged_once(redis_server, caplog):
    article = ArticleFactory(title="Still readable")
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "miss"

    redis_server.stop()
    caplog.set_level(logging.INFO, logger="isha.cacheguard")
    for url in ["/", article.get_absolute_url(), "/search/?q=readable", "/signup/", "/feed/rss/"] * 2:
        response = Client().get(url)
        assert response.status_code == 200, url
        assert "X-Page-Cache" not in response
    assert "Still readable" in Client().get(article.get_absolute_url()).content.decode()
    assert len(outage_logs(caplog)) == 1


def test_with_redis_stopped_staff_sign_in_and_work(redis_server, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.com", "a long pass phrase")
    redis_server.stop()
    staff = Client()

    assert staff.get("/admin/login/").status_code == 200
    signed_in = staff.post(
        "/admin/login/?next=/admin/", {"username": "editor", "password": "a long pass phrase"}
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"
    assert staff.get("/admin/").status_code == 200
    assert staff.get("/admin/articles/article/").status_code == 200


def test_a_change_saved_while_redis_was_unreachable_shows_once_it_answers_again(
    redis_server, django_capture_on_commit_callbacks, monkeypatch, settings
):
    """Redis frozen (not restarted, so it keeps the old pages) misses the invalidation;
    the page cache makes up for it when Redis answers again."""
    monkeypatch.setattr(cacheguard, "RETRY_SECONDS", 0)
    # Every operation on a frozen Redis waits out the socket timeout, and with no pause
    # between retries there are about ten: a third of a second each instead of production's
    # second keeps the test short and changes nothing else.
    cache = settings.CACHES["default"]
    settings.CACHES = {"default": {**cache, "OPTIONS": {**cache["OPTIONS"], "socket_timeout": 0.3}}}
    article = ArticleFactory(title="Before")
    Client().get(article.get_absolute_url())
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "hit"

    redis_server.process.send_signal(signal.SIGSTOP)
    try:
        article.title = "After"
        with django_capture_on_commit_callbacks(execute=True):
            article.save()
        assert "After" in Client().get(article.get_absolute_url()).content.decode()
    finally:
        redis_server.process.send_signal(signal.SIGCONT)

    response = Client().get(article.get_absolute_url())
    assert "After" in response.content.decode()
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "hit"
