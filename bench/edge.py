"""Issue 15's Varnish figures for ``bench/run.py``'s goals table (the ``edge`` case).

- The warm article through Varnish running the shipped VCL (``deploy/varnish/default.vcl``,
  its backend pointed at the cached site's gunicorn), driven with the run's wrk settings and
  compared with bare Django's requests/s in the same run (goal: at least 5x). Its CPU per
  request is varnishd's cache process, not gunicorn's.
- Purge to visible: a separate process archives, then republishes, the article through
  ``articles.publishing`` (as the admin would) with ``EDGE_PURGE_BACKEND=varnish``, while a
  thread polls the article through Varnish from before that process starts. Reported: how
  long after the publishing call returned (the editor's request), and after it started,
  the change was first seen (negative: seen before the call returned, since the purge runs
  in the commit hook). Goal: visible within 10 s of the call returning (issue 15).

:func:`bench_rows` is called by ``bench/goals.py``'s ``edge_rows`` inside run.py's servers'
block; varnishd is started through the run's ``Processes`` and stopped, with its folder,
before it returns. The article ends published, as it started.
"""

import json
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from goals import not_run, row
from harness import HOST, PROXY_HEADERS, PYTHON, ROOT, fetch, free_port, measure, run

CASE_WARM = "article through Varnish, warm"
CASE_PURGE = "purge to visible (Varnish)"
RATIO_GOAL = 5.0
ROUNDS = 5  # archives and as many republishes
POLL_SECONDS = 0.002
VISIBLE_DEADLINE = 10  # seconds after the publishing call returns

# Runs in a fresh `manage.py shell`: archive or republish the article as the system,
# printing the wall-clock times (time.time(), seconds) around the service call as JSON.
DECIDE = """
import json, os, time
from articles import publishing
from articles.actors import system_actor
from articles.models import Article
slug, action = os.environ["BENCH_SLUG"], os.environ["BENCH_ACTION"]
with system_actor("bench_edge"):
    article = Article.objects.get(slug=slug)
    started = time.time()
    getattr(publishing, action)(article=article, actor=None)
    print(json.dumps({"started": started, "returned": time.time()}))
"""


class Varnish:
    """``varnishd -F`` with the shipped VCL in front of ``origin_port``, on a free port.

    Has the ``base``, ``process`` and ``drain()`` that ``harness.measure()`` uses of a
    server; ``process`` is the manager, whose child (the cache process) serves and is what
    ``harness.worker_cpu_seconds`` counts. Raises ``RuntimeError`` if varnishd does not
    answer ``/healthz/live`` within 60 s.
    """

    def __init__(self, processes, origin_port):
        self.processes = processes
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        # Readable by the unprivileged users varnishd switches to when started as root.
        self.workdir = Path(tempfile.mkdtemp(prefix="isha-bench-varnish-"))
        self.workdir.chmod(0o755)
        vcl = (ROOT / "deploy" / "varnish" / "default.vcl").read_text()
        if '.port = "8000";' not in vcl:
            raise RuntimeError('deploy/varnish/default.vcl has no backend `.port = "8000";` to point at')
        self.vcl = self.workdir / "bench.vcl"
        self.vcl.write_text(vcl.replace('.port = "8000";', f'.port = "{origin_port}";'))
        self.vcl.chmod(0o644)

    def __enter__(self):
        varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
        command = [varnishd, "-F", "-a", f"{HOST}:{self.port}", "-f", str(self.vcl)]
        command += ["-n", str(self.workdir / "n"), "-s", "malloc,256m"]
        # varnishd compiles the VCL with the C compiler: it needs the usual PATH.
        self.process = self.processes.start(command, dict(os.environ), self.workdir / "varnishd.log")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                fetch(self.base + "/healthz/live", timeout=2)
                return self
            except OSError:
                time.sleep(0.2)
        log_text = (self.workdir / "varnishd.log").read_text()[-3000:]
        self.__exit__()
        raise RuntimeError(f"varnishd did not start:\n{log_text}")

    def __exit__(self, *exc):
        self.processes.stop(self.process)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def drain(self, limit=15):
        """Nothing to wait for: Varnish answers hits at once, none is left queued."""


def bench_rows(context):
    """Start Varnish in front of ``context["origin"]`` and return the goals table's rows
    (``goals.row`` dicts): the warm article's ratio to bare Django and varnishd's CPU per
    request, then the purge-to-visible delays in ms. ``context`` is bench/run.py's (see its
    docstring). A case that fails gives a row marked not met with the error, so the rest of
    the table still prints; without varnishd, a "not run" row.
    """
    if not (shutil.which("varnishd") or Path("/usr/sbin/varnishd").exists()):
        return [not_run("Varnish", "varnishd is not installed (bash bench/run.sh installs it)")]
    log, path = context["log"], context["article_path"]
    origin_port = int(context["origin"].rsplit(":", 1)[1])
    rows = []
    try:
        with Varnish(context["processes"], origin_port) as varnish:
            rows += warm_rows(context, varnish)
            env = context["site_env"] | {
                "EDGE_PURGE_BACKEND": "varnish",
                "EDGE_VARNISH_URLS": varnish.base + "/",
            }
            rows += purge_rows(purge_to_visible(varnish.base + path, env, _slug(path), log))
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        log(f"edge: failed: {error}")
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        rows.append(row("Varnish", "-", None, met=False, note=f"failed: {first_line}"))
    return rows


def warm_rows(context, varnish):
    """The warm article through ``varnish`` against bare Django's mean in the same run."""
    path, bare_rps = context["article_path"], context["bare_rps"]
    _status, headers, _body = _fetch_twice(varnish.base + path)
    if headers.get("X-Cache") != "hit":
        raise RuntimeError(
            f"{path} is not a Varnish hit on the second read (X-Cache {headers.get('X-Cache')!r})"
        )
    result = measure(context["settings"], "edge-article-warm", varnish, path)
    ratio = result["rps"] / bare_rps
    note = (
        f"{result['rps']:,.0f} req/s vs bare {bare_rps:,.0f}, p99 {result['p99_us'] / 1000:.1f} ms, "
        f"{result['errors']} errors"
    )
    return [
        row(CASE_WARM, "x bare Django", ratio, "x", f">= {RATIO_GOAL}x", ratio >= RATIO_GOAL, note),
        row(
            CASE_WARM,
            "varnishd CPU per request",
            result["cpu_ms"],
            "ms",
            note=f"bare Django's gunicorn workers: {context['bare_cpu_ms']:.2f} ms/req",
        ),
    ]


def purge_rows(delays):
    """Rows for :func:`purge_to_visible`'s result: medians and maxima in ms; the goal is on
    the largest delay after the call returned, and on no change left unseen."""
    after_return, after_start, unseen = delays["after_return"], delays["after_start"], delays["unseen"]
    changes = len(after_return) + unseen
    if not after_return:
        return [
            row(CASE_PURGE, "changes seen", 0, "", f"{changes}", False, "no change was seen through Varnish")
        ]
    worst = max(after_return)
    met = unseen == 0 and worst <= VISIBLE_DEADLINE * 1000
    note = f"{changes} changes ({ROUNDS} archives, {ROUNDS} republishes)"
    if unseen:
        note += f"; {unseen} not seen within {VISIBLE_DEADLINE} s"
    return [
        row(CASE_PURGE, "median after call returned", statistics.median(after_return), "ms"),
        row(
            CASE_PURGE,
            "max after call returned",
            worst,
            "ms",
            f"<= {VISIBLE_DEADLINE * 1000:,} ms",
            met,
            note,
        ),
        row(CASE_PURGE, "median after call started", statistics.median(after_start), "ms"),
        row(CASE_PURGE, "max after call started", max(after_start), "ms"),
    ]


def purge_to_visible(url, env, slug, log):
    """Archive and republish ``slug`` :data:`ROUNDS` times, each change in a fresh
    ``manage.py shell`` with ``env`` (which purges the Varnish ``url`` is on), and time
    when a read of ``url`` first shows it (404 after an archive, 200 after a republish).

    Returns ``{"after_return": [ms], "after_start": [ms], "unseen": n}``: the delays from
    the call's return and start (wall clock in both processes) to the sending of the first
    read that showed the change; ``unseen`` counts changes not seen within
    :data:`VISIBLE_DEADLINE` s of the call returning. Raises ``RuntimeError`` if a call fails.
    """
    after_return, after_start, unseen = [], [], 0
    for _round in range(ROUNDS):
        for action, status in (("archive", 404), ("publish", 200)):
            _fetch_twice(url)  # the page is in Varnish before the change
            poller = FirstRead(url, status)
            try:
                call = env | {"BENCH_SLUG": slug, "BENCH_ACTION": action}
                output = run([str(PYTHON), "manage.py", "shell", "-c", DECIDE], call, 120)
                times = json.loads(output.strip().splitlines()[-1])
                seen = poller.wait(max(0.0, times["returned"] + VISIBLE_DEADLINE - time.time()))
            finally:
                poller.stop()
            if seen is None:
                unseen += 1
                log(f"edge: {action} of {slug} not seen through Varnish {VISIBLE_DEADLINE} s after the call")
                continue
            after_return.append((seen - times["returned"]) * 1000)
            after_start.append((seen - times["started"]) * 1000)
    log(
        f"edge: purge to visible, median {statistics.median(after_return or [0]):.0f} ms after the call "
        f"returned, {unseen} unseen"
    )
    return {"after_return": after_return, "after_start": after_start, "unseen": unseen}


class FirstRead:
    """A thread reading ``url`` every :data:`POLL_SECONDS` until it answers ``status``;
    :meth:`wait` gives the wall-clock time (``time.time()``) that read was sent."""

    def __init__(self, url, status):
        self.url, self.status = url, status
        self.sent = None
        self.seen, self.stopped = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)
        self.thread.start()

    def _poll(self):
        while not self.stopped.is_set():
            sent = time.time()
            try:
                answer, _headers, _body = fetch(self.url, PROXY_HEADERS, timeout=5)
            except OSError:
                answer = None  # counted as not yet visible; the deadline bounds the wait
            if answer == self.status:
                self.sent = sent
                self.seen.set()
                return
            self.stopped.wait(POLL_SECONDS)

    def wait(self, timeout):
        """The send time of the first read answering ``status``, or None after ``timeout`` s."""
        return self.sent if self.seen.wait(timeout) else None

    def stop(self):
        self.stopped.set()
        self.thread.join(10)


def _fetch_twice(url):
    fetch(url, PROXY_HEADERS)
    return fetch(url, PROXY_HEADERS)


def _slug(article_path):
    return article_path.strip("/").rsplit("/", 1)[-1]
