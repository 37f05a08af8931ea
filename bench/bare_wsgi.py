"""WSGI entry point of the benchmark's baseline (bench/bare_settings.py).

The site's own ``isha.wsgi`` runs the project's settings checks, which bare Django's
settings (no apps, no page cache) cannot pass; bench/run.py serves this module instead,
with the same ``gunicorn -c gunicorn.conf.py``.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.bare_settings")
application = get_wsgi_application()
