"""Benchmark: exporting a million sign-ups as CSV and XLSX, against django-import-export.

Run by hand (not collected by pytest), with PostgreSQL on 127.0.0.1:5432 and the bench
extra installed from the lock (``.venv/bin/uv sync --frozen --extra test --extra bench``)::

    .venv/bin/python bench/export_signups.py            # 1,000,000 rows; baseline on 100,000
    .venv/bin/python bench/export_signups.py --rows 200000 --baseline-rows 50000

It creates a throwaway database (``isha_bench_export_<pid>``), migrates it, fills
``--rows`` subscribers with PostgreSQL's COPY, and then runs each case in a fresh Python
process so that its peak memory (``ru_maxrss``) is its own:

- ``csv``/``xlsx``: :mod:`signups.export` (``rows()`` -> ``csv_chunks()`` / ``write_xlsx()``)
  over the admin's queryset, written to a file, as the admin and the command do;
- ``import-export csv``/``xlsx``: django-import-export's ``ModelResource.export()`` of the
  same columns and rows, then ``Dataset.export()``. It builds the whole table in memory,
  so it runs on the first ``--baseline-rows`` rows only (the output says so); rows/s is
  what is compared.

Goals (issues 6 and 16): CSV at least 100,000 rows/s, peak memory under 150 MB for both
formats, at least 10x django-import-export's throughput for each format. With ``--verify``
our million-row XLSX is read back with openpyxl (outside the timing and the peak) and
must hold every row written. The database is dropped at the end
unless ``--keep`` is given. Database: ``--dsn`` (default ``postgres://postgres@127.0.0.1:5432``).
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_CSV_ROWS_PER_SECOND = 100_000
GOAL_PEAK_MB = 150
GOAL_RATIO = 10

COPY_COLUMNS = (
    "email",
    "email_normalized",
    "first_name",
    "last_name",
    "status",
    "created_at",
    "confirmed_at",
    "unsubscribed_at",
    "source_path",
    "source_article_id",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "referrer",
    "import_source",
    "consent_version_id",
    "unsubscribe_token",
    "confirmation_nonce",
    "email_status",
    "email_attempts",
    "email_error",
    "held_reason",
)
FIRST_NAMES = ["Jane", "Omar", "Zoë", "花子", "José", "Ångström", "Li", "=1+1", "", ""]
LAST_NAMES = ["Doe", "Núñez", "山田", "O'Brien", "Smith", "-", "", ""]
STATUSES = (
    ["confirmed"] * 70 + ["pending"] * 15 + ["held"] * 5 + ["unsubscribed"] * 6 + ["bounced"] * 3 + ["erased"]
)


def _django(dsn):
    os.environ["DATABASE_URL"] = dsn
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isha.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


# --- Cases, each run in its own process ---------------------------------------------------


def case_setup(dsn, articles):
    """Migrate the new database and add ``articles`` published articles; print their ids."""
    _django(dsn)
    from django.core.management import call_command
    from django.utils import timezone

    from articles.models import Article, Author
    from signups.models import SignupFormCopy

    call_command("migrate", verbosity=0, interactive=False)
    author = Author.objects.create(name="Bench Author", slug="bench-author")
    ids = [
        Article.objects.create(
            title=f"Bench article {n}",
            slug=f"bench-article-{n}",
            author=author,
            status=Article.Status.PUBLISHED,
            published_at=timezone.now(),
        ).pk
        for n in range(articles)
    ]
    print(json.dumps({"articles": ids, "copy_version": SignupFormCopy.load().current_version_id}))


def _queryset(limit):
    from signups.models import Subscriber

    queryset = Subscriber.objects.all()  # the admin list's order: newest first
    return queryset[:limit] if limit else queryset


def case_ours(dsn, fmt, limit, verify=False):
    _django(dsn)
    time_used = peak_mb = None
    from signups import export

    queryset = _queryset(limit)
    ready_mb = _peak_mb()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export.{fmt}"
        # Every column (include_source), as django-import-export's case and the recorded runs.
        start, cpu_start = time.perf_counter(), time.process_time()
        if fmt == "csv":
            with path.open("w", encoding="utf-8", newline="") as handle:
                for chunk in export.csv_chunks(export.rows(queryset, include_source=True)):
                    handle.write(chunk)
            seconds = time.perf_counter() - start
            with path.open(encoding="utf-8") as handle:
                written = sum(1 for _ in handle) - 1  # no multi-line cells in the bench data
        else:
            written = export.write_xlsx(export.rows(queryset, include_source=True), path)
            seconds = time.perf_counter() - start
            time_used = time.process_time() - cpu_start
            peak_mb = _peak_mb()
            if verify:  # outside the timing and the peak: the file opens in openpyxl with every row
                import openpyxl

                sheet = openpyxl.load_workbook(path, read_only=True).active
                read = sum(1 for _ in sheet.iter_rows(values_only=True)) - 1
                if read != written:
                    raise SystemExit(f"openpyxl read {read:,} rows back, {written:,} were written")
        size = path.stat().st_size
    print(
        json.dumps(
            {
                "rows": written,
                "seconds": seconds,
                "cpu_seconds": time_used if time_used is not None else time.process_time() - cpu_start,
                "peak_mb": peak_mb if peak_mb is not None else _peak_mb(),
                "ready_mb": ready_mb,
                "bytes": size,
            }
        )
    )


def case_import_export(dsn, fmt, limit):
    _django(dsn)
    from import_export import fields, resources

    from signups.models import Subscriber

    class SubscriberResource(resources.ModelResource):
        source_article = fields.Field(attribute="source_article__slug", column_name="Source article")

        class Meta:
            model = Subscriber
            fields = (
                "email",
                "first_name",
                "last_name",
                "status",
                "created_at",
                "confirmed_at",
                "unsubscribed_at",
                "source_path",
                "source_article",
                "utm_source",
                "utm_medium",
                "utm_campaign",
                "referrer",
                "consent_version",
            )
            export_order = fields

    queryset = _queryset(limit).select_related("source_article")
    ready_mb = _peak_mb()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export.{fmt}"
        start, cpu_start = time.perf_counter(), time.process_time()
        dataset = SubscriberResource().export(queryset=queryset)
        data = dataset.export(fmt)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        seconds = time.perf_counter() - start
        written, size = len(dataset), path.stat().st_size
    print(
        json.dumps(
            {
                "rows": written,
                "seconds": seconds,
                "cpu_seconds": time.process_time() - cpu_start,
                "peak_mb": _peak_mb(),
                "ready_mb": ready_mb,
                "bytes": size,
            }
        )
    )


# --- The driver ---------------------------------------------------------------------------


def _run_case(*args):
    result = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if result.returncode:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"case {args} failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _fill(dsn, rows, article_ids, copy_version):
    import psycopg

    rng = random.Random(6)
    # Rows arrive in time order, as sign-ups do: two years up to now.
    first = datetime.now(UTC) - timedelta(days=730)
    step = 730 * 86400 / rows
    with psycopg.connect(dsn) as connection, connection.cursor() as cursor:
        columns = ", ".join(COPY_COLUMNS)
        with cursor.copy(f"COPY signups_subscriber ({columns}) FROM STDIN") as copy:
            for n in range(rows):
                status = rng.choice(STATUSES)
                created = first + timedelta(seconds=n * step + rng.random())
                email = "" if status == "erased" else f"person{n}@example{n % 50}.com"
                article = rng.choice(article_ids) if rng.random() < 0.6 else None
                utm = ("newsletter", "email", f"campaign-{n % 12}") if rng.random() < 0.3 else ("", "", "")
                copy.write_row(
                    (
                        email,
                        email or f"erased-{n}",
                        "" if status == "erased" else rng.choice(FIRST_NAMES),
                        "" if status == "erased" else rng.choice(LAST_NAMES),
                        status,
                        created,
                        created + timedelta(minutes=7) if status in ("confirmed", "unsubscribed") else None,
                        created + timedelta(days=30) if status == "unsubscribed" else None,
                        f"/articles/bench-article-{article}/" if article else "/signup/",
                        article,
                        *utm,
                        "https://www.google.com" if n % 4 == 0 else "",
                        "",
                        copy_version,
                        f"tok-{n}",
                        "",
                        "sent",
                        1,
                        "",
                        "",
                    )
                )
        cursor.execute("ANALYZE signups_subscriber")


def _report(name, result, note=""):
    rate = result["rows"] / result["seconds"]
    print(
        f"{name:<22} {result['rows']:>10,} rows {result['seconds']:>8.2f} s {rate:>11,.0f} rows/s "
        f"peak {result['peak_mb']:>6.1f} MB (after setup {result['ready_mb']:.1f} MB)"
        f" {result['cpu_seconds'] / result['rows'] * 1e6:>6.1f} us CPU/row"
        f" {result['bytes'] / 1e6:>7.1f} MB file{note}"
    )
    return rate


def _write_rows(path, rows, rates, peaks):
    """The goals as ``[{"case", "figure", "value", "unit", "goal", "met", "note"}]`` (bench/run.py)."""
    out = []
    for fmt in ("csv", "xlsx"):
        case = f"sign-up export {fmt.upper()}, {rows:,} rows"
        ratio = rates[fmt] / rates[f"ie-{fmt}"]
        note = f"{rates[fmt]:,.0f} rows/s vs {rates[f'ie-{fmt}']:,.0f}"
        out.append(
            {
                "case": case,
                "figure": "rows/s x django-import-export",
                "value": ratio,
                "unit": "x",
                "goal": f">= {GOAL_RATIO}x",
                "met": ratio >= GOAL_RATIO,
                "note": note,
            }
        )
        out.append(
            {
                "case": case,
                "figure": "peak memory",
                "value": peaks[fmt],
                "unit": "MB",
                "goal": f"< {GOAL_PEAK_MB} MB",
                "met": peaks[fmt] < GOAL_PEAK_MB,
                "note": "",
            }
        )
    Path(path).write_text(json.dumps(out, indent=1))


def bench_main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--baseline-rows",
        type=int,
        default=100_000,
        help="rows for django-import-export (it holds them all in memory); 0 = all",
    )
    parser.add_argument("--dsn", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--json", help="also write the goals as bench/run.py's table rows to this file")
    parser.add_argument(
        "--verify",
        action="store_true",
        help="read our XLSX back with openpyxl and check its row count (slow: minutes at 1M rows)",
    )
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.case:  # inside a child process
        dsn = args.dsn
        if args.case == "setup":
            return case_setup(dsn, 12)
        kind, fmt = args.case.split(":")
        if kind == "ours":
            return case_ours(dsn, fmt, args.limit, verify=args.verify)
        return case_import_export(dsn, fmt, args.limit)

    import psycopg

    name = f"isha_bench_export_{os.getpid()}"
    server = args.dsn.rstrip("/")
    dsn = f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        print(f"Load average at the start: {os.getloadavg()[0]:.1f} (1 min), {os.cpu_count()} CPUs.")
        print(f"Database {name}: migrating…", flush=True)
        setup = _run_case("--case", "setup", "--dsn", dsn)
        start = time.perf_counter()
        _fill(dsn, args.rows, setup["articles"], setup["copy_version"])
        print(
            f"Filled {args.rows:,} subscribers by COPY in {time.perf_counter() - start:.1f} s.\n", flush=True
        )

        baseline = args.baseline_rows if 0 < args.baseline_rows < args.rows else 0
        subset = f" (first {baseline:,} rows only)" if baseline else ""
        rates, peaks = {}, {}
        for fmt in ("csv", "xlsx"):
            result = _run_case("--case", f"ours:{fmt}", "--dsn", dsn, *(["--verify"] if args.verify else []))
            rates[fmt] = _report(f"signups.export {fmt}", result)
            peaks[fmt] = result["peak_mb"]
            if baseline:
                _report(
                    f"signups.export {fmt}",
                    _run_case("--case", f"ours:{fmt}", "--dsn", dsn, "--limit", str(baseline)),
                    subset,
                )
            result = _run_case("--case", f"iexport:{fmt}", "--dsn", dsn, "--limit", str(baseline))
            rates[f"ie-{fmt}"] = _report(f"import-export {fmt}", result, subset)
            peaks[f"ie-{fmt}"] = result["peak_mb"]

        print()
        for fmt in ("csv", "xlsx"):
            ratio = rates[fmt] / rates[f"ie-{fmt}"]
            print(
                f"{fmt}: {ratio:.1f}x django-import-export's rows/s (goal >= {GOAL_RATIO}x): "
                f"{'met' if ratio >= GOAL_RATIO else 'NOT met'}"
            )
        print(
            f"csv: {rates['csv']:,.0f} rows/s (goal >= {GOAL_CSV_ROWS_PER_SECOND:,}): "
            f"{'met' if rates['csv'] >= GOAL_CSV_ROWS_PER_SECOND else 'NOT met'}"
        )
        for fmt in ("csv", "xlsx"):
            print(
                f"{fmt}: peak memory {peaks[fmt]:.1f} MB for {args.rows:,} rows (goal < {GOAL_PEAK_MB} MB): "
                f"{'met' if peaks[fmt] < GOAL_PEAK_MB else 'NOT met'}"
            )
        if args.json:
            _write_rows(args.json, args.rows, rates, peaks)
        print(f"Load average at the end: {os.getloadavg()[0]:.1f} (1 min).")
    finally:
        if args.keep:
            print(f"Kept database {name}.")
        else:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    bench_main()
