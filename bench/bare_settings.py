"""The baseline of the benchmark (bench/run.py): Django with nothing in it.

No apps, no middleware, no database, no templates: one URL whose view returns a short
``HttpResponse``. Served by the same ``gunicorn -c gunicorn.conf.py`` as the site
(``DJANGO_SETTINGS_MODULE=bench.bare_settings``), it is the fastest any Django page can
be on this machine, and every case is reported as a ratio to it.
"""

from django.http import HttpResponse
from django.urls import path

DEBUG = False
SECRET_KEY = "bench-bare-django-baseline-not-a-secret-0123456789abcdef"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = []
MIDDLEWARE = []
DATABASES = {}
ROOT_URLCONF = __name__
USE_TZ = True


def hello(request):
    return HttpResponse(b"Hello, world.", content_type="text/plain")


urlpatterns = [path("", hello)]
