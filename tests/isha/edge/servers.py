"""A real ``varnishd`` with the shipped VCL, in front of the site served from this test process.

:class:`Origin` serves the site (Django's live-server thread, sharing the test database
the way pytest-django's ``live_server`` does) on a port that stays the same across
:meth:`Origin.stop` and :meth:`Origin.start`, so a test can take the origin away for real
and Varnish sees connections refused. :class:`Varnish` runs ``varnishd -F`` with
``deploy/varnish/default.vcl``, only its backend's port changed to the origin's.
:func:`fetch` is a plain HTTP client (no proxy, no decompression, no redirects).
"""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler

VCL = Path(settings.BASE_DIR) / "deploy" / "varnish" / "default.vcl"
SHIPPED_PROBE_INTERVAL = ".interval = 2s;\n        .timeout = 1s;"
SHIPPED_BACKEND_PORT = '.port = "8000";'
START_SECONDS = 30
PROBE_PATH = "/healthz/live"


def varnishd_path():
    """The ``varnishd`` executable (Debian puts it in /usr/sbin), or ``None``."""
    return shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin:/usr/local/sbin")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, *, deadline_seconds=START_SECONDS, alive=lambda: True):
    """Wait until something accepts connections on 127.0.0.1:``port``; raises
    ``RuntimeError`` after the deadline or as soon as ``alive()`` turns false."""
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError(f"the server meant for port {port} exited")
        with socket.socket() as probe:
            probe.settimeout(0.2)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing answered on port {port} within {deadline_seconds} s")


@dataclass
class Response:
    status: int
    headers: dict
    body: str

    def header(self, name):
        return self.headers.get(name.lower())


_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_direct.add_handler(_NoRedirects())


def fetch(url, *, method="GET", headers=None, data=None, timeout=15):
    """One HTTP request; returns a :class:`Response` whatever the status (body as text)."""
    request = urllib.request.Request(url, method=method, headers=headers or {}, data=data)
    try:
        with _direct.open(request, timeout=timeout) as answer:
            status, head, body = answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        status, head, body = error.code, error.headers, error.read()
    return Response(status, {k.lower(): v for k, v in head.items()}, body.decode("utf-8", "replace"))


@dataclass
class Hold:
    """One response the origin keeps back after rendering it: ``rendered`` is set once the
    page is made (from the rows as they were then), and it is sent when ``release`` is set."""

    rendered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


class SlowRenders:
    """A WSGI wrapper that makes the next response for a chosen path slow: rendered at
    once, sent only when the test releases it (a render that straddles a publish)."""

    def __init__(self):
        self._holds = {}
        self._lock = threading.Lock()

    def hold_next(self, path):
        hold = Hold()
        with self._lock:
            self._holds[path] = hold
        return hold

    def wrap(self, app):
        def slow_app(environ, start_response):
            if environ.get("PATH_INFO") == PROBE_PATH:
                # Varnish probes the origin between tests too, when pytest-django blocks
                # database access in every thread (Django's request_started handler
                # checks the connection): the server's own answer, as isha.health's
                # /healthz/live gives it, tells Varnish the process is up.
                start_response(
                    "200 OK", [("Content-Type", "application/json"), ("Cache-Control", "no-store")]
                )
                return [b'{"status": "ok"}']
            with self._lock:
                hold = self._holds.pop(environ.get("PATH_INFO", ""), None)
            if hold is None:
                return app(environ, start_response)
            started = []
            body = b"".join(app(environ, lambda *args: started.append(args)))
            hold.rendered.set()
            hold.release.wait(START_SECONDS)
            start_response(*started[0])
            return [body]

        return slow_app


class _OriginServer(ThreadedWSGIServer):
    """Django's threaded test server that can also drop its open connections: stopping the
    origin must refuse Varnish's kept-alive connections as well as new ones."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.open_sockets = set()
        self.busy = set()

    def process_request_thread(self, request, client_address):
        self.busy.add(threading.current_thread())
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.busy.discard(threading.current_thread())

    def process_request(self, request, client_address):
        self.open_sockets.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        self.open_sockets.discard(request)
        super().shutdown_request(request)

    def drop_connections(self):
        """Cut every open connection, then wait for the request threads to end (they
        use the test's shared database connection until they do)."""
        for sock in list(self.open_sockets):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in list(self.busy):
            thread.join(START_SECONDS)


class _OriginThread(LiveServerThread):
    server_class = _OriginServer

    def _create_server(self, connections_override=None):
        # Reusable at once: the origin comes back on the same port after a stop.
        return self.server_class(
            (self.host, self.port),
            QuietWSGIRequestHandler,
            allow_reuse_address=True,
            connections_override=connections_override,
        )

    def terminate(self):
        httpd = getattr(self, "httpd", None)
        super().terminate()
        if httpd is not None:
            httpd.drop_connections()


class Origin:
    """The site on ``127.0.0.1:port`` in a thread of this process (Django's
    ``LiveServerThread``), stoppable and restartable on the same port."""

    def __init__(self):
        self.port = free_port()
        self.slow = SlowRenders()
        self.thread = None
        self._shared = {
            conn.alias: conn
            for conn in connections.all()
            if conn.vendor == "sqlite" and conn.is_in_memory_db()
        }

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self):
        return self.thread is not None

    def start(self):
        for conn in self._shared.values():
            conn.inc_thread_sharing()
        self.thread = _OriginThread(
            "127.0.0.1",
            lambda app: self.slow.wrap(StaticFilesHandler(app)),
            connections_override=self._shared,
            port=self.port,
        )
        self.thread.daemon = True
        self.thread.start()
        self.thread.is_ready.wait()
        if self.thread.error:
            error, self.thread = self.thread.error, None
            raise error

    def stop(self):
        if self.thread is None:
            return
        self.thread.terminate()
        self.thread = None
        for conn in self._shared.values():
            conn.dec_thread_sharing()


class Varnish:
    """``varnishd`` in the foreground with the shipped VCL in front of ``origin_port``."""

    def __init__(self, origin_port):
        self.origin_port = origin_port
        self.port = free_port()
        # Readable by the unprivileged users varnishd switches to when started as root.
        self.workdir = Path(tempfile.mkdtemp(prefix="isha-varnish-"))
        self.workdir.chmod(0o755)
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def vcl(self):
        text = VCL.read_text()
        assert text.count(SHIPPED_BACKEND_PORT) == 1, "the shipped VCL's backend port moved"
        text = text.replace(SHIPPED_BACKEND_PORT, f'.port = "{self.origin_port}";')
        # The shipped probe needs three good answers 2 s apart to find a restarted origin
        # healthy again; tests probe every half second (each timing out before the next)
        # so that wait is short. The window and threshold, what the tests check, are the
        # shipped ones.
        assert text.count(SHIPPED_PROBE_INTERVAL) == 1, "the shipped VCL's probe interval moved"
        return text.replace(SHIPPED_PROBE_INTERVAL, ".interval = 0.5s;\n        .timeout = 0.4s;")

    def start(self):
        path = self.workdir / "test.vcl"
        path.write_text(self.vcl())
        path.chmod(0o644)
        log = (self.workdir / "varnishd.log").open("w")
        command = [varnishd_path(), "-F", "-a", f"127.0.0.1:{self.port}", "-f", str(path)]
        # Small: a shared test machine. One thread pool, a 32 MB store.
        command += ["-n", str(self.workdir / "n"), "-s", "malloc,32m", "-p", "thread_pools=1"]
        command += ["-p", "thread_pool_min=8"]
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for_port(self.port, alive=lambda: self.process.poll() is None)
        except RuntimeError as error:
            self.stop()
            raise RuntimeError(f"varnishd did not start: {error}\n{self.log()}") from error

    def log(self):
        path = self.workdir / "varnishd.log"
        return path.read_text() if path.exists() else ""

    def admin(self, *args):
        """``varnishadm`` on this instance; returns its output, raises on failure."""
        varnishadm = shutil.which("varnishadm") or "/usr/bin/varnishadm"
        result = subprocess.run(
            [varnishadm, "-n", str(self.workdir / "n"), *args], capture_output=True, text=True, timeout=20
        )
        if result.returncode != 0:
            raise RuntimeError(f"varnishadm {' '.join(args)}: {result.stdout}{result.stderr}")
        return result.stdout

    def forget_everything(self):
        """Ban every object (between tests), through the CLI, not the code under test."""
        self.admin("ban", "obj.status", "!=", "0")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None

    def remove(self):
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


def require_varnishd():
    """``None`` when varnishd is installed, else the reason to skip (or, under CI, fail)."""
    if varnishd_path():
        return None
    return "the edge tests need Varnish 7 (`apt-get install -y varnish`: varnishd not found)"


def in_ci():
    return os.environ.get("CI") == "true"
