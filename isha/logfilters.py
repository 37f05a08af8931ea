"""Logging filters the project configures in ``settings.LOGGING`` (imported before apps load).

While the database is down every request fails the same way; one report per minute says
so without a traceback and an email to ``ADMINS`` for each of them (the mail would also
hold each request for the mail server). ``/healthz`` reports the outage to monitoring.
"""

import logging
import threading
import time

from django.db import InterfaceError, OperationalError

# What Django raises when the database cannot be reached, dropped the connection or timed
# out: it wraps the driver's errors in these
# (https://docs.djangoproject.com/en/6.1/ref/exceptions/#database-exceptions).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


class OncePerDatabaseOutage(logging.Filter):
    """Let through the first record about an unreachable database (its ``exc_info`` is one
    of :data:`DATABASE_UNAVAILABLE`), then none for ``interval`` seconds (default 60),
    per handler and process. Every other record passes."""

    def __init__(self, interval=60.0):
        super().__init__()
        self.interval = float(interval)
        self._lock = threading.Lock()
        self._quiet_until = 0.0

    def filter(self, record):
        exc = record.exc_info[1] if record.exc_info else None
        if not isinstance(exc, DATABASE_UNAVAILABLE):
            return True
        with self._lock:
            now = time.monotonic()
            if now < self._quiet_until:
                return False
            self._quiet_until = now + self.interval
            return True
