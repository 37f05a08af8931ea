"""Worker CPU per request of a page-cache hit against bare Django, in the same run.

``python bench/early_hits.py [--articles 50] [--duration 10]`` creates its own PostgreSQL
database, fills it (bench/content.py), and serves it with gunicorn (2 workers, the
project's gunicorn.conf.py) three ways on Redis (``BENCH_REDIS_URL``): bare Django
(bench/bare_settings.py), the site as deployed (``isha.wsgi``: hits answered at the WSGI
level, isha.pagecache.wsgi), and the site with Django's plain WSGI handler (hits answered
by PageCacheMiddleware), then drives each with wrk like bench/run.py and prints worker CPU
ms per request and the ratios. Bare Django is measured before and after each case.
"""

import argparse
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    BENCH,
    HOST,
    PG,
    PROXY_HEADERS,
    PYTHON,
    REDIS_URL,
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
)


def app_server(processes, name, env, workdir, app):
    """:class:`harness.Server` serving the WSGI application ``app`` (``module:name``)."""
    probe = "/healthz" if "isha" in app or "bench" in app else "/"
    return Server(processes, name, env, workdir, probe=probe, app=app)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    options = parser.parse_args()
    settings = WrkSettings(2, options.connections, options.duration, 3, timeout=10)
    token = f"{os.getpid()}{secrets.token_hex(2)}"
    dbname, prefix = f"isha_hits_{token}", f"isha-hits-{token}"
    workdir = Path(tempfile.mkdtemp(prefix="isha-hits-"))
    processes = Processes()
    common = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_", "PAGE_CACHE"))}
    common |= {"GUNICORN_WORKERS": "2", "GUNICORN_MAX_REQUESTS": "0", "GUNICORN_LOGLEVEL": "warning"}
    site = common | {
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "DATABASE_URL": f"postgres://{PG['user']}@{HOST}:{PG['port']}/{dbname}",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "MEDIA_ROOT": str(workdir / "media"),
        "SITE_URL": "https://127.0.0.1",
        "PAGE_CACHE_SECONDS": "600",
    }
    try:
        with pg_connect() as connection:
            connection.execute(f'CREATE DATABASE "{dbname}"')
        run([str(PYTHON), "manage.py", "migrate", "--noinput"], site, 600)
        out = run([str(PYTHON), str(BENCH / "content.py"), "--total", str(options.articles)], site, 900)
        path = f"/articles/{out.strip().splitlines()[-1]}/"
        run([str(PYTHON), "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], site, 600)
        bare_env = common | {"DJANGO_SETTINGS_MODULE": "bench.bare_settings"}
        rows = []
        with (
            # Django's own WSGI handler: gunicorn.conf.py's isha.wsgi runs the site's checks.
            app_server(
                processes, "bare", bare_env, workdir, "django.core.wsgi:get_wsgi_application()"
            ) as bare,
            app_server(processes, "early", site, workdir, "isha.wsgi:application") as early,
            app_server(processes, "middleware", site, workdir, "bench.plain_wsgi:application") as middle,
        ):
            runs = [measure(settings, "bare", bare, "/")]
            for name, server in (("hit (WSGI level)", early), ("hit (middleware)", middle)):
                fetch(server.base + path, PROXY_HEADERS)
                result = measure(settings, name, server, path, expect_cache={"hit"})
                runs.append(measure(settings, "bare", bare, "/", warmup=False))
                bare_cpu = (runs[-2]["cpu_ms"] + runs[-1]["cpu_ms"]) / 2
                bare_rps = (runs[-2]["rps"] + runs[-1]["rps"]) / 2
                rows.append((name, result, bare_cpu, bare_rps))
        print(f"\nload average {os.getloadavg()}, {os.cpu_count()} CPUs; {settings.describe()}")
        heads = (
            ("cpu ms/req", 11),
            ("bare ms", 9),
            ("cpu ratio", 10),
            ("req/s", 9),
            ("bare req/s", 11),
            ("x bare", 8),
        )
        print(f"{'case':<20}" + "".join(f"{title:>{width}}" for title, width in heads))
        for name, result, bare_cpu, bare_rps in rows:
            print(
                f"{name:<20}{result['cpu_ms']:>11.3f}{bare_cpu:>9.3f}{bare_cpu / result['cpu_ms']:>10.2f}"
                f"{result['rps']:>9.0f}{bare_rps:>11.0f}{result['rps'] / bare_rps:>8.2f}"
            )
    finally:
        processes.stop_all()
        drop_database(dbname)
        try:
            delete_cache_keys(prefix)
        except Exception as error:  # Redis gone: nothing to clean
            log(f"cache keys not deleted: {error}")
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
