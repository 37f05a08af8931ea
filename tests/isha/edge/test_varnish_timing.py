"""Time at the edge: stale copies while the origin is down, scheduled publication, and a
render that straddles a publish (the re-purge). Real seconds pass here (Varnish's clock
cannot be moved), so the lifetimes are set to one or a few seconds."""

import io
import signal
import threading
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from tests.factories import ArticleFactory

from .servers import fetch
from .test_publishing_through_varnish import action, cached_at_the_edge, reads_until, shows

pytestmark = pytest.mark.edge


def test_with_the_origin_down_readers_get_stale_pages_within_stale_if_error_but_never_a_removed_one(
    edge, settings, publisher_client
):
    settings.EDGE_CACHE_SECONDS = 1
    settings.EDGE_STALE_WHILE_REVALIDATE_SECONDS = 1
    settings.EDGE_STALE_IF_ERROR_SECONDS = 3
    kept = ArticleFactory(title="Ketamine and sleep")
    removed = ArticleFactory(title="Withdrawn advice")
    cached_at_the_edge(edge, removed.get_absolute_url())
    action(publisher_client, "archive_selected", removed)
    assert edge.get(kept.get_absolute_url()).status == 200  # cached after the archive
    fetched_at = time.monotonic()

    edge.origin.stop()

    reads = []
    while time.monotonic() - fetched_at < 5.5:
        age = time.monotonic() - fetched_at
        reads.append((age, edge.get(kept.get_absolute_url()), edge.get(removed.get_absolute_url())))
        time.sleep(0.25)

    # The archived article is never served again, not even stale.
    assert all("Withdrawn advice" not in gone.body and gone.status != 200 for _age, _kept, gone in reads)
    # The kept page is served stale past s-maxage + stale-while-revalidate (2 s), up to
    # s-maxage + stale-if-error (4 s), then no more.
    stale = [page for age, page, _gone in reads if 2.5 < age < 3.5]
    assert stale and all(page.status == 200 and "Ketamine and sleep" in page.body for page in stale)
    assert all(int(page.header("age")) >= 2 for page in stale)
    late = [page for age, page, _gone in reads if age > 4.5]
    assert late and all(page.status == 503 for page in late)
    assert "Back in a moment" in late[-1].body and late[-1].header("retry-after")


def test_a_scheduled_article_appears_through_varnish_at_its_time(edge, settings):
    ArticleFactory(title="Already live")
    publish_at = timezone.now() + timedelta(seconds=3)
    scheduled = ArticleFactory(
        title="Ketamine and sleep", status=Article.Status.PUBLISHED, published_at=publish_at
    )
    home, path = reverse("articles:list"), scheduled.get_absolute_url()
    cached_at_the_edge(edge, home)
    assert edge.get(path).status == 404

    reads = reads_until(edge, home, shows("Ketamine and sleep"), deadline=10)

    appeared = timezone.now()
    assert appeared >= publish_at
    assert appeared - publish_at < timedelta(seconds=2)
    assert len(reads) > 1 and not any(shows("Ketamine and sleep")(read) for read in reads[:-1])
    reads_until(edge, path, shows("Ketamine and sleep"), deadline=2)


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


def work_the_queue_until_empty(deadline=10):
    """Run the worker until no purge task is waiting (they wait for their ``run_after``)."""
    ends = time.monotonic() + deadline
    while DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists():
        assert time.monotonic() < ends, "the re-purge never ran"
        run_worker()
        time.sleep(0.1)


def test_a_render_that_straddles_an_archive_does_not_leave_the_old_page_at_the_edge(
    edge, settings, publisher_client
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EDGE_REPURGE_SECONDS = 2
    article = ArticleFactory(title="Withdrawn advice")
    path = article.get_absolute_url()
    hold = edge.origin.slow.hold_next(path)

    # A reader's request reaches the origin before the archive and is rendered from the
    # rows as they were; its answer reaches Varnish only after the archive's purge.
    reader = []
    thread = threading.Thread(target=lambda: reader.append(edge.get(path)))
    thread.start()
    assert hold.rendered.wait(10)
    action(publisher_client, "archive_selected", article)
    purged_at = time.monotonic()
    hold.release.set()
    thread.join(10)

    assert shows("Withdrawn advice")(reader[0])
    # The race is real: the edge now holds the archived article, stored after the purge.
    left = edge.get(path)
    assert left.header("x-cache") == "hit" and shows("Withdrawn advice")(left)

    work_the_queue_until_empty()

    assert time.monotonic() - purged_at >= settings.EDGE_REPURGE_SECONDS
    [after] = reads_until(edge, path, lambda r: r.status == 404, deadline=2)
    assert "Withdrawn advice" not in after.body
    assert fetch(edge.origin.url + path).status == 404
