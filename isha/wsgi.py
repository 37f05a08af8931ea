"""WSGI entry point: ``gunicorn isha.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isha.settings")
application = get_wsgi_application()
