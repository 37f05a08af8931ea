"""Fixtures for the edge tests: the site behind a real ``varnishd`` running the shipped VCL.

Without ``varnishd`` the Varnish tests are skipped with the reason, except under
``CI=true``, where that is a failure. One Varnish and one origin per test process; each
test starts with an empty cache, the page cache on, and the site purging this Varnish.
"""

import time

import pytest

from tests.articles.admin_support import staff_in

from .servers import Origin, Varnish, fetch, in_ci, require_varnishd


@pytest.fixture(scope="session")
def edge_servers(django_db_setup, django_db_blocker):
    reason = require_varnishd()
    if reason:
        if in_ci():
            pytest.fail(f"{reason}; CI must run the edge tests, so this is a failure, not a skip")
        pytest.skip(reason)
    origin = Origin()
    origin.start()
    varnish = Varnish(origin.port)
    try:
        varnish.start()
        yield origin, varnish
    finally:
        varnish.remove()
        origin.stop()


class Edge:
    """The site as readers reach it through Varnish (``get``), and the servers behind."""

    def __init__(self, origin, varnish):
        self.origin = origin
        self.varnish = varnish

    def get(self, path, **kwargs):
        return fetch(self.varnish.url + path, **kwargs)

    def wait_until_healthy(self, deadline_seconds=20):
        """Wait until Varnish's probe of /healthz/live sees the origin healthy again."""
        deadline = time.monotonic() + deadline_seconds
        while time.monotonic() < deadline:
            if " healthy " in self.varnish.admin("backend.list"):
                return
            time.sleep(0.1)
        raise AssertionError("Varnish still finds the origin sick")


@pytest.fixture
def edge(edge_servers, transactional_db, settings):
    """An :class:`Edge` with an empty cache; the site purges it (``EDGE_PURGE_BACKEND``) and
    keeps pages for 10 minutes at the edge and in its own page cache, so only a purge can
    make a change visible within the tests' deadlines."""
    origin, varnish = edge_servers
    settings.EDGE_PURGE_BACKEND = "varnish"
    settings.EDGE_VARNISH_URLS = [varnish.url + "/"]
    settings.PAGE_CACHE_SECONDS = 600
    settings.EDGE_CACHE_SECONDS = 600
    varnish.forget_everything()
    edge = Edge(origin, varnish)
    yield edge
    if not origin.running:
        origin.start()
        edge.wait_until_healthy()


@pytest.fixture
def publisher(django_user_model):
    return staff_in("Publishers", django_user_model, "pablo")


@pytest.fixture
def publisher_client(client, publisher):
    client.force_login(publisher)
    return client
