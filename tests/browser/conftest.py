"""Playwright against Debian's Chromium (``playwright install`` cannot download here).

Browser tests use ``live_server``, so each runs in a transactional database that is
flushed afterwards: the data migration's SignupFormCopy row is gone, and the code under
test recreates it through ``SignupFormCopy.load()``. Nothing here relies on that row.
"""

import mimetypes
import os
import threading
import time
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        reason = f"browser tests need Chromium at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run them, so this is a failure, not a skip")
        pytest.skip(reason)
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url():
    """None: tests open the live server's full URLs. Defined here so that pytest-playwright's
    fallback ``base_url``, a fixture method of a plugin object that pytest 9 deprecates
    (PytestRemovedIn10Warning), is never set up."""
    return None


class _RequestsInFlight:
    """Which live-server threads are answering a request now: Django sends
    ``request_started`` when its handler takes a request and ``request_finished`` when the
    response is closed (https://docs.djangoproject.com/en/stable/ref/signals/#request-started).
    A thread merely holding a kept-alive connection open (Chromium's socket pool, Varnish's
    backend connections) answers nothing and is not waited for. The test's own thread is
    left out: a streamed response it never read is never closed, and would count forever.
    So are requests to any other server in this process (the edge tests' origin, which
    Varnish probes twice a second and which can hold a render on purpose): only the live
    server's port counts."""

    def __init__(self):
        self.threads = {}
        self.lock = threading.Lock()
        self.test_thread = threading.main_thread()  # set by the fixture below
        self.port = None  # the live server's, set by the fixture below

    def started(self, environ=None, **_kwargs):
        thread = threading.current_thread()
        if thread is self.test_thread or (environ or {}).get("SERVER_PORT") != self.port:
            return
        with self.lock:
            self.threads[thread] = self.threads.get(thread, 0) + 1

    def finished(self, **_kwargs):
        thread = threading.current_thread()
        with self.lock:
            if self.threads.get(thread, 0) > 1:
                self.threads[thread] -= 1
            else:
                self.threads.pop(thread, None)

    @property
    def count(self):
        with self.lock:
            return sum(1 for thread in self.threads if thread.is_alive())


_in_flight = _RequestsInFlight()
request_started.connect(_in_flight.started, dispatch_uid="browser-tests-in-flight-started")
request_finished.connect(_in_flight.finished, dispatch_uid="browser-tests-in-flight-finished")


@pytest.fixture(autouse=True)
def close_pages_before_the_database_is_flushed(live_server, browser):
    """Close every browser context a test opened (pytest-playwright's ``page`` and any
    ``browser.new_context()``) and wait for the requests they had sent, before the live
    server's database is flushed: a page still open (autosave posts every few seconds)
    must not write while the flush runs."""
    _in_flight.test_thread = threading.current_thread()
    _in_flight.port = str(live_server.thread.port)
    yield
    for context in browser.contexts:
        context.close()
    # A request already sent (an autosave) may still be being answered: let it finish, so
    # none writes while the database is flushed.
    # Idle means none in flight for 0.1 s: a request accepted just before the close has
    # reached Django's handler by then.
    deadline, idle_since = time.monotonic() + 15, None
    while time.monotonic() < deadline:
        now = time.monotonic()
        idle_since = (idle_since or now) if not _in_flight.count else None
        if idle_since is not None and now - idle_since >= 0.1:
            break
        time.sleep(0.02)


# --- Shared by the accessibility, layout and screenshot tests ----------------------------

TEST_OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


@pytest.fixture
def serve_media(live_server, settings):
    """Serve uploads to ``page`` from MEDIA_ROOT: the live server does not (DEBUG is off)."""
    prefix = live_server.url + "/" + settings.MEDIA_URL.strip("/") + "/"

    def attach(page):
        def handle(route):
            root = Path(settings.MEDIA_ROOT).resolve()  # read late: clinic_site moves it
            name = route.request.url[len(prefix) :].split("?")[0]
            path = (root / name).resolve()
            if root not in path.parents or not path.is_file():
                route.fulfill(status=404, body="")
                return
            route.fulfill(status=200, body=path.read_bytes(), content_type=mimetypes.guess_type(path.name)[0])

        page.route(prefix + "**", handle)
        return page

    return attach


@pytest.fixture
def clinic_site(live_server, clinic_content):
    """``clinic_content`` (tests/conftest.py) served by the live server: the dict of
    ``tests.clinic.make_clinic_site``. Recreated for each test, as live_server flushes the
    database afterwards."""
    return clinic_content
