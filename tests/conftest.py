import os
import threading

import pytest
from django.conf import settings as django_settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection, connections

# Playwright's sync API runs an event loop in the test thread, and Django refuses database
# access from a thread with a running loop: without this, tests after a browser test raise
# SynchronousOnlyOperation (https://docs.djangoproject.com/en/stable/topics/async/#async-safety).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _own_redis_database_per_worker():
    """With REDIS_URL set, parallel workers each get their own Redis database (15, 14...),
    so one worker's cache.clear() cannot empty another's cache mid-test."""
    cache = django_settings.CACHES["default"]
    if cache["BACKEND"].endswith("RedisCache"):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
        index = int(worker[2:]) if worker[2:].isdigit() else 0
        base = cache["LOCATION"].rsplit("/", 1)[0]
        cache["LOCATION"] = f"{base}/{15 - index % 16}"


_own_redis_database_per_worker()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes uploads to its own folder, never to the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_registry_on_the_network(settings):
    """No test reaches Crossref or PubMed (run_periodic runs check_sources): addresses
    that refuse connections, unless a test starts the local registry server."""
    settings.SOURCE_CHECK_CROSSREF_URL = "http://127.0.0.1:9/crossref"
    settings.SOURCE_CHECK_EUTILS_URL = "http://127.0.0.1:9/eutils"
    settings.SOURCE_CHECK_RETRIES = 0


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Hashed static storage needs collectstatic; tests use plain storage."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Pages render on every request unless a test turns the page cache on itself."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Real hashers are slow on purpose; tests only need logins to work."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    from isha import cacheguard

    cache.clear()
    yield
    cache.clear()
    cacheguard.reset()  # an outage a test caused is not the next test's


class OneRequestAtATime(ThreadedWSGIServer):
    """Django's threaded development WSGI server, running one request at a time through the
    application, for a live server that shares the test's in-memory SQLite connection.

    Connections are still accepted and read by a thread each (a browser keeps idle
    connections open, and one that never sends a request must not hold up the others); only
    the application's work, the response's body included, takes turns. Bodies are read whole
    before the next request starts: test responses are small."""

    def set_app(self, application):
        lock = threading.Lock()

        def in_turn(environ, start_response):
            with lock:
                response = application(environ, start_response)
                try:
                    return [b"".join(response)]
                finally:
                    if hasattr(response, "close"):
                        response.close()

        super().set_app(in_turn)


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, answering one request at a time when it shares the test
    process's in-memory SQLite database.

    Django's live server hands that one connection to each of its request threads
    (https://docs.djangoproject.com/en/stable/topics/testing/tools/#liveservertestcase);
    two requests at once (an autosave and the checks panel's request) then use it together
    and sqlite3 fails with "bad parameter or other API misuse". :class:`OneRequestAtATime`
    runs them in turn. On PostgreSQL each thread has its own connection and requests run
    side by side.
    """
    from pytest_django.live_server_helper import LiveServer

    address = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
    server = LiveServer(address or "localhost", start=False)
    if server.thread.connections_override:
        server.thread.server_class = OneRequestAtATime
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def clinic_media(tmp_path_factory):
    """The clinic site's uploads, written once per test process (``tests.clinic``)."""
    from tests.clinic import write_clinic_media

    return write_clinic_media(tmp_path_factory.mktemp("clinic-media"))


@pytest.fixture
def clinic_content(db, settings, clinic_media):
    """A site in the shape readers see (``tests.clinic.make_clinic_site``), uploads in MEDIA_ROOT."""
    from tests.clinic import make_clinic_site

    settings.MEDIA_ROOT = clinic_media
    return make_clinic_site()


@pytest.fixture
def redis_server(settings):
    """The cache on a ``redis-server`` of this test's own (``tests.redis_server``): call
    ``redis_server.stop()`` to take Redis away. The cache setting is put back and the
    outage forgotten before other fixtures clear the usual cache."""
    from isha import cacheguard
    from tests.redis_server import RedisServer

    server = RedisServer()
    server.start()
    original = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": django_settings.REDIS_CACHE_OPTIONS,
        }
    }
    cacheguard.reset()
    try:
        yield server
    finally:
        server.stop()
        settings.CACHES = original
        cacheguard.reset()


@pytest.fixture
def database_outage(transactional_db):
    """A :class:`tests.isha.database_outage.DatabaseOutage` on this run's PostgreSQL test
    database (skips on SQLite); the database accepts connections again after the test."""
    if connection.vendor != "postgresql":
        pytest.skip("takes a PostgreSQL database away for real; CI runs it on PostgreSQL")
    from tests.isha.database_outage import DatabaseOutage

    outage = DatabaseOutage()
    try:
        yield outage
    finally:
        if outage.down:
            outage.start()
            # A test that left the database down leaves psycopg's pool waiting out its
            # reconnection backoff, which can outlast the pool's 3 s wait and fail the
            # flush after the test. Tests that bring the database back themselves check
            # the pool's own recovery; here the next test just needs a fresh pool.
            for each in connections.all():
                if getattr(each, "pool", None) is not None:
                    each.close_pool()
