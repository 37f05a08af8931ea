"""What readers get through a real Varnish running the shipped VCL (deploy/varnish/default.vcl)."""

import socket

import pytest
from django.urls import reverse

from articles.models import Article
from tests.factories import ArticleFactory

from .servers import fetch

pytestmark = pytest.mark.edge

TRACKING = (
    "utm_source=newsletter&utm_medium=email&utm_campaign=dec&mc_cid=ab12&mc_eid=cd34&gclid=x1&fbclid=y2"
)


def test_an_anonymous_page_is_a_hit_the_second_time(edge):
    article = ArticleFactory(title="Ketamine and sleep")
    for path in (article.get_absolute_url(), reverse("articles:list"), reverse("articles:feed-rss")):
        first, second = edge.get(path), edge.get(path)

        assert first.status == 200 and first.header("x-cache") == "miss", path
        assert second.status == 200 and second.header("x-cache") == "hit", path
        assert second.body == first.body


def test_tracking_parameters_do_not_split_the_cache(edge):
    article = ArticleFactory(title="Ketamine and sleep")
    path = article.get_absolute_url()
    assert edge.get(path).header("x-cache") == "miss"

    for query in (TRACKING, "utm_content=a%20b", "gclid=1&utm_term=x&", "_hsenc=p2&_hsmi=7"):
        answer = edge.get(f"{path}?{query}")
        assert answer.status == 200 and answer.header("x-cache") == "hit", query


def test_parameters_a_page_reads_still_make_distinct_pages(edge):
    ArticleFactory.create_batch(12)
    home = reverse("articles:list")
    assert edge.get(f"{home}?page=2").header("x-cache") == "miss"
    assert edge.get(f"{home}?page=2&utm_source=x").header("x-cache") == "hit"
    assert edge.get(f"{home}?utm_source=x&page=2").header("x-cache") == "hit"
    assert edge.get(home).header("x-cache") == "miss"


def test_a_session_cookie_always_passes_and_sees_what_anonymous_readers_cannot(edge, publisher_client):
    draft = ArticleFactory(title="Draft on sleep", status=Article.Status.DRAFT, published_at=None)
    path = draft.get_absolute_url()
    session = publisher_client.cookies["sessionid"].value

    for _ in range(2):
        staff = edge.get(path, headers={"Cookie": f"theme=dark; sessionid={session}"})
        assert staff.status == 200 and "Draft on sleep" in staff.body
        assert staff.header("x-cache") == "pass"
    for _ in range(2):
        anonymous = edge.get(path)
        assert anonymous.status == 404 and "Draft on sleep" not in anonymous.body


def test_a_staff_preview_parameter_always_passes(edge, publisher_client):
    article = ArticleFactory(title="Ketamine and sleep")
    path = f"{article.get_absolute_url()}?preview=pending"
    edge.get(article.get_absolute_url())

    assert edge.get(path).header("x-cache") == "pass"
    assert edge.get(path).header("x-cache") == "pass"


def test_other_cookies_are_dropped_so_cookie_carrying_readers_share_the_cached_page(edge):
    article = ArticleFactory(title="Ketamine and sleep")
    path = article.get_absolute_url()
    edge.get(path)

    answer = edge.get(path, headers={"Cookie": "_ga=GA1.2.3; consent=yes"})
    assert answer.header("x-cache") == "hit" and answer.header("set-cookie") is None


def test_the_admin_and_posts_are_never_cached(edge):
    for _ in range(2):
        answer = edge.get("/admin/login/")
        assert answer.status == 200 and answer.header("x-cache") == "pass"


def test_host_is_normalised_so_one_copy_serves_every_spelling(edge):
    article = ArticleFactory(title="Ketamine and sleep")
    path = article.get_absolute_url()
    assert edge.get(path, headers={"Host": "localhost"}).header("x-cache") == "miss"

    for host in ("LOCALHOST", "localhost.", f"localhost:{edge.varnish.port}"):
        assert edge.get(path, headers={"Host": host}).header("x-cache") == "hit", host


def test_surrogate_keys_stay_inside(edge):
    article = ArticleFactory(title="Ketamine and sleep")
    answer = edge.get(article.get_absolute_url())
    assert answer.header("surrogate-key") is None and answer.header("cache-tag") is None


def _ban_from(source_address, url, keys):
    """A BAN sent from ``source_address`` (a loopback address other than 127.0.0.1 stands
    for a host outside the ``purgers`` ACL)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5, source_address=(source_address, 0)) as sock:
        sock.sendall(
            f"BAN / HTTP/1.1\r\nHost: x\r\nSurrogate-Key: {keys}\r\nConnection: close\r\n\r\n".encode()
        )
        return sock.recv(200).decode().split("\r\n")[0]


def test_only_the_purgers_acl_may_ban(edge):
    article = ArticleFactory(title="Ketamine and sleep")
    path = article.get_absolute_url()
    edge.get(path)

    assert _ban_from("127.0.0.2", edge.varnish.url, "site").startswith("HTTP/1.1 405")
    assert edge.get(path).header("x-cache") == "hit"
    assert _ban_from("127.0.0.1", edge.varnish.url, "site").startswith("HTTP/1.1 200")
    assert edge.get(path).header("x-cache") == "miss"


@pytest.mark.parametrize("keys", ["Article-1", "site|.*", "a b\tc", "", "x" * 65])
def test_a_ban_with_malformed_keys_is_refused_and_bans_nothing(edge, keys):
    article = ArticleFactory(title="Ketamine and sleep")
    path = article.get_absolute_url()
    edge.get(path)

    answer = fetch(edge.varnish.url + "/", method="BAN", headers={"Surrogate-Key": keys})
    assert answer.status == 400
    assert edge.get(path).header("x-cache") == "hit"


def test_a_ban_removes_only_pages_carrying_one_of_its_keys(edge):
    article = ArticleFactory(title="Ketamine and sleep")
    paths = [reverse("articles:feed-rss"), article.get_absolute_url()]
    # The keys each page carries, as the origin names them (Varnish hides them).
    keys = [set(fetch(edge.origin.url + path).header("surrogate-key").split()) for path in paths]
    [only_first, *_] = sorted(keys[0] - keys[1])
    for path in paths:
        edge.get(path)

    fetch(edge.varnish.url + "/", method="BAN", headers={"Surrogate-Key": only_first})

    assert edge.get(paths[0]).header("x-cache") == "miss"
    assert edge.get(paths[1]).header("x-cache") == "hit"
