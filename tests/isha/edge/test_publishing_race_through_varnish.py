"""The faults issue's race, rerun through Varnish: readers poll an article through the edge
while a Publisher archives it, and no read that starts after the admin's response may show
it (tests/articles/test_publishing_race.py does the same against Django alone).

One more reader is sent into the gap on purpose each time the article's row is saved,
before the admin's transaction commits: its miss makes Varnish fetch (and store) the page
from rows the commit is about to change. The purge after the commit must remove that copy.
Real PostgreSQL (SQLite serialises the transactions that make the gap).
"""

import threading
import time
from functools import partial

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.urls import reverse

from articles import publishing
from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.faults, pytest.mark.edge]

READERS = 4
ROUNDS = 3
READS_AFTER = 40
DEADLINE_SECONDS = 60


@pytest.fixture(autouse=True)
def postgresql_only(edge):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions (SQLite serialises them); CI runs it there")


def race(edge, path, decide):
    """Poll ``path`` through Varnish from ``READERS`` threads while ``decide()`` runs here,
    with one more reader in the gap at each save of an article. Returns the ``(status,
    body)`` of reads that ended before the decision and of those that started after it."""
    done_at = [None]
    warmed = threading.Barrier(READERS + 1)
    reads = [[] for _ in range(READERS)]
    errors = []

    def read(mine):
        try:
            after, deadline = 0, time.monotonic() + DEADLINE_SECONDS
            while after < READS_AFTER and time.monotonic() < deadline:
                started = time.monotonic()
                answer = edge.get(path)
                mine.append((started, time.monotonic(), answer.status, answer.body))
                if len(mine) == 3:
                    warmed.wait(timeout=DEADLINE_SECONDS)
                if done_at[0] is not None and started > done_at[0]:
                    after += 1
        except Exception as error:
            errors.append(error)

    def read_in_the_gap(**_kwargs):
        reader = threading.Thread(target=edge.get, args=(path,))
        reader.start()
        reader.join(DEADLINE_SECONDS)

    threads = [threading.Thread(target=read, args=(mine,)) for mine in reads]
    for thread in threads:
        thread.start()
    warmed.wait(timeout=DEADLINE_SECONDS)
    deciding_at = time.monotonic()
    post_save.connect(read_in_the_gap, sender=Article, weak=False, dispatch_uid="edge-race-gap")
    try:
        response = decide()
    finally:
        post_save.disconnect(sender=Article, dispatch_uid="edge-race-gap")
    done_at[0] = time.monotonic()
    for thread in threads:
        thread.join(DEADLINE_SECONDS + 10)
    assert not errors, errors
    assert response.status_code == 302, "the admin refused the decision"
    every = [entry for mine in reads for entry in mine]
    before = [(status, body) for _s, ended, status, body in every if ended < deciding_at]
    after = [(status, body) for started, _e, status, body in every if started > done_at[0]]
    assert len(after) >= READERS * 10
    return before, after


def test_no_reader_gets_an_archived_article_from_the_edge_after_the_publisher_archives_it(
    edge, publisher_client, publisher
):
    article = ArticleFactory(title="Ketamine and sleep")
    archive = partial(
        publisher_client.post,
        reverse("admin:articles_article_changelist"),
        {"action": "archive_selected", "_selected_action": [article.pk], "index": 0},
    )

    for _round in range(ROUNDS):
        before, after = race(edge, article.get_absolute_url(), archive)

        assert any(status == 200 and "Ketamine and sleep" in body for status, body in before)
        assert not any("Ketamine and sleep" in body for _status, body in after)
        assert {status for status, _body in after} == {404}
        publishing.publish(article=Article.objects.get(pk=article.pk), actor=publisher)
