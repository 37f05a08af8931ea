"""The site's settings without login throttling, for bench/login_flood.py's baseline:
every login POST reaches the password hasher, as before django-axes."""

from isha.settings import *  # noqa: F403

AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
MIDDLEWARE = [
    name
    for name in MIDDLEWARE  # noqa: F405
    if not name.startswith(("axes.", "isha.login_throttle."))
]
AXES_ENABLED = False
