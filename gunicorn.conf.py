"""gunicorn settings for production (`make run-prod`, or `gunicorn -c gunicorn.conf.py`).

Every value can be overridden from the environment (GUNICORN_*), so the same file
serves a laptop, CI's benchmark and a production host.
"""

import multiprocessing
import os

wsgi_app = "isha.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
# Exports stream from the database; give them time, but not forever.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never becomes an outage.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = 200
# The load balancer in front terminates TLS and sets X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# gunicorn 25.1+ opens a control socket by default (mode 0600); anything running as this user
# could reload or stop the server through it with gunicornc (gunicorn's settings reference,
# https://gunicorn.org/reference/settings/#control_socket), so it stays off.
control_socket_disable = True
