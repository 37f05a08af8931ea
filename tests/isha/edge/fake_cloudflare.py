"""A local stand-in for Cloudflare's purge API (the real account is out of reach).

It accepts what the API reference documents for a purge by tag
(https://developers.cloudflare.com/api/operations/zone-purge) and refuses anything else
the way the API does, with ``{"success": false, "errors": [...]}``: ``POST
/client/v4/zones/<ZONE_ID>/purge_cache``, ``Authorization: Bearer <TOKEN>``, a JSON body
``{"tags": [...]}`` of 1 to 30 strings. Every purge it accepted is kept in ``purged``.
Tests can make it fail (``fail_with``) or answer slowly (``delay``).
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ZONE_ID = "0123456789abcdef0123456789abcdef"
TOKEN = "test-token-with-cache-purge"
PATH = f"/client/v4/zones/{ZONE_ID}/purge_cache"


class FakeCloudflare(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.purged = []  # one list of tags per accepted call
        self.refused = []  # (status, reason) of each refused call
        self.fail_with = None  # (status, code, message) to answer every call with
        self.delay = 0.0
        # shutdown() waits for the loop's next poll: half a second by default, per test.
        self._thread = threading.Thread(target=self.serve_forever, args=(0.01,), daemon=True)

    @property
    def api_url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/client/v4"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()

    def handle_error(self, request, client_address):
        pass  # a client that gave up on a slow answer (a timeout test) closed the socket

    def tags(self):
        return {tag for call in self.purged for tag in call}


class _Handler(BaseHTTPRequestHandler):
    server: FakeCloudflare

    def do_POST(self):
        time.sleep(self.server.delay)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        problem = self._problem(body)
        if problem:
            self.server.refused.append(problem[:2])
            self._answer(problem[0], False, [{"code": problem[1], "message": problem[2]}])
        elif self.server.fail_with:
            status, code, message = self.server.fail_with
            self.server.refused.append((status, code))
            self._answer(status, False, [{"code": code, "message": message}])
        else:
            self.server.purged.append(json.loads(body)["tags"])
            self._answer(200, True, [], result={"id": ZONE_ID})

    def do_GET(self):
        self._answer(405, False, [{"code": 10000, "message": "Method not allowed"}])

    def _problem(self, body):
        """``(status, code, message)`` for a request the API would refuse, else ``None``."""
        if self.path != PATH:
            return (404, 7003, f"Could not route to {self.path}")
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return (403, 10000, "Authentication error")
        if not (self.headers.get("Content-Type") or "").startswith("application/json"):
            return (400, 1012, "Request must be JSON")
        try:
            payload = json.loads(body)
        except ValueError:
            return (400, 1012, "Request must be valid JSON")
        tags = payload.get("tags") if isinstance(payload, dict) else None
        if (
            set(payload) != {"tags"}
            or not isinstance(tags, list)
            or not all(isinstance(t, str) for t in tags)
        ):
            return (400, 1012, 'Expected {"tags": [...]}')
        if not 1 <= len(tags) <= 30:
            return (400, 1134, "You may purge up to 30 tags in one API call")
        return None

    def _answer(self, status, success, errors, result=None):
        body = json.dumps({"success": success, "errors": errors, "messages": [], "result": result}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass
