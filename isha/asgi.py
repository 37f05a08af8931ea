"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from isha.checks import refuse_bad_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isha.settings")
application = get_asgi_application()

# A server runs no system checks of its own: a malformed setting stops it here.
refuse_bad_settings()
