"""The site behind Django's plain WSGI handler, without isha.pagecache.wsgi's early hits:
bench/early_hits.py compares the two."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isha.settings")
application = get_wsgi_application()
