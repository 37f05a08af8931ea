"""Benchmark: the Marketing subscriber list, its searches and filters, and the dashboard at 1M rows.

Run by hand (not collected by pytest), with PostgreSQL on 127.0.0.1:5432::

    .venv/bin/python bench/subscribers.py                    # 1,000,000 subscribers
    .venv/bin/python bench/subscribers.py --rows 100000 --json /tmp/subscribers.json
    .venv/bin/python bench/subscribers.py --keep             # keep the database to look at plans
    .venv/bin/python bench/subscribers.py --database isha_bench_subscribers_123   # reuse a kept one

It creates a throwaway database (``isha_bench_subscribers_<pid>``), migrates it and fills
it with ``bench/export_signups.py``'s COPY filler (sign-ups in time order over two years,
statuses in realistic shares, 60% from one of 12 articles), then makes the rows look like a
real list: addresses at common providers (``name.surname123@gmail.com``), the reason for
each held sign-up, newsletter topics for a third of the confirmed people. Then, in a fresh
process, Django's test ``Client`` logged in as a member of Marketing requests each case
through the whole admin (middleware, templates, queries) once to warm up and
``--repeat`` times measured: the list, a search by a full address, an address's start
and a domain, each filter, and the dashboard (its default 30 days and the whole two years).

Each line prints the median wall time (goal: under a second), the queries and the slowest
one; a case whose slowest query's plan reads the whole subscriber table (``Seq Scan``)
says so. ``--json PATH`` writes ``[{"case", "figure", "value", "unit", "goal", "met",
"note"}]`` for ``bench/run.py``. The database is dropped at the end unless ``--keep``.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import export_signups  # noqa: E402  (the COPY filler lives there)

GOAL_MS = 1000
DOMAINS = ["gmail.com"] * 40 + ["yahoo.com"] * 12 + ["outlook.com"] * 10 + ["hotmail.com"] * 8
DOMAINS += ["icloud.com"] * 8 + ["aol.com"] * 3 + ["proton.me"] * 3 + ["isha-health-staff.org"]
DOMAINS += [f"clinic{n}.example.org" for n in range(15)]
LOCAL_WORDS = ["jane", "omar", "maria", "li", "sam", "alex", "noor", "kim", "ana", "david", "sofia", "tom"]
SURNAMES = ["doe", "nunez", "smith", "obrien", "yamada", "garcia", "chen", "khan", "miller", "rossi"]


def _fill(dsn, rows, setup):
    """``export_signups``'s COPY filler, with database defaults for the columns it leaves
    out (Django keeps defaults in Python, so COPY would otherwise write NULL)."""
    import psycopg

    defaults = {"held_reason": "''"}
    with psycopg.connect(dsn, autocommit=True) as connection:
        for column, value in defaults.items():
            connection.execute(f"ALTER TABLE signups_subscriber ALTER COLUMN {column} SET DEFAULT {value}")
    export_signups._fill(dsn, rows, setup["articles"], setup["copy_version"])
    with psycopg.connect(dsn, autocommit=True) as connection:
        for column in defaults:
            connection.execute(f"ALTER TABLE signups_subscriber ALTER COLUMN {column} DROP DEFAULT")


def _realistic(dsn):
    """Addresses at common providers, held reasons, newsletter topics; then VACUUM ANALYZE."""
    import psycopg

    domains = "ARRAY[" + ",".join(f"'{d}'" for d in DOMAINS) + "]"
    words = "ARRAY[" + ",".join(f"'{w}'" for w in LOCAL_WORDS) + "]"
    surnames = "ARRAY[" + ",".join(f"'{w}'" for w in SURNAMES) + "]"
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(
            f"""UPDATE signups_subscriber SET email = address, email_normalized = address
            FROM (SELECT id AS row_id, ({words})[1 + id % {len(LOCAL_WORDS)}] || '.'
                  || ({surnames})[1 + (id / 7) % {len(SURNAMES)}] || id::text || '@'
                  || ({domains})[1 + (id * 7919) % {len(DOMAINS)}] AS address
                  FROM signups_subscriber WHERE email <> '') AS made
            WHERE id = row_id"""
        )
        connection.execute(
            """UPDATE signups_subscriber SET held_reason = (ARRAY['trap', 'too_fast', 'expired',
            'no_stamp'])[1 + id % 4] WHERE status = 'held'"""
        )
        connection.execute(
            """INSERT INTO articles_topic (name, slug, description, newsletter)
            SELECT 'Bench topic ' || n, 'bench-topic-' || n, '', true FROM generate_series(1, 4) n"""
        )
        connection.execute(
            """INSERT INTO signups_subscriber_topics (subscriber_id, topic_id)
            SELECT s.id, t.id FROM signups_subscriber s
            JOIN articles_topic t ON t.newsletter AND (s.id + t.id) % 2 = 0
            WHERE s.status = 'confirmed' AND s.id % 3 = 0"""
        )
        connection.execute("VACUUM ANALYZE")


def _cases(article_id, sample):
    """(name, path, query) for each case; ``sample`` is a stored address."""
    local, _, domain = sample.partition("@")
    return [
        ("list", "", {}),
        ("list page 50", "", {"p": "50"}),
        ("search full address", "", {"q": sample}),
        ("search address start", "", {"q": local[: len(local) // 2 + 2]}),
        ("search domain", "", {"q": f"@{domain}"}),
        ("search rare domain", "", {"q": "isha-health-staff.org"}),
        ("filter status=confirmed", "", {"status__exact": "confirmed"}),
        ("filter status=held", "", {"status__exact": "held"}),
        ("filter held_reason=trap", "", {"held_reason__exact": "trap"}),
        ("filter source article", "", {"source_article__id__exact": str(article_id)}),
        ("filter signed up past 7 days", "", {"created_at__gte": "-7d"}),
        ("date drill-down year", "", {"created_at__year": "now-year"}),
        ("date drill-down month", "", {"created_at__year": "now-year", "created_at__month": "now-month"}),
        ("dashboard (30 days)", "dashboard/", {}),
        ("dashboard (two years)", "dashboard/", {"since": "-731d", "until": "today"}),
    ]


def _resolved(query):
    """Relative dates in a case's query made concrete (in the site's zone)."""
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.localtime()
    out = {}
    for key, value in query.items():
        if value.startswith("-") and value.endswith("d"):
            moment = now - timedelta(days=int(value[1:-1]))
            out[key] = moment.date().isoformat() if key in ("since", "until") else moment.isoformat(" ")
        elif value == "today":
            out[key] = now.date().isoformat()
        elif value == "now-year":
            out[key] = str(now.year)
        elif value == "now-month":
            out[key] = str(now.month)
        else:
            out[key] = value
    return out


def case_time(dsn, repeat):
    """In a child process: every case through the admin; prints one JSON result per case."""
    export_signups._django(dsn)
    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.db.models import Max
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from signups.models import Subscriber

    setup_test_environment()  # the test Client's host, "testserver", is allowed
    user, _ = User.objects.get_or_create(username="bench-marketing", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name="Marketing"))
    client = Client()
    client.force_login(user)
    middle = Subscriber.objects.aggregate(last=Max("pk"))["last"] // 2  # not the newest, not the oldest
    sample = Subscriber.objects.filter(status="confirmed", pk__gt=middle).values_list("email", flat=True)[0]
    article_id = Subscriber.objects.exclude(source_article=None).values_list("source_article", flat=True)[0]
    results = []
    for name, path, query in _cases(article_id, sample):
        url = f"/admin/signups/subscriber/{path}"
        params = _resolved(query)
        client.get(url, params)  # warm-up: connections, templates, PostgreSQL's buffers
        walls, cpus = [], []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                wall, cpu = time.perf_counter(), time.process_time()
                response = client.get(url, params)
                walls.append((time.perf_counter() - wall) * 1000)
                cpus.append((time.process_time() - cpu) * 1000)
        slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
        results.append(
            {
                "case": name,
                "status": response.status_code,
                "wall_ms": statistics.median(walls),
                "cpu_ms": statistics.median(cpus),
                "queries": len(queries.captured_queries),
                "slowest_ms": float(slowest["time"]) * 1000,
                "db_ms": sum(float(q["time"]) for q in queries.captured_queries) * 1000,
                "seq_scan": _reads_whole_table(connection, slowest["sql"]),
                "shown": _shown_count(response),
            }
        )
    print(json.dumps(results))


def _reads_whole_table(connection, sql):
    """True if PostgreSQL's plan for ``sql`` scans the subscriber table sequentially."""
    if not sql.lstrip().upper().startswith("SELECT"):
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return "Seq Scan on signups_subscriber " in plan + " "


def _shown_count(response):
    """The list's count as the page says it ("about 1,000,000 subscribers"), if any."""
    import re

    match = re.search(r'<p class="paginator">\s*([^<]*?\d[^<]*?)\s*(?:<|$)', response.text)
    return " ".join(match.group(1).split()) if match else ""


def _print_and_rows(results, rows, load):
    print(
        f"\n{rows:,} subscribers; goal for each: under {GOAL_MS} ms (median wall time, test Client); "
        f"load {load:.1f} on {os.cpu_count()} CPUs"
    )
    print("(cost = the worker's CPU + its queries' time: what the machine's load inflates least)")
    header = f"{'wall ms':>8} {'cpu ms':>7} {'db ms':>7} {'cost ms':>7} {'queries':>7} {'slowest':>8}"
    print(f"{'case':<30} {header}  result")
    out = []
    for r in results:
        met = r["status"] in (200, 302) and r["wall_ms"] < GOAL_MS
        notes = [
            f"HTTP {r['status']}",
            f"{r['queries']} queries, {r['db_ms']:.0f} ms in all, slowest {r['slowest_ms']:.0f} ms",
        ]
        notes += ["slowest query scans the whole table"] if r["seq_scan"] else []
        notes += [f"list says {r['shown']!r}"] if r["shown"] else []
        print(
            f"{r['case']:<30} {r['wall_ms']:>8.0f} {r['cpu_ms']:>7.0f} {r['db_ms']:>7.0f} "
            f"{r['cpu_ms'] + r['db_ms']:>7.0f} {r['queries']:>7} "
            f"{r['slowest_ms']:>8.0f}  {'met' if met else 'NOT met'}"
            f"{' (seq scan)' if r['seq_scan'] else ''}{' [' + r['shown'] + ']' if r['shown'] else ''}"
        )
        out.append(
            {
                "case": f"subscribers: {r['case']}",
                "figure": "wall time",
                "value": round(r["wall_ms"], 1),
                "unit": "ms",
                "goal": f"< {GOAL_MS} ms at {rows:,} rows",
                "met": met,
                "note": f"worker CPU {r['cpu_ms']:.0f} ms + queries {r['db_ms']:.0f} ms; "
                + "; ".join(notes)
                + f"; load {load:.1f}",
            }
        )
    return out


def bench_main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="measured requests per case (median)")
    parser.add_argument("--dsn", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", help="reuse this filled database (kept by --keep); not dropped")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--json", type=Path, help="write the results here for bench/run.py")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.case == "time":  # inside the child process
        return case_time(args.dsn, args.repeat)

    import psycopg

    server = args.dsn.rstrip("/")
    name = args.database or f"isha_bench_subscribers_{os.getpid()}"
    dsn = f"{server}/{name}"
    if not args.database:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    try:
        if not args.database:
            print(f"Database {name}: migrating…", flush=True)
            setup = export_signups._run_case("--case", "setup", "--dsn", dsn)
            start = time.perf_counter()
            _fill(dsn, args.rows, setup)
            _realistic(dsn)
            print(f"Filled {args.rows:,} subscribers in {time.perf_counter() - start:.1f} s.", flush=True)
        with psycopg.connect(dsn) as connection:
            rows = connection.execute("SELECT count(*) FROM signups_subscriber").fetchone()[0]
        load = os.getloadavg()[0]
        print(f"Load on the machine: {load:.2f} (1-minute average)", flush=True)
        result = subprocess.run(
            [sys.executable, __file__, "--case", "time", "--dsn", dsn, "--repeat", str(args.repeat)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        if result.returncode:
            sys.stderr.write(result.stderr)
            raise SystemExit("the timing process failed")
        out = _print_and_rows(json.loads(result.stdout.strip().splitlines()[-1]), rows, load)
        if args.json:
            args.json.write_text(json.dumps(out, indent=1))
    finally:
        if args.keep or args.database:
            print(f"Kept database {name}.")
        else:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    bench_main()
