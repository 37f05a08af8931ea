"""WSGI entry point: ``gunicorn isha.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

from isha.checks import refuse_bad_settings
from isha.pagecache.wsgi import EarlyHits

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isha.settings")
# Fresh page-cache hits are answered before Django builds a request (isha.pagecache.wsgi).
application = EarlyHits(get_wsgi_application())

# A server runs no system checks of its own: a malformed setting stops it here.
refuse_bad_settings()
