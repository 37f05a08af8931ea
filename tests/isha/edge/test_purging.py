"""Purging Cloudflare by tag and Varnish by ban, at once and retried, against local servers.

Cloudflare is a local server that checks each request as the real API documents it
(``fake_cloudflare``); Varnish, where nothing listens or where a real varnishd runs
(``test_varnish*.py``). Retries and the re-purge go through django-tasks-db's queue,
worked by its real ``db_worker``; time is moved forward, never waited for.
"""

import io
import json
import logging
import signal
import time
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import publishing
from isha.edge import tasks
from isha.edge.backends import CloudflarePurger, PurgeError, VarnishPurger
from tests.articles.admin_support import staff_in
from tests.factories import ArticleFactory

from .fake_cloudflare import TOKEN, ZONE_ID, FakeCloudflare
from .servers import free_port

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def cloudflare(settings):
    with FakeCloudflare() as server:
        settings.EDGE_PURGE_BACKEND = "cloudflare"
        settings.CLOUDFLARE_API_URL = server.api_url
        settings.CLOUDFLARE_ZONE_ID = ZONE_ID
        settings.CLOUDFLARE_API_TOKEN = TOKEN
        settings.EDGE_PURGE_TIMEOUT = 2
        yield server


@pytest.fixture
def queue(settings, transactional_db):
    """django-tasks-db's queue, as in production; the worker commits as it goes."""
    settings.TASKS = DATABASE_TASKS
    settings.EDGE_PURGE_RETRY_SECONDS = 5
    settings.EDGE_REPURGE_SECONDS = 20
    settings.EDGE_PURGE_MAX_ATTEMPTS = 3


def run_worker():
    """``manage.py db_worker`` until nothing is due (it installs its own signal handlers)."""
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval=0", stdout=io.StringIO()
        )
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def later(seconds):
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=True)


def queued(*keys):
    """``(kind, attempt, seconds until due)`` of each task waiting to purge ``keys``,
    soonest first, as seen from ``timezone.now()`` (moved by :func:`later`). Other purges
    (the site's own content changes while a test sets up) are left out."""
    now = timezone.now()
    rows = []
    for task in DBTaskResult.objects.filter(status=TaskResultStatus.READY).order_by("run_after"):
        purged, attempt, kind = task.args_kwargs["args"]
        if purged == sorted(keys):
            rows.append((kind, attempt, round((task.run_after - now).total_seconds())))
    return rows


# --- Cloudflare ------------------------------------------------------------------------------


def test_cloudflare_gets_every_key_as_a_tag_in_calls_of_at_most_30(cloudflare):
    keys = {f"article-{n}" for n in range(65)} | {"home", "site"}

    assert tasks.purge_on_change(keys=keys) == "purged"

    assert [len(call) for call in cloudflare.purged] == [30, 30, 7]
    assert cloudflare.tags() == keys and not cloudflare.refused


@pytest.mark.django_db(transaction=True)
def test_an_archive_retiring_pages_hard_and_lists_softly_is_purged_in_one_call(cloudflare, django_user_model):
    """One commit, one purge: while the edge is down, a second call would cost the
    publisher a second purge timeout."""
    article = ArticleFactory()
    cloudflare.purged.clear()

    publishing.archive(article=article, actor=staff_in("Publishers", django_user_model, "pablo"))

    assert len(cloudflare.purged) == 1
    assert {f"article-{article.pk}", "article-list", "feeds", "sitemap"} <= cloudflare.tags()


def test_a_refused_cloudflare_call_names_the_apis_error_and_only_its_own_tags(cloudflare):
    cloudflare.fail_with = (429, 10000, "Rate limited")
    purger = CloudflarePurger(cloudflare.api_url, ZONE_ID, TOKEN, timeout=2)

    with pytest.raises(PurgeError) as error:
        purger.purge({"article-1", "home"})

    assert "HTTP 429 (10000 Rate limited)" in str(error.value)
    assert error.value.keys == {"article-1", "home"}
    assert TOKEN not in str(error.value)


def test_a_wrong_token_is_refused_by_the_api_stand_in(cloudflare):
    purger = CloudflarePurger(cloudflare.api_url, ZONE_ID, "not-the-token", timeout=2)

    with pytest.raises(PurgeError, match="HTTP 403"):
        purger.purge({"home"})
    assert cloudflare.refused == [(403, 10000)] and not cloudflare.purged


def test_a_slow_cloudflare_costs_the_editor_the_purge_timeout_not_more(cloudflare, settings):
    cloudflare.delay = 3
    purger = CloudflarePurger(cloudflare.api_url, ZONE_ID, TOKEN, timeout=0.5)

    started = time.monotonic()
    with pytest.raises(PurgeError, match="timed out"):
        purger.purge({"home"})
    assert time.monotonic() - started < 1.5


# --- Varnish (nothing listening) ---------------------------------------------------------------


def test_an_unreachable_varnish_is_a_purge_error_for_every_key():
    purger = VarnishPurger([f"http://127.0.0.1:{free_port()}/"], timeout=1)

    with pytest.raises(PurgeError, match="Connection refused") as error:
        purger.purge({"article-1", "site"})
    assert error.value.keys == {"article-1", "site"}


# --- When purges run: at once, retried, and again later ------------------------------------------


def test_a_failed_purge_is_logged_once_and_retried_until_it_goes_through(cloudflare, queue, caplog):
    cloudflare.fail_with = (503, 10000, "Service unavailable")

    with caplog.at_level(logging.INFO, logger="isha.edge"):
        assert tasks.purge_on_change(keys={"article-7", "home"}) == "queued"

    assert queued("article-7", "home") == [("retry", 2, 5), ("repurge", 1, 20)]
    [warning] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "Edge purge of 2 keys (article-7 home) failed" in warning.getMessage()
    assert "retrying in the background" in warning.getMessage()

    caplog.clear()
    with later(6):
        run_worker()  # the retry fails again: queued with twice the wait, nothing logged
        assert queued("article-7", "home") == [("retry", 3, 10), ("repurge", 1, 14)]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]

    cloudflare.fail_with = None
    with later(17):
        run_worker()
        assert queued("article-7", "home") == [("repurge", 1, 3)]
    assert cloudflare.tags() == {"article-7", "home"}
    with later(21):
        run_worker()
    assert cloudflare.purged.count(["article-7", "home"]) == 2 and queued("article-7", "home") == []


def test_a_purge_that_keeps_failing_gives_up_after_the_last_try_with_an_error(cloudflare, queue, caplog):
    cloudflare.fail_with = (500, 10000, "Internal error")
    tasks.purge_on_change(keys={"site"})

    for seconds in (6, 17, 21, 27, 40):
        with later(seconds):
            run_worker()

    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("Edge retry of 1 key (site) gave up after 3 tries" in message for message in errors)
    assert any("Edge repurge of 1 key (site) gave up after 3 tries" in message for message in errors)
    assert queued("site") == []


def test_every_purge_is_sent_again_after_the_repurge_delay(cloudflare, queue):
    def purges_of_article_3():
        return [call for call in cloudflare.purged if call == ["article-3"]]

    assert tasks.purge_on_change(keys={"article-3"}) == "purged"
    assert len(purges_of_article_3()) == 1

    run_worker()
    assert len(purges_of_article_3()) == 1  # not before its time
    with later(21):
        run_worker()
    assert len(purges_of_article_3()) == 2


def test_without_a_queue_that_can_defer_a_failed_purge_is_logged_and_not_retried(cloudflare, caplog):
    cloudflare.fail_with = (503, 10000, "Service unavailable")

    assert tasks.purge_on_change(keys={"home"}) == "failed"
    [warning] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "not retried" in warning.getMessage()


def test_a_malformed_key_purges_every_page_instead(cloudflare, caplog):
    assert tasks.purge_on_change(keys={"Article 7"}) == "purged"

    assert cloudflare.purged == [["site"]]
    assert "surrogate key 'Article 7' does not match" in caplog.text


def test_with_no_edge_configured_nothing_is_sent(settings):
    settings.EDGE_PURGE_BACKEND = ""
    assert tasks.purge_on_change(keys={"home"}) == "off"


def test_the_queued_arguments_are_plain_json(cloudflare, queue):
    tasks.purge_on_change(keys={"home", "article-1"})

    [row] = [r for r in DBTaskResult.objects.all() if r.args_kwargs["args"][0] == ["article-1", "home"]]
    assert json.loads(json.dumps(row.args_kwargs)) == {
        "args": [["article-1", "home"], 1, "repurge"],
        "kwargs": {},
    }
