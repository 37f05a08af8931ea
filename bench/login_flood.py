"""How a flood of admin login POSTs slows readers, with and without login throttling (issue 12).

Run by hand (needs wrk, PostgreSQL and Redis on 127.0.0.1, as ``make bench``):

    .venv/bin/python bench/login_flood.py [--duration 10]

It creates a throwaway database (``isha_bench_login_<pid>``) with one staff user, starts
the site in production mode (page cache on Redis, 2 gunicorn workers) twice: as it is
(django-axes) and with throttling removed (``bench/noaxes_settings.py``, the behaviour
before). For each it measures readers' home page (cache warm, 8 connections) alone, then
while 32 connections POST wrong passwords for one account from one address
(``bench/login_flood.lua``), measured once the account is locked (the first five
guesses are hashed whatever the throttle does). Prints requests/s and latency; stops
what it started and drops the database and cache keys.
"""

import argparse
import os
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from harness import (
    GUNICORN,
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
    pg_connect,
    run,
    wrk,
)

READERS, FLOOD = 8, 32
LOCK_WAIT_SECONDS = 20


def csrf_token(server):
    """A CSRF cookie value from the admin's login page (the flood's form posts it back)."""
    _status, headers, _body = fetch(server.base + "/admin/login/", PROXY_HEADERS)
    cookie = next(v for k, v in headers.items() if k.lower() == "set-cookie" and v.startswith("csrftoken="))
    return re.match(r"csrftoken=([^;]+)", cookie)[1]


def wait_until_locked(dbname, deadline):
    """Seconds until the flood's account has LOGIN_FAILURE_LIMIT (5) failures recorded, or
    None after ``deadline`` seconds (no throttling: nothing is recorded)."""
    started = time.monotonic()
    with pg_connect(dbname) as connection:
        while time.monotonic() - started < deadline:
            row = connection.execute(
                "SELECT coalesce(sum(failures_since_start), 0) FROM axes_accessattempt "
                "WHERE username = 'alice'"
            ).fetchone()
            if row[0] >= 5:
                return time.monotonic() - started
            time.sleep(0.2)
    return None


def readers_under_flood(settings, server, flood, dbname, throttled):
    """Readers' results, alone (``flood`` False) or during the flood; and the flood's."""
    url = server.base + "/"
    wrk(settings.with_connections(READERS), url, "report.lua", duration=settings.warmup)
    server.drain()
    flooded = {}
    if flood:
        token = csrf_token(server)
        origin = f"https://{HOST}:{server.port}"

        def send():
            flooded["result"], _ = wrk(
                settings.with_connections(FLOOD),
                server.base + "/admin/login/",
                "login_flood.lua",
                extra_args=(token, origin),
                duration=settings.duration + LOCK_WAIT_SECONDS + 2,
            )

        thread = threading.Thread(target=send)
        thread.start()
        # Readers are measured in the flood's steady state: once the account is locked
        # (the first LOGIN_FAILURE_LIMIT guesses are hashed, about a second each here).
        if throttled:
            flooded["locked_after"] = wait_until_locked(dbname, deadline=LOCK_WAIT_SECONDS)
        else:
            time.sleep(1)
    readers, _ = wrk(settings.with_connections(READERS), url, "report.lua")
    if flood:
        thread.join()
    server.drain(limit=60)
    return readers, (flooded["result"] | {"locked_after": flooded.get("locked_after")}) if flood else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    options = parser.parse_args()
    settings = WrkSettings(2, READERS, options.duration, options.warmup, timeout=10)
    if not shutil.which("wrk") or not GUNICORN.exists():
        sys.exit("Needs wrk and .venv: run `make bench` once (it installs both).")

    token = f"{os.getpid()}{secrets.token_hex(2)}"
    dbname, prefix = f"isha_bench_login_{token}", f"isha-bench-login-{token}"
    workdir = Path(tempfile.mkdtemp(prefix="isha-bench-login-"))
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    site_env = base_env | {
        "GUNICORN_WORKERS": "2",
        "GUNICORN_MAX_REQUESTS": "0",
        "GUNICORN_LOGLEVEL": "warning",
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "DATABASE_URL": f"postgres://{PG['user']}@{HOST}:{PG['port']}/{dbname}",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "MEDIA_ROOT": str(workdir / "media"),
    }
    cases = [
        ("throttled (django-axes)", site_env),
        ("unthrottled (before)", site_env | {"DJANGO_SETTINGS_MODULE": "bench.noaxes_settings"}),
    ]
    processes, rows = Processes(), []
    with pg_connect() as connection:
        connection.execute(f'CREATE DATABASE "{dbname}"')
    try:
        manage = [str(PYTHON), "manage.py"]
        run([*manage, "migrate", "--noinput"], site_env, 600)
        run([*manage, "collectstatic", "--noinput", "--verbosity", "0"], site_env, 600)
        create = (
            "from django.contrib.auth.models import User; User.objects.create_user('alice', password='x'*20)"
        )
        run([*manage, "shell", "-c", create], site_env, 120)
        for name, env in cases:
            throttled = "DJANGO_SETTINGS_MODULE" not in env
            with Server(processes, name.split()[0], env, workdir) as server:
                for flood in (False, True):
                    readers, flooded = readers_under_flood(settings, server, flood, dbname, throttled)
                    rows.append((name, flood, readers, flooded))
                    locked = (flooded or {}).get("locked_after")
                    log(
                        f"{name}, flood {flood}: readers p99 {readers['p99_us'] / 1000:.1f} ms"
                        + (f" (account locked {locked:.1f} s into the flood)" if locked else "")
                    )
            run(
                [
                    *manage,
                    "shell",
                    "-c",
                    "from axes.models import AccessAttempt as A; A.objects.all().delete()",
                ],
                site_env,
                60,
            )
    finally:
        processes.stop_all()
        drop_database(dbname)
        delete_cache_keys(prefix)
        shutil.rmtree(workdir, ignore_errors=True)

    print(
        f"\nreaders: GET / (page cache warm), {READERS} connections, {options.duration} s; "
        f"flood: {FLOOD} connections POSTing wrong passwords for one account"
    )
    print(
        "p50 vs quiet: readers' median latency against the same server's run without the flood, "
        "a minute or two before (other load on the machine may differ between the two)"
    )
    print(
        "| site | flood | readers req/s | readers p50 ms | readers p99 ms | p50 vs quiet "
        "| flood req/s | flood 429s |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    quiet = {name: readers for name, flood, readers, _ in rows if not flood}
    for name, flood, readers, flooded in rows:
        flood_cols = f"{flooded['rps']:,.0f} | {flooded['non_2xx_3xx']:,}" if flooded else "- | -"
        print(
            f"| {name} | {'yes' if flood else 'no'} | {readers['rps']:,.0f} "
            f"| {milliseconds(readers, 'p50_us')} | {milliseconds(readers, 'p99_us')} "
            f"| {slower(readers, quiet[name])} | {flood_cols} |"
        )


def milliseconds(readers, key):
    """``readers[key]`` (microseconds) in milliseconds, or ``"-"`` if no reader was served."""
    return f"{readers[key] / 1000:.1f}" if readers.get("requests") else "-"


def slower(readers, quiet):
    """``readers``' median latency as a multiple of ``quiet``'s (``"-"`` if either served nothing)."""
    if not readers.get("requests") or not readers.get("p50_us") or not quiet.get("p50_us"):
        return "-"
    return f"{readers['p50_us'] / quiet['p50_us']:.1f}x"


if __name__ == "__main__":
    main()
