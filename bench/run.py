"""The site's speed, measured against bare Django in the same run (issue 7, "Measured speed").

Run it with ``make bench`` (or ``bash bench/run.sh``), which installs wrk first. This
script then:

1. creates a throwaway PostgreSQL database (``isha_bench_<pid>``), migrates it, imports
   the real Webflow export and generates articles up to 1,000 (bench/content.py), and
   collects the static files (hashed and compressed, as production serves them);
2. starts three servers with the same ``gunicorn -c gunicorn.conf.py`` and 2 workers:
   bare Django (bench/bare_settings.py), the site in production mode with its page
   cache (Redis), and the site with the page cache off (``PAGE_CACHE_SECONDS=0``);
   only the one being measured gets traffic;
3. drives each case with the same wrk settings (a warm-up run, then the measured run)
   and prints requests/s, p99 latency, worker CPU per request and the ratio to bare
   Django, measured just before and just after the case;
4. signs up with unique addresses from 64 connections and checks that the subscribers
   stored equal the sign-ups answered with success;
5. reports the article page's transfer size (HTML, CSS, JS compressed; images apart);
6. stops every process it started, drops the database, deletes its cache keys and media.

Every step is bounded in time. Traffic goes to 127.0.0.1 only. Not part of the test
suite (pytest collects tests/ only).
"""

import argparse
import gzip
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import edge  # bench/edge.py: Varnish in front of the site (run as a script, bench/ is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
HOST = "127.0.0.1"
PG = {"host": HOST, "port": 5432, "user": "postgres"}
REDIS_URL = os.environ.get("BENCH_REDIS_URL", f"redis://{HOST}:6379/0")
TARGET_TOTAL_ARTICLES = 1000
TRANSFER_BUDGET = 100 * 1024
VIEWPORT_PX = 1280  # a laptop browser at 1x, for picking image candidates
GOALS = {"article-warm": 0.7, "article-cold": 0.15, "edge-article-warm": 5}


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


class Server:
    """gunicorn -c gunicorn.conf.py with the run's environment, on a free port."""

    def __init__(self, processes, name, env, workdir, probe="/healthz"):
        self.processes, self.name, self.probe = processes, name, probe
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.env = env | {"GUNICORN_BIND": f"{HOST}:{self.port}"}
        self.log_path = workdir / f"gunicorn-{name}.log"

    def __enter__(self):
        self.process = self.processes.start(
            [str(GUNICORN), "-c", "gunicorn.conf.py"], self.env, self.log_path
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
    for name, value in PROXY_HEADERS.items():
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


# --- transfer size ----------------------------------------------------------------------


class PageAssets(HTMLParser):
    """The stylesheets, scripts and images a page makes a browser fetch."""

    def __init__(self):
        super().__init__()
        self.styles, self.scripts, self.icons, self.pictures = [], [], [], []
        self._picture = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.styles.append(attrs["href"])
        elif tag == "link" and attrs.get("rel") == "icon":
            self.icons.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        elif tag == "picture":
            self._picture = {"webp": None, "sizes": "100vw", "src": None}
        elif tag == "source" and self._picture is not None and attrs.get("type") == "image/webp":
            self._picture["webp"] = attrs.get("srcset")
            self._picture["sizes"] = attrs.get("sizes", "100vw")
        elif tag == "img":
            if self._picture is not None:
                self._picture["src"] = attrs.get("src")
            else:
                self.icons.append(attrs.get("src"))

    def handle_endtag(self, tag):
        if tag == "picture" and self._picture is not None:
            self.pictures.append(self._picture)
            self._picture = None


def slot_width(sizes, viewport=VIEWPORT_PX, rem=16):
    """The CSS width ``sizes`` gives an image at ``viewport`` px (min-width queries, rem/vw/px)."""
    for part in sizes.split(","):
        part = part.strip()
        match = re.match(r"\(min-width:\s*([\d.]+)(rem|px)\)\s*(.+)", part)
        if match:
            minimum = float(match[1]) * (rem if match[2] == "rem" else 1)
            if viewport < minimum:
                continue
            part = match[3]
        value = re.match(r"([\d.]+)(rem|vw|px)", part)
        if value:
            number, unit = float(value[1]), value[2]
            return number * {"rem": rem, "vw": viewport / 100, "px": 1}[unit]
    return viewport


def picked_candidate(srcset, width):
    """The srcset candidate a 1x browser picks for a slot ``width`` px wide."""
    candidates = sorted(
        (int(w[:-1]), url) for url, w in (item.strip().rsplit(" ", 1) for item in srcset.split(","))
    )
    for candidate_width, url in candidates:
        if candidate_width >= width:
            return url
    return candidates[-1][1]


def transfer_size(base, path, media_root):
    """Bytes on the wire for ``path``: HTML (gzip -6, as nginx or a load balancer would
    compress it), CSS and JS as whitenoise serves them (brotli or gzip), images apart."""
    status, _headers, html = fetch(base + path, PROXY_HEADERS)
    assert status == 200, status
    parser = PageAssets()
    parser.feed(html.decode())
    rows = [("HTML", path, len(html), len(gzip.compress(html, 6)), "gzip -6")]
    for kind, urls in (("CSS", parser.styles), ("JS", parser.scripts)):
        for url in urls:
            _s, headers, body = fetch(base + url, PROXY_HEADERS | {"Accept-Encoding": "br, gzip"})
            _s, _h, plain = fetch(base + url, PROXY_HEADERS)
            rows.append((kind, url, len(plain), len(body), headers.get("Content-Encoding") or "none"))
    images = []
    for url in dict.fromkeys(parser.icons):  # the favicon is linked twice, fetched once
        _s, headers, body = fetch(base + url, PROXY_HEADERS | {"Accept-Encoding": "br, gzip"})
        images.append(("icon", url, len(body), headers.get("Content-Encoding") or "none"))
    for picture in parser.pictures:
        url = (
            picked_candidate(picture["webp"], slot_width(picture["sizes"]))
            if picture["webp"]
            else picture["src"]
        )
        local = media_root / url.split("/media/", 1)[-1]
        images.append(
            (
                "picture",
                url,
                local.stat().st_size if local.exists() else 0,
                "webp" if picture["webp"] else "original",
            )
        )
    return rows, images


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


# --- the run ----------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description="Benchmark the site against bare Django (issue 7).")
    parser.add_argument("--duration", type=int, default=15, help="seconds of each measured wrk run")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of the warm-up run before each case")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--signup-connections", type=int, default=64)
    parser.add_argument("--articles", type=int, default=TARGET_TOTAL_ARTICLES)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the database and media (for profiling)")
    options = parser.parse_args()
    settings = WrkSettings(options.threads, options.connections, options.duration, options.warmup, timeout=10)

    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: run `make bench` (or bash bench/run.sh), which installs it.")
    if not GUNICORN.exists():
        sys.exit("No .venv: run `make install` first (make bench does).")

    token = f"{os.getpid()}{secrets.token_hex(2)}"
    dbname = f"isha_bench_{token}"
    cache_prefix = f"isha-bench-{token}"
    workdir = Path(tempfile.mkdtemp(prefix="isha-bench-"))
    media_root = workdir / "media"
    processes = Processes()

    def interrupted(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    base_env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_", "PAGE_CACHE"))
    }
    common = base_env | {
        # The same gunicorn settings for every server: the config file, 2 sync workers.
        "GUNICORN_WORKERS": "2",
        # Worker recycling (every ~2,000 requests) guards production against slow leaks;
        # in a 15-second run it would measure Django's start-up instead of the requests.
        "GUNICORN_MAX_REQUESTS": "0",
        "GUNICORN_LOGLEVEL": "warning",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    site_env = common | {
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "DATABASE_URL": f"postgres://{PG['user']}@{HOST}:{PG['port']}/{dbname}",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": cache_prefix,
        "MEDIA_ROOT": str(media_root),
        "SITE_URL": "https://127.0.0.1",
        # The sign-up case measures the database path: no fill-time hold, no rate limit.
        "SIGNUP_MIN_FILL_SECONDS": "0",
        "SIGNUP_RATE_LIMIT": "",
    }
    bare_env = common | {"DJANGO_SETTINGS_MODULE": "bench.bare_settings"}
    results, started = {}, time.monotonic()
    created_db = False
    try:
        log(f"database {dbname}, media {media_root}, cache prefix {cache_prefix}")
        with pg_connect() as connection:
            connection.execute(f'CREATE DATABASE "{dbname}"')
        created_db = True
        manage = [str(PYTHON), "manage.py"]
        run([*manage, "migrate", "--noinput"], site_env, 600)
        log("importing the real Webflow export")
        log(
            run(
                [*manage, "import_webflow", str(ROOT.parent / "shared" / "real-input" / "webflow")],
                site_env,
                600,
            )
            .strip()
            .splitlines()[0]
        )
        log(f"generating articles up to {options.articles}")
        slug = (
            run([str(PYTHON), str(BENCH / "content.py"), "--total", str(options.articles)], site_env, 900)
            .strip()
            .splitlines()[-1]
        )
        run([*manage, "collectstatic", "--noinput", "--verbosity", "0"], site_env, 600)
        counts = run(
            [
                *manage,
                "shell",
                "-c",
                (
                    f"from articles.models import *; a=Article.objects.get(slug={slug!r}); "
                    "print(Article.objects.count(), Article.objects.published().count(), "
                    "Source.objects.count(), a.citations.count(), a.topics.count(), "
                    "a.related_links.count(), "
                    "len(__import__('django.utils.html').utils.html.strip_tags(a.body).split()))"
                ),
            ],
            site_env,
            120,
        ).split()
        content = dict(
            zip(
                [
                    "articles",
                    "published",
                    "sources",
                    "article_sources",
                    "article_topics",
                    "article_related",
                    "article_words",
                ],
                map(int, counts[-7:]),
                strict=True,
            )
        )
        content["slug"] = slug
        log(f"content: {content}")
        article_path = f"/articles/{slug}/"
        search_path = "/search/?q=ketamine+depression"

        with pg_connect(dbname) as connection:
            # Fresh planner statistics, as autovacuum keeps them on a live database.
            connection.execute("VACUUM ANALYZE")
        results["load_average_before"] = tuple(round(x, 2) for x in os.getloadavg())
        log(f"load average before the runs: {results['load_average_before']}")

        # All three servers run from here on; only the one being measured gets traffic.
        # Bare Django is measured before and after every case, and each case is compared
        # with the mean of those two runs: other load on the machine then moves both.
        with (
            Server(processes, "bare", bare_env, workdir, probe="/") as bare,
            Server(processes, "site-cache", site_env | {"PAGE_CACHE_SECONDS": "600"}, workdir) as cached,
            Server(processes, "site-nocache", site_env | {"PAGE_CACHE_SECONDS": "0"}, workdir) as uncached,
        ):
            bare_runs = [measure(settings, "bare", bare, "/")]

            def bracketed(key, run_case):
                results[key] = run_case()
                bare_runs.append(measure(settings, "bare", bare, "/", warmup=False))
                results[key]["bare_rps"] = (bare_runs[-2]["rps"] + bare_runs[-1]["rps"]) / 2
                results[key]["bare_cpu_ms"] = (bare_runs[-2]["cpu_ms"] + bare_runs[-1]["cpu_ms"]) / 2

            fetch(cached.base + article_path, PROXY_HEADERS)
            fetch(cached.base + "/", PROXY_HEADERS)
            bracketed(
                "article-warm",
                lambda: measure(settings, "article-warm", cached, article_path, expect_cache={"hit"}),
            )
            bracketed(
                "article-cold",
                lambda: measure(settings, "article-cold", uncached, article_path, expect_cache={None}),
            )
            bracketed("home-warm", lambda: measure(settings, "home-warm", cached, "/", expect_cache={"hit"}))
            bracketed("home-cold", lambda: measure(settings, "home-cold", uncached, "/", expect_cache={None}))
            bracketed(
                "signup",
                lambda: signup_case(
                    settings, options.signup_connections, cached, token, article_path, dbname
                ),
            )
            bracketed("search", lambda: measure(settings, "search", uncached, search_path))
            results["purge-to-visible"] = edge.edge_cases(
                sys.modules[__name__], bracketed, settings, processes, cached, site_env, article_path, slug
            )
            results["bare"] = {
                "runs": [r["rps"] for r in bare_runs],
                "rps": sorted(r["rps"] for r in bare_runs)[len(bare_runs) // 2],
                "cpu_ms": sorted(r["cpu_ms"] for r in bare_runs)[len(bare_runs) // 2],
                "p50_us": sorted(r["p50_us"] for r in bare_runs)[len(bare_runs) // 2],
                "p99_us": sorted(r["p99_us"] for r in bare_runs)[len(bare_runs) // 2],
                "errors": sum(r["errors"] for r in bare_runs),
                "connections": settings.connections,
            }
            results["transfer"] = transfer_size(cached.base, article_path, media_root)
        results["load_average_after"] = tuple(round(x, 2) for x in os.getloadavg())
        results["content"] = content
        results["settings"] = settings.describe()
        results["elapsed_s"] = round(time.monotonic() - started)
        print_summary(results, settings)
        if options.json:
            Path(options.json).write_text(json.dumps(results, indent=2, default=str))
        return 0 if results["signup"]["consistent"] and results["signup"]["errors"] == 0 else 1
    finally:
        processes.stop_all()
        if not options.keep:
            if created_db:
                drop_database(dbname)
            try:
                removed = delete_cache_keys(cache_prefix)
            except Exception as error:  # Redis gone: the keys expire on their own
                removed = f"not deleted ({error})"
            shutil.rmtree(workdir, ignore_errors=True)
            log(f"cleaned up: database {dbname} dropped, {removed} cache keys deleted, {workdir} removed")
        else:
            log(f"kept: database {dbname}, {workdir} (drop it with: dropdb -h {HOST} -U postgres {dbname})")


def signup_case(settings, connections, server, token, article_path, dbname):
    """64 connections POSTing unique addresses; then subscribers stored vs successes seen."""
    case = settings.with_connections(connections)
    active = max(1, case.duration - 4)  # the last 4 s only collect the answers in flight
    status, _headers, body = fetch(
        server.base + "/signup/",
        PROXY_HEADERS
        | {
            "Sec-Fetch-Site": "same-origin",
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        method="POST",
        data=f"email=bench-{token}-probe%40example.com&next={article_path}".encode(),
    )
    if status != 200 or b'"ok": true' not in body:
        raise RuntimeError(f"sign-up probe answered {status}: {body[:500]!r}")
    with pg_connect(dbname) as connection:
        before = connection.execute("SELECT count(*) FROM signups_subscriber").fetchone()[0]
    cpu_before = worker_cpu_seconds(server.process.pid)
    result, _text = wrk(
        case, server.base + "/signup/", "signup.lua", extra_args=(token, active, article_path)
    )
    result["cpu_ms"] = (
        (worker_cpu_seconds(server.process.pid) - cpu_before) * 1000 / max(result["requests"], 1)
    )
    server.drain()  # nothing should be in flight now; make sure of it
    with pg_connect(dbname) as connection:
        after = connection.execute("SELECT count(*) FROM signups_subscriber").fetchone()[0]
        queued = connection.execute(
            "SELECT count(*) FROM signups_subscriber WHERE email LIKE %s", (f"bench-{token}-t%",)
        ).fetchone()[0]
    result |= {
        "name": "signup",
        "connections": connections,
        "active_window_s": active,
        "subscribers_new": after - before,
        "subscribers_bench": queued,
        "rps_signups": result["successes"] / result["active_s"] if result["active_s"] else 0,
    }
    result["consistent"] = result["subscribers_new"] == result["successes"] == result["subscribers_bench"]
    log(
        f"signup: {result['successes']} successes, {result['subscribers_new']} new subscribers, "
        f"{result['failures']} failures, {result['errors']} wrk errors"
    )
    return result


def print_summary(results, settings):
    bare = results["bare"]
    content = results["content"]
    width = 118
    print()
    print("=" * width)
    print(
        "Isha Health benchmark: gunicorn -c gunicorn.conf.py, 2 sync workers (GUNICORN_WORKERS=2, "
        "GUNICORN_MAX_REQUESTS=0), DJANGO_ENV=production, PostgreSQL + Redis"
    )
    print(f"Load: {settings.describe()};")
    print("      127.0.0.1 only, X-Forwarded-Proto: https as the load balancer sends it.")
    print(
        f"Content: {content['articles']} articles ({content['published']} published), {content['sources']} "
        f"sources; article page /articles/{content['slug']}/"
    )
    print(
        f"         ({content['article_words']} words, {content['article_sources']} sources, "
        f"{content['article_topics']} topics, {content['article_related']} related picks, hero image)"
    )
    print(
        "Bare Django runs (req/s, one before and after each case): "
        + ", ".join(f"{r:.0f}" for r in bare["runs"])
    )
    print(
        f"Load average: {results['load_average_before']} before, {results['load_average_after']} after "
        f"(the machine has {os.cpu_count()} CPUs, shared with wrk)"
    )
    print("=" * width)
    header = (
        f"{'case':<38}{'conns':>6}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'bare req/s':>11}{'x bare':>8}"
        f"{'CPU ms/req':>11}{'errors':>8}  goal"
    )
    print(header)
    print("-" * width)
    labels = [
        ("bare", "bare Django (no apps, no middleware)"),
        ("article-warm", "article, anonymous, page cache warm"),
        ("article-cold", "article, no cache (every request renders)"),
        ("home-warm", "home page, page cache warm"),
        ("home-cold", "home page, no cache"),
        ("signup", "sign-up POST, unique emails"),
        ("search", "search ?q=ketamine+depression"),
        ("edge-article-warm", "article through Varnish, warm"),
    ]
    for key, label in labels:
        r = results[key]
        rps = r["rps_signups"] if key == "signup" else r["rps"]
        bare_rps = r.get("bare_rps", bare["rps"])
        ratio = rps / bare_rps
        goal = GOALS.get(key)
        verdict = "" if goal is None else f">= {goal}x: {'met' if ratio >= goal else 'NOT met'}"
        print(
            f"{label[:37]:<38}{r['connections']:>6}{rps:>9.1f}"
            f"{r['p50_us'] / 1000:>9.1f}{r['p99_us'] / 1000:>9.1f}"
            f"{bare_rps:>11.0f}{ratio:>8.3f}{r['cpu_ms']:>11.2f}{r['errors']:>8}  {verdict}"
        )
    s = results["signup"]
    print("-" * width)
    for line in edge.summary_rows(results):
        print(line)
    print("x bare: requests/s divided by the mean of the bare-Django runs just before and after the case.")
    print(
        "CPU ms/req: user+system CPU of the two gunicorn workers per request "
        "(PostgreSQL, Redis and wrk apart)."
    )
    print(
        f"Sign-up: {s['sent']} sent in the first {s['active_window_s']} s of the run "
        f"by {s['connections']} connections "
        f"(req/s = successes / time to the last answer, {s['active_s']:.1f} s);"
    )
    print(
        f"         {s['successes']} answered with success, {s['failures']} other answers, "
        f"{s['errors']} errors (non-2xx/3xx or socket); "
        f"new subscribers stored: {s['subscribers_new']} -> "
        f"{'equal: nothing lost, nothing doubled' if s['consistent'] else 'MISMATCH'}"
    )
    rows, images = results["transfer"]
    print()
    print(f"Transfer size of the article page, images apart (target < {TRANSFER_BUDGET // 1024} KB):")
    total = 0
    for kind, url, raw, wire, encoding in rows:
        total += wire
        print(f"  {kind:<5}{raw / 1024:>7.1f} KB raw {wire / 1024:>6.1f} KB on the wire ({encoding})  {url}")
    print(f"  total {total / 1024:.1f} KB on the wire: {'met' if total < TRANSFER_BUDGET else 'NOT met'}")
    image_total = sum(size for _k, _u, size, _e in images)
    print(
        f"  images: {len(images)} files, {image_total / 1024:.1f} KB "
        f"(the WebP candidate a {VIEWPORT_PX}px-wide 1x browser picks; all but the hero load lazily)"
    )
    for kind, url, size, encoding in images:
        print(f"    {size / 1024:>6.1f} KB  {kind} ({encoding})  {url}")
    print(f"Run took {results['elapsed_s']} s.")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt as stop:
        log(f"interrupted ({stop}); cleaned up")
        sys.exit(130)
