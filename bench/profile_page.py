"""Profile one page in-process, as a gunicorn worker would serve it.

    DATABASE_URL=... REDIS_URL=... (the production environment, as bench/run.py sets it)
    .venv/bin/python bench/profile_page.py /articles/<slug>/ [-n 200] [--cprofile]
    .venv/bin/python bench/profile_page.py /signup/ --post 'email=p-{n}%40example.com&next=/'

Warms up (connections, template loader, first queries), then serves the path ``-n``
times through Django's WSGI handler and prints where the time went: pyinstrument's tree
when it is installed (``pip install pyinstrument``), else (or with ``--cprofile``)
cProfile's top functions, timed in CPU time so that waits and other load drop out.
Also prints the per-request time and the queries of one request. Use it against the
database of ``bench/run.py --keep``. ``--post BODY`` sends a form POST as the sign-up
page's script does (JSON answer, same-origin), ``{n}`` in BODY replaced by a number
no other request of the run uses (unique addresses).
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isha.settings")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--cprofile", action="store_true", help="use cProfile even if pyinstrument is there")
    parser.add_argument("--sort", default="cumulative", help="cProfile's sort key (cumulative, tottime)")
    parser.add_argument("--post", help="POST this form body ({n}: a number unique in the run)")
    options = parser.parse_args()

    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    application = get_wsgi_application()
    path, _, query = options.path.partition("?")
    run = f"{os.getpid()}-{time.time_ns()}"
    served = iter(range(10**9))

    def serve():
        body = (options.post or "").replace("{n}", f"{run}-{next(served)}").encode()
        environ = {
            "REQUEST_METHOD": "POST" if options.post else "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "443",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_X_FORWARDED_PROTO": "https",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "HTTP_ACCEPT": "application/json" if options.post else "text/html",
            "HTTP_SEC_FETCH_SITE": "same-origin",
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "SERVER_PROTOCOL": "HTTP/1.1",
        }
        statuses = []
        body = b"".join(application(environ, lambda status, headers: statuses.append(status)))
        assert statuses[0].startswith("200"), statuses[0]
        return body

    for _ in range(5):
        serve()
    with CaptureQueriesContext(connection) as queries:
        body = serve()
    print(f"{len(body)} bytes, {len(queries)} queries:")
    for q in queries.captured_queries:
        print(f"  {q['time']}s  {q['sql'][:160]}")

    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(options.n):
        serve()
    print(
        f"{(time.perf_counter() - start) / options.n * 1000:.2f} ms per request, "
        f"{(time.process_time() - cpu_start) / options.n * 1000:.2f} ms of CPU (unprofiled, n={options.n})"
    )

    try:
        if options.cprofile:
            raise ImportError
        from pyinstrument import Profiler
    except ImportError:
        import cProfile
        import pstats

        # CPU time, not wall time: waits for PostgreSQL and a busy machine drop out.
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(options.n):
            serve()
        profiler.disable()
        pstats.Stats(profiler).sort_stats(options.sort).print_stats(45)
        return
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(options.n):
        serve()
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
