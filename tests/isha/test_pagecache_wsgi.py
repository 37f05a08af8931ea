"""Fresh hits are answered at the WSGI level (``isha.wsgi.application``), with the same
bytes and headers Django would send, after the HTTPS redirect, the host check and the
session-cookie bypass; everything else reaches Django untouched."""

import gzip

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, RequestFactory

from isha.pagecache.wsgi import EarlyHits
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600


class Counting:
    """Django's WSGI handler, counting the requests that reach it."""

    def __init__(self):
        self.handler = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.handler(environ, start_response)


@pytest.fixture
def app():
    return EarlyHits(Counting())


def call(app, path, method="GET", query="", **headers):
    """``(status, headers dict, body)`` from the WSGI application."""
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD=method, QUERY_STRING=query)
    environ.update({f"HTTP_{name.upper()}": value for name, value in headers.items()})
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(response_headers)

    # As Django's test client does: the request must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        chunks = app(environ, start_response)
        body = b"".join(chunks)
        getattr(chunks, "close", lambda: None)()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], body


def warm(url, **headers):
    Client().get(url, headers=headers)


def test_a_hit_is_answered_early_with_what_django_would_send(app):
    article = ArticleFactory()
    url = article.get_absolute_url()
    warm(url)
    django_hit = Client().get(url + "?utm_source=x", headers={"Accept-Encoding": "gzip"})
    status, headers, body = call(app, url, query="utm_source=x", Accept_Encoding="gzip")
    assert app.application.calls == 0
    assert status == "200 OK" and body == django_hit.content
    assert gzip.decompress(body).startswith(b"<!doctype html>")
    assert headers == dict(django_hit.items())


def test_conditional_and_head_requests_are_answered_early(app):
    article = ArticleFactory()
    warm(article.get_absolute_url())
    _status, headers, _body = call(app, article.get_absolute_url())
    status, not_modified, body = call(app, article.get_absolute_url(), If_None_Match=headers["ETag"])
    assert (status, body) == ("304 Not Modified", b"") and not_modified["ETag"] == headers["ETag"]
    status, _headers, body = call(app, article.get_absolute_url(), If_Modified_Since=headers["Last-Modified"])
    assert status.startswith("304")
    status, head, body = call(app, article.get_absolute_url(), method="HEAD")
    assert status == "200 OK" and body == b"" and int(head["Content-Length"]) > 0
    assert app.application.calls == 0


@pytest.mark.parametrize(
    ("headers", "query", "expected_status"),
    [
        ({"Host": "evil.example"}, "", "400"),
        ({"Cookie": "sessionid=abc"}, "", "200"),
        ({}, "preview=1", "200"),
        ({}, "q=%00", "400"),
    ],
    ids=["foreign-host", "session-cookie", "preview", "nul-byte"],
)
def test_requests_that_must_not_be_hits_reach_django(app, headers, query, expected_status):
    article = ArticleFactory()
    warm(article.get_absolute_url())
    status, response_headers, _body = call(app, article.get_absolute_url(), query=query, **headers)
    assert app.application.calls == 1
    assert status.startswith(expected_status)
    assert response_headers.get("X-Page-Cache") != "hit"


def test_the_https_redirect_comes_before_a_hit_and_secure_hits_carry_hsts(settings):
    article = ArticleFactory()
    warm(article.get_absolute_url())
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 3600
    app = EarlyHits(Counting())  # SecurityMiddleware reads its settings when loaded
    status, headers, _body = call(app, article.get_absolute_url())
    assert status.startswith("301") and headers["Location"].startswith("https://")
    assert app.application.calls == 1
    status, headers, _body = call(app, article.get_absolute_url(), X_Forwarded_Proto="https")
    assert status == "200 OK" and headers["X-Page-Cache"] == "hit"
    assert headers["Strict-Transport-Security"] == "max-age=3600"
    assert app.application.calls == 1


def test_pages_that_are_not_cached_views_reach_django(app):
    status, headers, _body = call(app, "/admin/login/")
    assert status == "200 OK" and {"private", "no-store"} <= set(headers["Cache-Control"].split(", "))
    assert app.application.calls == 1
