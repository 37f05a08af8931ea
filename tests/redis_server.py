"""A throwaway ``redis-server`` for fault tests: started on a free port, stopped mid-test.

The shared Redis (127.0.0.1:6379) serves other test workers and must never be stopped;
a test that needs Redis to go away starts its own with :class:`RedisServer`.
"""

import shutil
import socket
import subprocess
import time

import redis

DEADLINE_SECONDS = 10.0


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """One ``redis-server`` process without persistence; :attr:`url` points at its db 0."""

    def __init__(self):
        self.executable = shutil.which("redis-server")
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        """Start the server and wait (up to :data:`DEADLINE_SECONDS`) until it answers PING."""
        self.process = subprocess.Popen(
            [
                *(self.executable, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + DEADLINE_SECONDS
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        while True:
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self):
        """Stop the server (if running) and wait for the process to end."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=DEADLINE_SECONDS)
