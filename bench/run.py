"""The site's speed, measured against bare Django in the same run (issues 7, 15 and 16).

Run it with ``make bench`` (or ``bash bench/run.sh``), which installs wrk (and Varnish for
bench/edge.py) first. This script then:

1. creates a throwaway PostgreSQL database (``isha_bench_<pid>``), migrates it, imports
   the real Webflow export and generates articles up to 1,000 (bench/content.py), and
   collects the static files (hashed and compressed, as production serves them);
2. starts three servers with the same ``gunicorn -c gunicorn.conf.py`` and 2 workers:
   bare Django (bench/bare_settings.py), the site in production mode with its page
   cache (Redis), and the site with the page cache off (``PAGE_CACHE_SECONDS=0``);
   only the one being measured gets traffic; the site's settings are production's
   (the psycopg connection pool included);
3. drives each case with the same wrk settings (a warm-up run, then the measured run)
   and prints requests/s, p99 latency, worker CPU per request and the ratio to bare
   Django, measured just before and just after the case;
4. signs up with unique addresses from 64 connections and checks that the subscribers
   stored equal the sign-ups answered with success;
5. the stampede (bench/stampede.py): the home page and 50 articles read while an article
   is published every 10 s, against the same run with nothing published;
6. reports the article page's transfer size (bench/transfer.py);
7. the Varnish figures of issue 15 through ``bench/edge.py``'s ``bench_rows(context)``,
   when that module is in the checkout; ``context`` is a dict: ``origin`` (the cached
   site's base URL), ``article_path``, ``bare_rps`` and ``bare_cpu_ms`` (bare Django's
   mean in this run), ``settings`` (the wrk settings, :class:`harness.WrkSettings`),
   ``processes`` (:class:`harness.Processes`, to start varnishd), ``workdir``,
   ``site_env`` (the site's environment) and ``log``; it returns rows as below;
8. stops the servers, then runs the million-row benchmarks in their own databases:
   bench/subscribers.py (the Marketing list, searches, filters, dashboard) and
   bench/export_signups.py (CSV and XLSX exports against django-import-export), each
   with ``--json PATH``;
9. prints one table of every figure with its goal and whether it is met (bench/goals.py;
   rows ``{"case", "figure", "value", "unit", "goal", "met", "note"}``), and stops every
   process it started, drops the database, deletes its cache keys and media.

``--cases a,b`` runs a subset (names in :data:`CASES`). Every step is bounded in time.
Traffic goes to 127.0.0.1 only. Not part of the test suite (pytest collects tests/ only).
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

import goals
from harness import (
    BENCH,
    GUNICORN,
    HOST,
    PG,
    PROXY_HEADERS,
    PYTHON,
    REDIS_URL,
    ROOT,
    Processes,
    Server,
    WrkSettings,
    delete_cache_keys,
    drop_database,
    fetch,
    log,
    measure,
    pg_connect,
    run,
    worker_cpu_seconds,
    wrk,
)
from stampede import stampede_case
from transfer import TRANSFER_BUDGET, VIEWPORT_PX, transfer_size

TARGET_TOTAL_ARTICLES = 1000
ORIGIN_CASES = ("article-warm", "article-cold", "home-warm", "home-cold", "signup", "search")
SERVED_CASES = (*ORIGIN_CASES, "stampede", "transfer", "edge")
CASES = (*SERVED_CASES, "subscribers", "export")


def parse_options(argv=None):
    parser = argparse.ArgumentParser(description="Benchmark the site against bare Django (issues 7, 15, 16).")
    parser.add_argument("--duration", type=int, default=15, help="seconds of each measured wrk run")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of the warm-up run before each case")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--signup-connections", type=int, default=64)
    parser.add_argument("--articles", type=int, default=TARGET_TOTAL_ARTICLES)
    parser.add_argument(
        "--cases",
        default=",".join(CASES),
        help=f"comma-separated subset of: {', '.join(CASES)} (default: all)",
    )
    parser.add_argument(
        "--subscriber-rows", type=int, default=1_000_000, help="rows for bench/subscribers.py"
    )
    parser.add_argument("--export-rows", type=int, default=1_000_000, help="rows for bench/export_signups.py")
    parser.add_argument("--json", help="also write the results (and the table's rows) to this file")
    parser.add_argument("--keep", action="store_true", help="keep the database and media (for profiling)")
    parser.add_argument(
        "--database",
        help="reuse this database kept by --keep (not dropped; its media are not there, so images 404)",
    )
    parser.add_argument("--slug", help="with --database: the measured article's slug (run.py printed it)")
    options = parser.parse_args(argv)
    options.cases = [name.strip() for name in options.cases.split(",") if name.strip()]
    unknown = sorted(set(options.cases) - set(CASES))
    if unknown:
        parser.error(f"unknown case(s) {', '.join(unknown)}; choose from {', '.join(CASES)}")
    if bool(options.database) != bool(options.slug):
        parser.error("--database and --slug go together")
    return options


def environments(token, dbname, media_root):
    """(site_env, bare_env) for the servers and the commands run against the site."""
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
        "CACHE_KEY_PREFIX": f"isha-bench-{token}",
        "MEDIA_ROOT": str(media_root),
        "SITE_URL": "https://127.0.0.1",
        # The sign-up case measures the database path: no fill-time hold, no rate limit.
        "SIGNUP_MIN_FILL_SECONDS": "0",
        "SIGNUP_RATE_LIMIT": "",
    }
    return site_env, common | {"DJANGO_SETTINGS_MODULE": "bench.bare_settings"}


def prepare_content(options, site_env):
    """Migrate, import the Webflow export, generate articles, collect static files;
    returns the content figures and the measured article's slug."""
    manage = [str(PYTHON), "manage.py"]
    run([*manage, "migrate", "--noinput"], site_env, 600)
    log("importing the real Webflow export")
    log(
        run(
            [*manage, "import_webflow", str(ROOT.parent / "shared" / "real-input" / "webflow")], site_env, 600
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
    return content_figures(site_env, slug)


def content_figures(site_env, slug):
    """What the database holds and the measured article's size, for the report."""
    manage = [str(PYTHON), "manage.py"]
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
    names = ["articles", "published", "sources", "article_sources", "article_topics", "article_related"]
    content = dict(zip([*names, "article_words"], map(int, counts[-7:]), strict=True))
    content["slug"] = slug
    log(f"content: {content}")
    return content


def served_cases(options, settings, results, site_env, bare_env, workdir, processes, token, dbname):
    """The cases that need the servers running (those in ``options.cases``)."""
    content = results["content"]
    article_path, search_path = f"/articles/{content['slug']}/", "/search/?q=ketamine+depression"
    chosen = set(options.cases)
    with (
        Server(processes, "bare", bare_env, workdir, probe="/", app="bench.bare_wsgi:application") as bare,
        Server(processes, "site-cache", site_env | {"PAGE_CACHE_SECONDS": "600"}, workdir) as cached,
        Server(processes, "site-nocache", site_env | {"PAGE_CACHE_SECONDS": "0"}, workdir) as uncached,
    ):
        bare_runs = [measure(settings, "bare", bare, "/")]

        def bracketed(key, run_case):
            # Bare Django is measured before and after every case, and each case is compared
            # with the mean of those two runs: other load on the machine then moves both.
            if key not in chosen:
                return
            results[key] = run_case()
            bare_runs.append(measure(settings, "bare", bare, "/", warmup=False))
            results[key]["bare_rps"] = (bare_runs[-2]["rps"] + bare_runs[-1]["rps"]) / 2
            results[key]["bare_cpu_ms"] = (bare_runs[-2]["cpu_ms"] + bare_runs[-1]["cpu_ms"]) / 2

        fetch(cached.base + article_path, PROXY_HEADERS)
        fetch(cached.base + "/", PROXY_HEADERS)
        hit, miss = {"hit"}, {None}
        bracketed(
            "article-warm", lambda: measure(settings, "article-warm", cached, article_path, expect_cache=hit)
        )
        bracketed(
            "article-cold",
            lambda: measure(settings, "article-cold", uncached, article_path, expect_cache=miss),
        )
        bracketed("home-warm", lambda: measure(settings, "home-warm", cached, "/", expect_cache=hit))
        bracketed("home-cold", lambda: measure(settings, "home-cold", uncached, "/", expect_cache=miss))
        bracketed(
            "signup",
            lambda: signup_case(settings, options.signup_connections, cached, token, article_path, dbname),
        )
        bracketed("search", lambda: measure(settings, "search", uncached, search_path))
        results["bare"] = {
            "runs": [r["rps"] for r in bare_runs],
            "rps": sorted(r["rps"] for r in bare_runs)[len(bare_runs) // 2],
            "cpu_ms": sorted(r["cpu_ms"] for r in bare_runs)[len(bare_runs) // 2],
            "p50_us": sorted(r["p50_us"] for r in bare_runs)[len(bare_runs) // 2],
            "p99_us": sorted(r["p99_us"] for r in bare_runs)[len(bare_runs) // 2],
            "errors": sum(r["errors"] for r in bare_runs),
            "connections": settings.connections,
        }
        if "transfer" in chosen:
            results["transfer"] = transfer_size(cached.base, article_path, Path(site_env["MEDIA_ROOT"]))
        if "edge" in chosen:
            context = {
                "origin": cached.base,
                "article_path": article_path,
                "bare_rps": results["bare"]["rps"],
                "bare_cpu_ms": results["bare"]["cpu_ms"],
                "settings": settings,
                "processes": processes,
                "workdir": workdir,
                "site_env": site_env | {"PAGE_CACHE_SECONDS": "600"},
                "log": log,
            }
            results["edge_rows"] = goals.edge_rows(context)
        # Last: it publishes articles, which changes the pages every other case reads.
        if "stampede" in chosen:
            results["stampede"] = stampede_case(settings, cached, site_env, workdir, processes)


def million_row_cases(options, results):
    """bench/subscribers.py and bench/export_signups.py, each in its own database."""
    if "subscribers" in options.cases:
        results["subscribers_rows"] = goals.json_rows(
            "subscribers at 1M", "subscribers.py", ["--rows", options.subscriber_rows], timeout=3 * 3600
        )
    if "export" in options.cases:
        results["export_rows"] = goals.json_rows(
            "sign-up export", "export_signups.py", ["--rows", options.export_rows], timeout=3 * 3600
        )


def main(argv=None):
    options = parse_options(argv)
    settings = WrkSettings(options.threads, options.connections, options.duration, options.warmup, timeout=10)
    served = [case for case in options.cases if case in SERVED_CASES]
    if served and not shutil.which("wrk"):
        sys.exit("wrk is not installed: run `make bench` (or bash bench/run.sh), which installs it.")
    if not GUNICORN.exists():
        sys.exit("No .venv: run `make install` first (make bench does).")

    token = f"{os.getpid()}{secrets.token_hex(2)}"
    dbname = options.database or f"isha_bench_{token}"
    cache_prefix = f"isha-bench-{token}"
    workdir = Path(tempfile.mkdtemp(prefix="isha-bench-"))
    processes = Processes()

    def interrupted(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    site_env, bare_env = environments(token, dbname, workdir / "media")
    results, started = {"cases": options.cases}, time.monotonic()
    created_db = False
    try:
        results["load_average_before"] = tuple(round(x, 2) for x in os.getloadavg())
        if served:
            log(f"database {dbname}, media {workdir / 'media'}, cache prefix {cache_prefix}")
            if options.database:
                results["content"] = content_figures(site_env, options.slug)
            else:
                with pg_connect() as connection:
                    connection.execute(f'CREATE DATABASE "{dbname}"')
                created_db = True
                results["content"] = prepare_content(options, site_env)
            with pg_connect(dbname) as connection:
                # Fresh planner statistics, as autovacuum keeps them on a live database.
                connection.execute("VACUUM ANALYZE")
            results["load_average_before"] = tuple(round(x, 2) for x in os.getloadavg())
            log(f"load average before the runs: {results['load_average_before']}")
            served_cases(options, settings, results, site_env, bare_env, workdir, processes, token, dbname)
        million_row_cases(options, results)
        results["load_average_after"] = tuple(round(x, 2) for x in os.getloadavg())
        results["settings"] = settings.describe()
        results["elapsed_s"] = round(time.monotonic() - started)
        rows = table_rows(results)
        if served:
            print_summary(results, settings)
        print()
        goals.print_table(rows)
        print(
            f"Run took {results['elapsed_s']} s; load average {results['load_average_before']} before, "
            f"{results['load_average_after']} after ({os.cpu_count()} CPUs, shared with wrk)."
        )
        if options.json:
            Path(options.json).write_text(json.dumps(results | {"rows": rows}, indent=2, default=str))
        return 0 if all(r["met"] is not False for r in rows if r["figure"] == "successes not stored") else 1
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
            dropped = "dropped" if created_db else "kept (given with --database)"
            log(f"cleaned up: database {dbname} {dropped}, {removed} cache keys deleted, {workdir} removed")
        else:
            log(f"kept: database {dbname}, {workdir} (drop it with: dropdb -h {HOST} -U postgres {dbname})")


def table_rows(results):
    """Every figure with its goal, in the order of issue 16 then issue 15; a case not asked
    for in this run is a "not run" row."""
    rows = goals.origin_rows(results)
    for key, case in (("subscribers_rows", "subscribers at 1M"), ("export_rows", "sign-up export")):
        rows += results.get(key) or [goals.not_run(case, "not in --cases")]
    rows += results.get("edge_rows") or [goals.not_run("Varnish", "not in --cases")]
    return rows


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
    """The measurements behind the goals table: every wrk run's figures, the sign-up count,
    the stampede's two runs and the transfer size (goals are in bench/goals.py's table)."""
    bare = results["bare"]
    content = results["content"]
    width = 118
    print()
    print("=" * width)
    print(
        "Isha Health benchmark: gunicorn -c gunicorn.conf.py, 2 sync workers (GUNICORN_WORKERS=2, "
        "GUNICORN_MAX_REQUESTS=0), DJANGO_ENV=production, PostgreSQL (connection pool) + Redis"
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
    print("=" * width)
    print(
        f"{'measurement':<44}{'conns':>6}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'bare req/s':>11}{'x bare':>8}"
        f"{'CPU ms/req':>11}{'errors':>8}"
    )
    print("-" * width)
    lines = [("bare Django (no apps, no middleware)", bare, bare["rps"], bare["rps"])]
    for key, label in goals.LABELS.items():
        if key in results:
            r = results[key]
            lines.append((label, r, r["rps_signups"] if key == "signup" else r["rps"], r["bare_rps"]))
    if "stampede" in results:
        for key in ("quiet", "publishing"):
            r = results["stampede"][key] | {"connections": results["stampede"]["connections"]}
            lines.append((f"stampede, {key}", r, r["rps"], None))
    for label, r, rps, bare_rps in lines:
        ratio = f"{rps / bare_rps:>8.3f}" if bare_rps else f"{'':>8}"
        print(
            f"{label[:43]:<44}{r['connections']:>6}{rps:>9.1f}"
            f"{r['p50_us'] / 1000:>9.1f}{r['p99_us'] / 1000:>9.1f}"
            f"{bare_rps or 0:>11.0f}{ratio}{r['cpu_ms']:>11.2f}{r['errors']:>8}"
        )
    print("-" * width)
    print("x bare: requests/s divided by the mean of the bare-Django runs just before and after the case.")
    print(
        "CPU ms/req: user+system CPU of the two gunicorn workers per request "
        "(PostgreSQL, Redis and wrk apart)."
    )
    if "signup" in results:
        s = results["signup"]
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
    if "stampede" in results:
        publishes = results["stampede"]["publishes"]
        print(
            "Stampede publishes (s after the publisher started, s taken): "
            + (", ".join(f"{p['at_s']}: {p.get('took_s', p.get('error'))}" for p in publishes) or "none")
        )
    if "transfer" in results:
        print_transfer(results["transfer"])


def print_transfer(transfer):
    rows, images = transfer
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


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt as stop:
        log(f"interrupted ({stop}); cleaned up")
        sys.exit(130)
