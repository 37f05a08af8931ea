"""The edge cases of ``bench/run.py``: Varnish in front of the cached site (issue 15).

- ``edge-article-warm``: the warm article through Varnish running the shipped VCL
  (``deploy/varnish/default.vcl``, its backend pointed at the site's gunicorn), with the
  same wrk settings as every case, so its ratio to bare Django comes from the same run
  (goal: at least 5x). Its CPU column is varnishd's cache process, not gunicorn's.
- ``purge-to-visible``: a separate process archives then republishes an article through
  ``articles.publishing`` (as the admin would), with ``EDGE_PURGE_BACKEND=varnish``; this
  process polls the article through Varnish and records how long after the service call
  returned (the editor's request) the change was visible, and how long after it started.

``run.py`` calls :func:`edge_cases` inside its servers' block; everything started here is
stopped by its ``Processes``, and the Varnish folder is removed.
"""

import json
import os
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

ROUNDS = 5
POLL_SECONDS = 0.002
VISIBLE_DEADLINE = 10

# Runs in a fresh `manage.py shell`: archive (then republish) the article, printing the
# wall-clock times around each service call as one JSON line per call.
DECIDE = """
import json, os, time
from articles import publishing
from articles.actors import system_actor
from articles.models import Article
slug, action = os.environ["BENCH_SLUG"], os.environ["BENCH_ACTION"]
with system_actor("bench"):
    article = Article.objects.get(slug=slug)
    started = time.time()
    getattr(publishing, action)(article=article, actor=None)
    print(json.dumps({"started": started, "returned": time.time()}))
"""


class Varnish:
    """varnishd -F with the shipped VCL in front of ``origin_port``; ``base`` and ``process``
    as ``run.measure()`` expects of a server."""

    def __init__(self, run, processes, origin_port):
        self.run, self.processes = run, processes
        self.port = run.free_port()
        self.base = f"http://{run.HOST}:{self.port}"
        # Readable by the users varnishd switches to when started as root.
        self.workdir = Path(tempfile.mkdtemp(prefix="isha-bench-varnish-"))
        self.workdir.chmod(0o755)
        vcl = (run.ROOT / "deploy" / "varnish" / "default.vcl").read_text()
        self.vcl = self.workdir / "bench.vcl"
        self.vcl.write_text(vcl.replace('.port = "8000";', f'.port = "{origin_port}";'))
        self.vcl.chmod(0o644)

    def __enter__(self):
        varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
        command = [varnishd, "-F", "-a", f"{self.run.HOST}:{self.port}", "-f", str(self.vcl)]
        command += ["-n", str(self.workdir / "n"), "-s", "malloc,256m"]
        # varnishd compiles the VCL with the C compiler: it needs the usual PATH.
        self.process = self.processes.start(command, dict(os.environ), self.workdir / "varnishd.log")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                self.run.fetch(self.base + "/healthz/live", timeout=2)
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("varnishd did not start:\n" + (self.workdir / "varnishd.log").read_text()[-3000:])

    def __exit__(self, *exc):
        self.processes.stop(self.process)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def drain(self, limit=15):
        pass  # Varnish answers hits at once; nothing is left queued behind a run


def purge_to_visible(run, varnish, site_env, slug):
    """Archive and republish ``slug`` :data:`ROUNDS` times through the publishing service
    in a separate process that purges ``varnish``; returns the delays (ms) from the call's
    return, and from its start, to the first read through Varnish that shows the change.
    A thread polls Varnish all along, so the other process's exit is not counted."""
    env = site_env | {"EDGE_PURGE_BACKEND": "varnish", "EDGE_VARNISH_URLS": varnish.base + "/"}
    path = f"/articles/{slug}/"
    after_return, after_start = [], []
    for _round in range(ROUNDS):
        for action, status in (("archive", 404), ("publish", 200)):
            # Cached at the edge before the change.
            for _ in range(2):
                run.fetch(varnish.base + path, run.PROXY_HEADERS)
            seen: list[float] = []
            url = varnish.base + path
            poller = threading.Thread(target=_record_first_read, args=(run, url, status, seen))
            poller.start()
            call = env | {"BENCH_SLUG": slug, "BENCH_ACTION": action}
            output = run.run([str(run.PYTHON), "manage.py", "shell", "-c", DECIDE], call, 120)
            poller.join(VISIBLE_DEADLINE + 5)
            if not seen:
                raise RuntimeError(f"{path} did not change through Varnish within {VISIBLE_DEADLINE} s")
            times = json.loads(output.strip().splitlines()[-1])
            after_return.append((seen[0] - times["returned"]) * 1000)
            after_start.append((seen[0] - times["started"]) * 1000)
    return after_return, after_start


def _record_first_read(run, url, status, seen):
    seen.append(_first_read(run, url, status))


def _first_read(run, url, status):
    """Wall-clock time at which a read of ``url`` that answers ``status`` was sent."""
    deadline = time.monotonic() + VISIBLE_DEADLINE + 60  # the other process's start-up too
    while time.monotonic() < deadline:
        sent = time.time()
        answer, _headers, _body = run.fetch(url, run.PROXY_HEADERS)
        if answer == status:
            return sent
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"{url} did not answer {status} through Varnish in time")


def edge_cases(run, bracketed, settings, processes, cached, site_env, article_path, slug):
    """Start Varnish in front of ``cached`` (the site with its page cache) and run the two
    edge cases, the throughput one bracketed by bare Django like every case. Results go
    into run.py's ``results`` through ``bracketed`` and the returned dict."""
    with Varnish(run, processes, cached.port) as varnish:
        for _ in range(2):
            run.fetch(varnish.base + article_path, run.PROXY_HEADERS)
        bracketed(
            "edge-article-warm", lambda: run.measure(settings, "edge-article-warm", varnish, article_path)
        )
        # The measured article itself, archived and put back (it ends published).
        after_return, after_start = purge_to_visible(run, varnish, site_env, slug)
    return {
        "after_return_ms": after_return,
        "after_start_ms": after_start,
        "median_after_return_ms": statistics.median(after_return),
        "max_after_return_ms": max(after_return),
        "median_after_start_ms": statistics.median(after_start),
    }


def summary_rows(results):
    """Lines for run.py's summary: the edge case against bare Django and the purge delays."""
    warm = results.get("edge-article-warm")
    purge = results.get("purge-to-visible")
    lines = []
    if warm:
        ratio = warm["rps"] / warm["bare_rps"]
        lines.append(
            f"article through Varnish (warm): {warm['rps']:,.0f} req/s, p99 {warm['p99_us'] / 1000:.1f} ms, "
            f"{ratio:.2f}x bare Django (goal >= 5x: {'met' if ratio >= 5 else 'not met'}), "
            f"varnishd CPU {warm['cpu_ms']:.3f} ms/req, errors {warm['errors']}"
        )
    if purge:
        lines.append(
            f"purge to visible through Varnish ({ROUNDS} archives + {ROUNDS} republishes): median "
            f"{purge['median_after_return_ms']:.1f} ms after the service call returned (max "
            f"{purge['max_after_return_ms']:.1f} ms), "
            f"{purge['median_after_start_ms']:.1f} ms after it started"
        )
    return lines
