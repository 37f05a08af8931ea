"""What a shared cache and a browser are told: Cache-Control, validators and 304s, and
compressed representations made once, at store time (RFC 9110, RFC 9111, RFC 5861)."""

import gzip
import re
from datetime import timedelta

import brotli
import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from isha.pagecache import representation
from isha.pagecache.representation import choose_coding
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

BR_AND_GZIP = {"identity", "gzip", "br"}


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.EDGE_CACHE_SECONDS = 3600
    settings.EDGE_STALE_WHILE_REVALIDATE_SECONDS = 30
    settings.EDGE_STALE_IF_ERROR_SECONDS = 86400
    settings.PAGE_CACHE_BROWSER_SECONDS = 0


def get(url, client=None, **headers):
    return (client or Client()).get(url, headers=headers)


def directives(response):
    return dict(
        [*part.split("="), ""][:2]
        for part in (p.strip() for p in response["Cache-Control"].split(","))
        if part
    )


@pytest.mark.parametrize("cached", [True, False], ids=["page-cache-on", "page-cache-off"])
def test_public_pages_tell_shared_caches_how_long_to_keep_them(cached, settings):
    settings.PAGE_CACHE_SECONDS = 600 if cached else 0
    article = ArticleFactory()
    for response in (get(article.get_absolute_url()), get(article.get_absolute_url())):
        assert directives(response) == {
            "public": "",
            "max-age": "0",
            "s-maxage": "3600",
            "stale-while-revalidate": "30",
            "stale-if-error": "86400",
        }
        assert "Cookie" not in response.get("Vary", "")
        # Sent uncompressed (no Accept-Encoding), yet one of several representations.
        assert "Accept-Encoding" in response.get("Vary", "") and "Content-Encoding" not in response


def test_shared_lifetime_is_capped_by_the_next_scheduled_publication():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        article = ArticleFactory()
        ArticleFactory(published_at=start + timedelta(minutes=5))
        first = get(article.get_absolute_url())
        assert directives(first)["s-maxage"] == "300"
        # The first reader after the publication gets the new page, not a stale copy.
        assert directives(first)["stale-while-revalidate"] == "0"
    with time_machine.travel(start + timedelta(minutes=4), tick=False):
        hit = get(article.get_absolute_url())
        assert hit["X-Page-Cache"] == "hit"
        assert 59 <= int(directives(hit)["s-maxage"]) <= 60
        assert directives(hit)["stale-while-revalidate"] == "0"


@pytest.mark.parametrize("url", ["/admin/login/", "/signup/manage/not-a-token/", "/signup/confirmed/"])
def test_personal_and_admin_pages_are_private_and_never_stored(url):
    response = get(url, Accept_Encoding="gzip, br")
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "Surrogate-Key" not in response
    assert "Content-Encoding" not in response


def test_a_visitor_with_a_session_gets_a_private_uncompressed_page(admin_client):
    article = ArticleFactory()
    response = admin_client.get(article.get_absolute_url(), headers={"Accept-Encoding": "gzip, br"})
    assert response["Cache-Control"] == "private, no-store"
    assert "Content-Encoding" not in response and "Surrogate-Key" not in response


@pytest.mark.parametrize("url", ["ARTICLE", "/feed/rss/", "/feed/atom/", "/sitemap.xml", "/robots.txt", "/"])
def test_conditional_gets_answer_304_on_a_miss_and_on_a_hit(url):
    article = ArticleFactory()
    url = article.get_absolute_url() if url == "ARTICLE" else url
    first = get(url)
    assert first.status_code == 200 and first["ETag"].startswith('"')
    miss_304 = get(url, If_None_Match=first["ETag"])
    assert miss_304.status_code == 304 and not miss_304.content
    assert get(url, If_None_Match=f"W/{first['ETag']}").status_code == 304  # weak comparison
    assert get(url, If_Modified_Since=first["Last-Modified"]).status_code == 304
    assert get(url, If_None_Match='"something-else"').status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
    assert get(url, If_None_Match='"other"', If_Modified_Since=first["Last-Modified"]).status_code == 200


def test_a_changed_page_gets_a_new_etag(django_capture_on_commit_callbacks):
    article = ArticleFactory(title="Before")
    first = get(article.get_absolute_url())
    article.title = "After"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    changed = get(article.get_absolute_url(), If_None_Match=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("gzip", "gzip"),
        ("gzip, deflate, br, zstd", "br"),
        ("br;q=0, gzip", "gzip"),
        ("br;q=0.5, gzip;q=0.8", "gzip"),
        ("gzip;q=0", "identity"),
        ("*", "br"),
        ("*;q=0, gzip;q=0.1", "gzip"),
        ("identity", "identity"),
        ("", "identity"),
        ("GZIP;Q=1", "gzip"),
        ("x-gzip", "gzip"),
        ("gzip;q=banana, br", "br"),
        ("gzip;q=2", "identity"),
    ],
)
def test_accept_encoding_q_values_choose_the_coding(accept, expected):
    assert choose_coding(accept, BR_AND_GZIP) == expected


def test_no_header_and_every_coding_refused_get_identity():
    assert choose_coding(None, BR_AND_GZIP) == "identity"
    assert choose_coding("identity;q=0, *;q=0", BR_AND_GZIP) == "identity"
    assert choose_coding("br", {"identity"}) == "identity"


@pytest.mark.parametrize("cached", [True, False], ids=["page-cache-on", "page-cache-off"])
@pytest.mark.parametrize(
    ("accept", "coding", "decode"), [("gzip", "gzip", gzip.decompress), ("br", "br", brotli.decompress)]
)
def test_pages_are_sent_compressed_with_their_own_etag(accept, coding, decode, cached, settings):
    # Without the page cache, only the coding this client takes is made (nothing is stored).
    settings.PAGE_CACHE_SECONDS = 600 if cached else 0
    article = ArticleFactory()
    plain = get(article.get_absolute_url())
    for _ in range(2):  # the miss, then the hit
        packed = get(article.get_absolute_url(), Accept_Encoding=accept)
        assert packed["Content-Encoding"] == coding
        if cached:
            assert decode(packed.content) == plain.content
        else:  # each render is new (the sign-up form's stamp): the same page all the same
            assert article.title.encode() in decode(packed.content)
        assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content) / 2
        assert "Accept-Encoding" in packed["Vary"]
        assert packed["ETag"] != plain["ETag"]
    if cached:
        answer = get(article.get_absolute_url(), Accept_Encoding=accept, If_None_Match=packed["ETag"])
        assert answer.status_code == 304


def test_feeds_and_the_sitemap_are_compressed_too():
    ArticleFactory()
    for url in ("/feed/atom/", "/sitemap.xml"):
        assert get(url, Accept_Encoding="gzip")["Content-Encoding"] == "gzip"


def test_a_hit_does_no_compression_work(monkeypatch):
    article = ArticleFactory()
    get(article.get_absolute_url(), Accept_Encoding="br")
    calls = []
    real = representation.brotli.compress
    monkeypatch.setattr(representation.brotli, "compress", lambda *a, **k: calls.append(1) or real(*a, **k))
    hit = get(article.get_absolute_url(), Accept_Encoding="br")
    assert hit["X-Page-Cache"] == "hit" and hit["Content-Encoding"] == "br"
    assert calls == []


def test_a_cached_page_keeps_its_csrf_free_form_and_security_headers():
    article = ArticleFactory()
    first = get(article.get_absolute_url(), Accept_Encoding="gzip")
    hit = get(article.get_absolute_url(), Accept_Encoding="gzip")
    assert hit["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert not re.search(rb"csrfmiddlewaretoken", gzip.decompress(hit.content))
