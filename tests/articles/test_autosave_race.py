"""An Editor's autosave racing a Publisher's Publish from the action bar, on real
PostgreSQL (threads, each with its own connection and transaction).

Both start from the same version of an article in review. Exactly one may win: either
the autosave is saved and the Publish, now from a stale page, is a form error (nothing
published), or the article is published and the autosave is refused as stale (409) with
the editor's text still in their page. Never both, never a 500, never a lost edit.
"""

import threading
from functools import partial

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles.models import Article
from tests.factories import ArticleFactory

from .admin_support import change_url, form_data

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

ROUNDS = 6
DEADLINE_SECONDS = 60


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions (SQLite serialises them); CI runs it there")


def _at_once(*calls):
    """Run ``calls`` in threads released together; return their results (or errors)."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(DEADLINE_SECONDS)
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE_SECONDS)
    return results


def test_an_autosave_and_a_publish_from_the_same_version_never_both_win(editor, publisher):
    outcomes = set()
    for round_number in range(ROUNDS):
        article = ArticleFactory(draft=True, status="in_review", title="Submitted")
        publishing, writing = Client(), Client()
        publishing.force_login(publisher)
        writing.force_login(editor)
        press_publish = form_data(publishing.get(change_url(article)), _desk="publish", _save=None)
        typed = {
            "title": f"Typed {round_number}",
            "author": article.author_id,
            "body": "<p>Typed while a publisher pressed Publish.</p>",
            "version": article.version,
        }
        autosave, publish = _at_once(
            partial(writing.post, reverse("admin:articles_article_autosave", args=[article.pk]), typed),
            partial(publishing.post, change_url(article), press_publish),
        )
        assert not isinstance(autosave, Exception) and not isinstance(publish, Exception), (autosave, publish)
        stored = Article.objects.get(pk=article.pk)
        if autosave.status_code == 200:
            assert publish.status_code == 200  # the Publish page shows the stale-save error
            assert (stored.status, stored.title) == (Article.Status.IN_REVIEW, typed["title"])
            outcomes.add("autosave won")
        else:
            assert autosave.status_code == 409 and autosave.json()["stale"], autosave.content
            assert publish.status_code == 302
            assert (stored.status, stored.title) == (Article.Status.PUBLISHED, "Submitted")
            outcomes.add("publish won")
    assert outcomes  # which wins each round is up to the database's scheduling
