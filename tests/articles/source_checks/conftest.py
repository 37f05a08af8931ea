"""A local stand-in for Crossref and the NCBI E-utilities, answering from ``responses/``.

Tests say what each identifier gets with ``registry_server.answer(...)``: a response
file, a status (404, 429, 500), or a file sent only after a delay (a timeout). Every
request is recorded, so tests can read the parameters the registries ask for.
"""

import contextlib
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

RESPONSES = Path(__file__).parent / "responses"


class RegistryServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.answers = {}
        self.requests = []

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def answer(self, identifier, *answers):
        """Answer requests for ``identifier`` with ``answers`` in turn (the last repeats).
        Each is a response file path under ``responses/``, a status code, raw bytes
        (sent as a 200), or ``("slow", seconds, file)``."""
        self.answers[identifier] = list(answers)

    def next_answer(self, identifier):
        queue = self.answers.get(identifier) or [404]
        return queue.pop(0) if len(queue) > 1 else queue[0]

    def asked_for(self, identifier):
        return [query for path, query in self.requests if identifier in (path, query.get("id"))]


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        parts = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        path = urllib.parse.unquote(parts.path)
        if path.startswith("/crossref/works/"):
            identifier = path.removeprefix("/crossref/works/")
        elif path == "/eutils/efetch.fcgi":
            identifier = query.get("id", "")
        else:
            identifier = path
        self.server.requests.append((identifier, query))
        self.respond(self.server.next_answer(identifier))

    def respond(self, answer):
        if isinstance(answer, tuple):
            _, seconds, answer = answer
            time.sleep(seconds)
        if isinstance(answer, int):
            body = b"Resource not found." if answer == 404 else b"Try again later."
            self.send_response(answer)
            if answer == 429:
                self.send_header("Retry-After", "0")
            self.send_header("Content-Type", "text/plain")
        elif isinstance(answer, bytes):
            body = answer
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
        else:
            body = (RESPONSES / answer).read_bytes()
            self.send_response(200)
            kind = "application/json" if answer.endswith(".json") else "text/xml; charset=UTF-8"
            self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        # The client may have given up already (the timeout test).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def registry_server(settings):
    """The local registry, with the settings pointing the checks at it (no pause
    between requests, no wait before retries, half a second per request)."""
    server = RegistryServer()
    # shutdown() waits for the loop's next poll: half a second by default, per test.
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    settings.SOURCE_CHECK_CROSSREF_URL = f"{server.url}/crossref"
    settings.SOURCE_CHECK_EUTILS_URL = f"{server.url}/eutils"
    settings.SOURCE_CHECK_EMAIL = "evidence@example.com"
    settings.SOURCE_CHECK_DELAY = 0
    settings.SOURCE_CHECK_RETRY_SECONDS = 0
    settings.SOURCE_CHECK_TIMEOUT = 0.5
    settings.SOURCE_CHECK_RETRIES = 2
    yield server
    server.shutdown()
    server.server_close()
