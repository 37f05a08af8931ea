"""The stampede case's publisher: articles go live through ``articles.publishing`` while
readers load the site (bench/stampede.py starts it; not meant to be run by hand).

Runs as the system (``actor=None`` inside ``articles.actors.system_actor``, as management
commands do), with the site's environment, so each publish commits, fires the page cache's
invalidation and reaches Redis exactly as a Publisher's save in the admin would.

    python bench/publisher.py paths N                       # the home page and N article paths
    python bench/publisher.py take N EXCLUDED_SLUGS_FILE   # unpublish N articles, print their ids
    python bench/publisher.py publish IDS EVERY FIRST       # publish them, one every EVERY s

``take`` picks published articles whose slugs are not in the file (the pages readers
load), sends them back to draft and prints their ids as one JSON line. ``publish`` prints
``{"ready": true}`` once Django is set up, waits FIRST seconds, then publishes one every
EVERY seconds (until the ids run out or it is stopped) and prints one JSON line per
publish: the id, seconds since it was ready, and the seconds the publish took (commit and
invalidation included), or the error.
"""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isha.settings")

import django  # noqa: E402

django.setup()

from articles import publishing  # noqa: E402
from articles.actors import system_actor  # noqa: E402
from articles.models import Article  # noqa: E402

NAME = "bench_stampede"


def paths(count):
    articles = Article.objects.published().order_by("pk")[:count]
    print(json.dumps(["/", *(article.get_absolute_url() for article in articles)]), flush=True)


def take(count, excluded_file):
    excluded = {
        line.strip().strip("/").rsplit("/", 1)[-1] for line in Path(excluded_file).read_text().split()
    }
    chosen = [
        a
        for a in Article.objects.published().order_by("-pk")[: count + len(excluded)]
        if a.slug not in excluded
    ]
    with system_actor(NAME):
        for article in chosen[:count]:
            publishing.unpublish(article=article, actor=None)
    print(json.dumps([a.pk for a in chosen[:count]]), flush=True)


def publish(ids, every, first):
    print(json.dumps({"ready": True}), flush=True)  # Django is set up: the clock starts now
    started = time.monotonic()
    with system_actor(NAME):
        for number, pk in enumerate(ids):
            pause = started + first + number * every - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            at = time.monotonic()
            try:
                publishing.publish(article=Article.objects.get(pk=pk), actor=None)
                outcome = {
                    "id": pk,
                    "at_s": round(at - started, 2),
                    "took_s": round(time.monotonic() - at, 3),
                }
            except Exception as error:  # reported by the bench, which counts it as a failure
                outcome = {"id": pk, "at_s": round(at - started, 2), "error": repr(error)}
            print(json.dumps(outcome), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "paths":
        paths(int(sys.argv[2]))
    elif sys.argv[1] == "take":
        take(int(sys.argv[2]), sys.argv[3])
    else:
        publish([int(pk) for pk in sys.argv[2].split(",")], float(sys.argv[3]), float(sys.argv[4]))
