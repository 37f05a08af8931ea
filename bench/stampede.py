"""The stampede case (issue 16): readers on the home page and 50 articles while an article
is published every 10 s, against the same readers with nothing published.

32 connections (the run's ``--connections``) rotate through ``/`` and 50 article pages
(bench/paths.lua) on the site with its page cache. First the quiet run, then the same run
while bench/publisher.py publishes one article every ``every`` seconds through
``articles.publishing`` (each publish retires cached pages, so readers of those pages go to
the database together unless invalidation is targeted and single-flight). Goals: no error
(non-2xx/3xx or socket) in the publishing run, and its p99 no worse than 3x the quiet run's.
"""

import json
import time

from harness import BENCH, PROXY_HEADERS, PYTHON, fetch, log, run, worker_cpu_seconds, wrk

ARTICLES = 50
EVERY_S = 10
P99_RATIO_GOAL = 3.0


def _publisher(mode, *args, env, timeout=300):
    return json.loads(
        run([str(PYTHON), str(BENCH / "publisher.py"), mode, *map(str, args)], env, timeout).splitlines()[-1]
    )


def _measured(settings, server, paths_file):
    cpu_before = worker_cpu_seconds(server.process.pid)
    result, _text = wrk(settings, server.base + "/", "paths.lua", extra_args=(paths_file,))
    result["cpu_ms"] = (
        (worker_cpu_seconds(server.process.pid) - cpu_before) * 1000 / max(result["requests"], 1)
    )
    server.drain()
    return result


def _wait_until_ready(process, log_path, limit=120):
    """Until the publisher has set Django up, so its first publish falls inside the run."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if '"ready"' in log_path.read_text():
            return
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise RuntimeError(f"the publisher did not start; see {log_path}:\n{log_path.read_text()[-2000:]}")


def stampede_case(settings, server, env, workdir, processes):
    """Both runs on ``server`` (the site with its page cache); returns
    ``{"quiet": wrk result, "publishing": wrk result, "publishes": [...], "p99_ratio": float,
    "errors": int}`` where ``errors`` counts the publishing run's failed requests and failed
    publishes. Raises ``RuntimeError`` if a helper process fails to start."""
    paths = _publisher("paths", ARTICLES, env=env)
    paths_file = workdir / "stampede-paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    publishes_wanted = settings.duration // EVERY_S + 1
    ids = _publisher("take", publishes_wanted, paths_file, env=env)
    log(f"stampede: {len(paths)} pages rotated; {len(ids)} articles taken back to draft to publish")

    # Every page rendered and cached once (taking articles back to draft retired pages),
    # then the warm-up: both runs start from a warm cache.
    for path in paths:
        fetch(server.base + path, PROXY_HEADERS)
    wrk(settings, server.base + "/", "paths.lua", extra_args=(paths_file,), duration=settings.warmup)
    server.drain()
    quiet = _measured(settings, server, paths_file)

    first = min(EVERY_S / 2, settings.duration / 3)
    publisher_log = workdir / "publisher.log"
    publisher = processes.start(
        [
            str(PYTHON),
            str(BENCH / "publisher.py"),
            "publish",
            ",".join(map(str, ids)),
            str(EVERY_S),
            str(first),
        ],
        env,
        publisher_log,
    )
    try:
        _wait_until_ready(publisher, publisher_log)
        publishing = _measured(settings, server, paths_file)
    finally:
        processes.stop(publisher)
    publishes = [
        json.loads(line) for line in publisher_log.read_text().splitlines() if line.startswith('{"id"')
    ]
    failed = [p for p in publishes if "error" in p]
    result = {
        "quiet": quiet,
        "publishing": publishing,
        "publishes": publishes,
        "pages": len(paths),
        "connections": settings.connections,
        "p99_ratio": publishing["p99_us"] / max(quiet["p99_us"], 1),
        "errors": publishing["errors"] + len(failed),
    }
    log(
        f"stampede: quiet p99 {quiet['p99_us'] / 1000:.1f} ms, publishing p99 "
        f"{publishing['p99_us'] / 1000:.1f} ms ({result['p99_ratio']:.2f}x), {len(publishes)} published "
        f"({len(failed)} failed), {publishing['errors']} request errors"
    )
    return result
