"""What every benchmark case shares: the processes it starts, gunicorn servers, wrk runs
with their JSON summary (bench/report.lua), the workers' CPU time, PostgreSQL and Redis.

Imported by bench/run.py and its case modules (bench/ is on ``sys.path`` when a script in
it runs). Nothing here measures by itself.
"""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
HOST = "127.0.0.1"
PG = {"host": HOST, "port": 5432, "user": "postgres"}
REDIS_URL = os.environ.get("BENCH_REDIS_URL", f"redis://{HOST}:6379/0")


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- processes --------------------------------------------------------------------------


class Processes:
    """Everything this run started, stopped (process group and all) on the way out."""

    def __init__(self):
        self.running = []

    def start(self, args, env, log_path):
        # Open for the process's lifetime, closed in stop(): no with-block can span that.
        handle = open(log_path, "ab")  # noqa: SIM115
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.running.append((process, handle))
        return process

    def stop(self, process, grace=20):
        entry = next(((p, h) for p, h in self.running if p is process), None)
        if entry is None:
            return
        handle = entry[1]
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            except ProcessLookupError:
                pass
        handle.close()
        self.running.remove(entry)

    def stop_all(self):
        for process, _handle in list(self.running):
            self.stop(process)


def run(args, env, timeout, capture=True):
    """Run a command to completion (bounded); raise with its output if it fails."""
    result = subprocess.run(
        args,
        cwd=ROOT,
        env=env,
        timeout=timeout,
        text=True,
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.STDOUT if capture else None,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} failed ({result.returncode}):\n{result.stdout or ''}")
    return result.stdout or ""


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def fetch(url, headers=None, method="GET", data=None, timeout=30):
    """(status, headers, body) for ``url``, without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


PROXY_HEADERS = {"X-Forwarded-Proto": "https"}  # as the TLS-terminating load balancer sends
# What every reader's browser sends (Chromium, Firefox and Safari all offer gzip and br):
# the load is measured on the representation readers get, compressed where the site
# compresses (bare Django ignores it).
BROWSER_HEADERS = {"Accept-Encoding": "gzip, deflate, br"}


class Server:
    """gunicorn -c gunicorn.conf.py with the run's environment, on a free port."""

    def __init__(self, processes, name, env, workdir, probe="/healthz", app=None):
        # ``app``: a WSGI "module:callable" instead of the config file's isha.wsgi.
        self.processes, self.name, self.probe, self.app = processes, name, probe, app
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.env = env | {"GUNICORN_BIND": f"{HOST}:{self.port}"}
        self.log_path = workdir / f"gunicorn-{name}.log"

    def __enter__(self):
        self.process = self.processes.start(
            [str(GUNICORN), "-c", "gunicorn.conf.py", *([self.app] if self.app else [])],
            self.env,
            self.log_path,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                fetch(self.base + "/", PROXY_HEADERS, timeout=5)
                return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(
            f"gunicorn ({self.name}) did not start; see {self.log_path}:\n"
            + self.log_path.read_text()[-3000:]
        )

    def __exit__(self, *exc):
        self.processes.stop(self.process)

    def drain(self, limit=15):
        """Wait until the server answers a cheap request at once: requests that a finished
        wrk run left queued are still served, and would slow the next run. (Worker CPU
        cannot tell: a worker waiting for PostgreSQL uses none.) Restart the server if it
        is still busy after ``limit`` seconds (the slow search), which drops the queue."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            sent = time.monotonic()
            try:
                fetch(self.base + self.probe, PROXY_HEADERS, timeout=2)
            except OSError:
                continue
            if time.monotonic() - sent < 0.5:
                return
        log(f"{self.name}: still busy {limit} s after the run (requests left queued); restarting it")
        self.__exit__()
        self.__enter__()


# --- wrk ----------------------------------------------------------------------------------


def wrk(settings, url, script, extra_args=(), duration=None):
    """Run wrk once; return its JSON summary (see bench/report.lua) and its text report."""
    args = [
        "wrk",
        f"-t{settings.threads}",
        f"-c{settings.connections}",
        f"-d{duration or settings.duration}s",
        f"--timeout={settings.timeout}s",
        "--latency",
        "-s",
        str(BENCH / script),
    ]
    for name, value in (PROXY_HEADERS | BROWSER_HEADERS).items():
        args += ["-H", f"{name}: {value}"]
    args.append(url)
    if extra_args:
        args += ["--", *map(str, extra_args)]
    output = subprocess.run(
        args, capture_output=True, text=True, timeout=(duration or settings.duration) + 60
    ).stdout
    line = next((row for row in output.splitlines() if row.startswith("BENCHJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{output}")
    result = json.loads(line[len("BENCHJSON ") :])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(result[k] for k in ("non_2xx_3xx", "connect", "read", "write", "timeout"))
    return result, output


def worker_cpu_seconds(master_pid):
    """User + system CPU seconds used so far by the gunicorn master's workers (Linux /proc)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def measure(
    settings, name, server, path, expect_status=200, expect_cache=None, connections=None, warmup=True
):
    """Check the URL answers as the case needs, warm up, then measure.

    Besides wrk's figures, records the CPU time the two workers spent per request: unlike
    requests/s it hardly depends on what else the machine is doing at the time.
    """
    url = server.base + path
    status, headers, body = fetch(url, PROXY_HEADERS)
    if status != expect_status:
        raise RuntimeError(f"{name}: {url} answered {status}, expected {expect_status}:\n{body[:800]!r}")
    if expect_cache is not None and headers.get("X-Page-Cache") not in expect_cache:
        raise RuntimeError(
            f"{name}: X-Page-Cache is {headers.get('X-Page-Cache')!r}, expected {expect_cache}"
        )
    case_settings = settings if connections is None else settings.with_connections(connections)
    if warmup:
        wrk(case_settings, url, "report.lua", duration=settings.warmup)
        server.drain()
    cpu_before = worker_cpu_seconds(server.process.pid)
    result, _text = wrk(case_settings, url, "report.lua")
    result["cpu_ms"] = (
        (worker_cpu_seconds(server.process.pid) - cpu_before) * 1000 / max(result["requests"], 1)
    )
    server.drain()
    if expect_cache is not None:
        # Still answered the same way after the run (the cache was warm all along, or off).
        _status, headers, _body = fetch(url, PROXY_HEADERS)
        result["cache_after"] = headers.get("X-Page-Cache")
    result |= {
        "name": name,
        "url": url,
        "connections": case_settings.connections,
        "bytes_per_page": len(body),
    }
    log(
        f"{name}: {result['rps']:.1f} req/s, p99 {result['p99_us'] / 1000:.1f} ms, "
        f"{result['cpu_ms']:.2f} ms worker CPU per request, errors {result['errors']}"
    )
    return result


class WrkSettings:
    def __init__(self, threads, connections, duration, warmup, timeout):
        self.threads, self.connections, self.duration = threads, connections, duration
        self.warmup, self.timeout = warmup, timeout

    def with_connections(self, connections):
        return WrkSettings(self.threads, connections, self.duration, self.warmup, self.timeout)

    def describe(self):
        return (
            f"wrk -t{self.threads} -c{self.connections} -d{self.duration}s --timeout={self.timeout}s "
            f"--latency (after a {self.warmup}s warm-up with the same settings)"
        )


# --- database and cache -------------------------------------------------------------------


def pg_connect(dbname="postgres"):
    import psycopg

    return psycopg.connect(dbname=dbname, autocommit=True, connect_timeout=10, **PG)


def drop_database(name):
    with pg_connect() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def delete_cache_keys(prefix):
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=10)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])
    return len(keys)
