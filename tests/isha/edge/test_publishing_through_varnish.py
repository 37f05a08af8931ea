"""Editors' changes reach readers through Varnish as soon as the editor's save returns.

Pages are kept 10 minutes at the edge and in the site's page cache (the ``edge``
fixture), so only the purge sent after the commit can make a change visible within the
10-second deadline; removals must be gone from the very first read after the save.
"""

import logging
import time
from functools import partial

import pytest
from django.urls import reverse

from articles.models import Article
from signups.models import SignupFormCopy
from tests.articles.admin_support import change_url, form_data
from tests.factories import ArticleFactory

pytestmark = pytest.mark.edge

DEADLINE_SECONDS = 10
CHANGELIST = reverse("admin:articles_article_changelist")


def reads_until(edge, path, done, deadline=DEADLINE_SECONDS):
    """Read ``path`` through Varnish until ``done(response)``; returns every response read
    (the last one satisfies ``done``), or fails after ``deadline`` seconds."""
    reads = []
    ends = time.monotonic() + deadline
    while time.monotonic() < ends:
        reads.append(edge.get(path))
        if done(reads[-1]):
            return reads
        time.sleep(0.05)
    last = reads[-1]
    raise AssertionError(
        f"{path} still showed the old content after {deadline} s: {last.status} {last.header('x-cache')} "
        f"age {last.header('age')}, {last.header('cache-control')}"
    )


def cached_at_the_edge(edge, path):
    edge.get(path)
    answer = edge.get(path)
    assert answer.header("x-cache") == "hit", path
    return answer


def shows(title):
    return lambda response: response.status == 200 and title in response.body


def gone(title):
    return lambda response: title not in response.body


def action(client, name, article):
    response = client.post(CHANGELIST, {"action": name, "_selected_action": [article.pk], "index": 0})
    assert response.status_code == 302
    return response


def test_archiving_removes_the_article_and_its_listings_at_the_first_read(edge, publisher_client):
    article = ArticleFactory(title="Ketamine and sleep")
    pages = [article.get_absolute_url(), reverse("articles:list"), reverse("articles:feed-rss")]
    for path in pages:
        assert shows("Ketamine and sleep")(cached_at_the_edge(edge, path))

    action(publisher_client, "archive_selected", article)

    for path in pages:
        [first] = reads_until(edge, path, gone("Ketamine and sleep"))
        assert first.header("x-cache") == "miss", path
    assert edge.get(pages[0]).status == 404


def test_unpublishing_removes_the_article_at_the_first_read(edge, publisher_client):
    article = ArticleFactory(title="Ketamine and sleep")
    path = article.get_absolute_url()
    cached_at_the_edge(edge, path)

    data = form_data(publisher_client.get(change_url(article)), status="draft")
    assert publisher_client.post(change_url(article), data).status_code == 302

    [first] = reads_until(edge, path, gone("Ketamine and sleep"))
    assert first.status == 404
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT


def test_publishing_shows_the_article_where_a_404_and_the_old_list_were_cached(edge, publisher_client):
    ArticleFactory(title="Already live")
    draft = ArticleFactory(title="Ketamine and sleep", status=Article.Status.DRAFT, published_at=None)
    path, home = draft.get_absolute_url(), reverse("articles:list")
    edge.get(path)
    assert edge.get(path).status == 404
    cached_at_the_edge(edge, home)

    action(publisher_client, "publish_selected", draft)

    for page in (path, home):
        [first] = reads_until(edge, page, shows("Ketamine and sleep"))
        assert first.header("x-cache") == "miss", page


def test_a_sign_up_copy_change_shows_on_every_cached_page_at_the_first_read(edge, admin_client):
    article = ArticleFactory(title="Ketamine and sleep")
    pages = [article.get_absolute_url(), reverse("signups:signup")]
    for path in pages:
        cached_at_the_edge(edge, path)
    copy = SignupFormCopy.load()
    data = {
        f.name: getattr(copy, f.name) for f in SignupFormCopy._meta.fields if f.editable and f.name != "id"
    }

    url = reverse("admin:signups_signupformcopy_change", args=[copy.pk])
    response = admin_client.post(url, data | {"heading": "Letters from the clinic"})
    assert response.status_code == 302

    for path in pages:
        [first] = reads_until(edge, path, shows("Letters from the clinic"))
        assert first.header("x-cache") == "miss", path


def test_an_unreachable_varnish_never_fails_the_editors_save(edge, publisher_client, settings, caplog):
    article = ArticleFactory(title="Ketamine and sleep")
    settings.EDGE_VARNISH_URLS = ["http://127.0.0.1:9/"]  # nothing listens there

    archive = partial(action, publisher_client, "archive_selected", article)
    started = time.monotonic()
    archive()

    assert time.monotonic() - started < settings.EDGE_PURGE_TIMEOUT + 5
    assert Article.objects.get(pk=article.pk).status == Article.Status.ARCHIVED
    # One purge for the commit (its hard and soft keys together): one line, no traceback.
    [warning] = [r for r in caplog.records if r.name.startswith("isha.edge") and r.levelno >= logging.WARNING]
    assert "127.0.0.1:9" in warning.getMessage() and warning.exc_info is None
    assert warning.levelname == "WARNING"
