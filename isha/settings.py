"""Settings for the Isha Health site, read from the environment.

Every variable is documented in ``.env.example``. Development needs none of them:
without ``DATABASE_URL`` the site uses a SQLite file in the project folder, without
``REDIS_URL`` the local-memory cache (and no page cache), and emails go to an outbox
folder readable at ``/admin/outbox/``. ``DJANGO_ENV=production`` switches to a strict
mode that refuses to start without its required variables.

A value that cannot be read as its type stops the start naming the variable
(:class:`isha.environment.Env`); values of the right type but out of range fail
``manage.py check`` (``isha/checks.py``, ``signups/checks.py``).
"""

import logging
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from js_asset import static_lazy

from isha.environment import Env

BASE_DIR = Path(__file__).resolve().parent.parent

env = Env()
# A developer's own .env is optional; production reads the real environment.
Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in ("development", "production"):
    raise ImproperlyConfigured(f"DJANGO_ENV must be 'development' or 'production', not {DJANGO_ENV!r}.")
PRODUCTION = DJANGO_ENV == "production"

# Production refuses to start rather than run with a development default.
PRODUCTION_REQUIRED = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL")
if PRODUCTION:
    _missing = [name for name in PRODUCTION_REQUIRED if not env.str(name, default="")]
    if _missing:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production needs these environment variables: "
            + ", ".join(_missing)
            + " (see .env.example)."
        )

DEBUG = False if PRODUCTION else env.bool("DEBUG", default=True)

_DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"
# Development only: a fixed key keeps sessions across restarts of `make run`.
SECRET_KEY = env.str("SECRET_KEY", default="") or _DEVELOPMENT_SECRET_KEY
if PRODUCTION and (SECRET_KEY == _DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be a real secret of at least 50 characters in production.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "isha.apps.IshaConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # Search fields and lookups on PostgreSQL; harmless on SQLite.
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_prose_editor",
    "simple_history",
    # The sign-up emails' queue in production (TASKS below); its table exists everywhere.
    "django_tasks_db",
    # Admin login throttling (AXES_* below).
    "axes",
    # Staff's second factor: TOTP and backup codes (isha.two_factor).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "articles",
    "signups",
]

MIDDLEWARE = [
    # A NUL byte in the path or query string is a 400 before anything reads it (PostgreSQL
    # refuses NUL in text, which would make it a 500 further down).
    "isha.middleware.RefuseNulBytesMiddleware",
    # An admin list whose query string overflows Python's dates is a 400, not a 500.
    "isha.middleware.AdminOutOfRangeParametersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous cache hits are answered here, before everything below (isha.pagecache);
    # pages are stored on the way out with the headers added below.
    "isha.pagecache.PageCacheMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "isha.middleware.PermissionsPolicyMiddleware",
    # A locked-out sign-in is answered here, before sessions, CSRF and the login view.
    "isha.login_throttle.RefuseLockedOutLoginMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a second factor this session.
    "django_otp.middleware.OTPMiddleware",
    "isha.two_factor.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a refused (locked-out) login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "isha.urls"
WSGI_APPLICATION = "isha.wsgi.application"
ASGI_APPLICATION = "isha.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # The admin's templates put a nonce on their scripts and styles.
                "django.template.context_processors.csp",
            ],
        },
    },
]

# Empty or unset: a SQLite file in the project folder.
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
    # The URL may hold a password: it is not repeated in the message.
    raise ImproperlyConfigured("DATABASE_URL must be a postgres:// or sqlite:/// URL.")
# PostgreSQL only: each worker keeps its connections in psycopg's pool (Django's built-in pooling:
# https://docs.djangoproject.com/en/6.1/ref/databases/#connection-pool, options from
# https://www.psycopg.org/psycopg3/docs/api/pool.html). Not PgBouncer in transaction
# mode: it would hand the streamed export's server-side cursor to another client.
DATABASE_POOL = env.bool("DATABASE_POOL", default=True)
DATABASE_POOL_MIN_SIZE = env.int("DATABASE_POOL_MIN_SIZE", default=1)
DATABASE_POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=4)
# Seconds a request waits for a connection before the 503 page (isha.outage): psycopg
# raises PoolTimeout, an OperationalError, which Django wraps as its own.
DATABASE_POOL_TIMEOUT = env.float("DATABASE_POOL_TIMEOUT", default=3.0)
# Tests against PostgreSQL create their own database next to the one named here.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The pool keeps connections itself; Django refuses CONN_MAX_AGE with it (isha.checks).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DATABASE_POOL else 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database that does not answer fails a request within seconds (then a 503 page,
    # isha.outage) instead of holding the worker until it is killed. libpq's
    # connect_timeout, in seconds (https://www.postgresql.org/docs/current/libpq-connect.html).
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
        "DATABASE_CONNECT_TIMEOUT", default=5
    )
    if DATABASE_POOL:
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": DATABASE_POOL_MIN_SIZE,
            "max_size": DATABASE_POOL_MAX_SIZE,
            "timeout": DATABASE_POOL_TIMEOUT,
            # A failed (re)connection is retried with a growing delay for this long, then
            # given up until a request asks again: kept as short as the wait above, so a
            # database back after an outage serves the next requests at once rather than
            # after a backoff grown to minutes (psycopg_pool's default is 300 s).
            "reconnect_timeout": DATABASE_POOL_TIMEOUT,
            "name": "isha-default",
        }
elif PRODUCTION:
    raise ImproperlyConfigured("Production runs on PostgreSQL: DATABASE_URL must be a postgres:// URL.")

# An optional read replica of the primary (PostgreSQL streaming replication). Only the
# dashboard and the exports read there (signups.routing.reporting_database); everything
# else, and every write and migration, stays on the primary (signups.routing.PrimaryRouter).
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL to be a postgres:// URL.")
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a postgres:// URL.")
    DATABASES["replica"].update(
        CONN_MAX_AGE=DATABASES["default"]["CONN_MAX_AGE"],
        CONN_HEALTH_CHECKS=True,
        OPTIONS={**DATABASES["replica"].get("OPTIONS", {}), **DATABASES["default"]["OPTIONS"]},
        # Tests read the replica's alias from the primary's test database (Django's
        # "Testing primary/replica configurations").
        TEST={"MIRROR": "default"},
    )
DATABASE_ROUTERS = ["signups.routing.PrimaryRouter"]

# Redis when REDIS_URL is set (always in production: shared by every web host, so the
# page cache and the sign-up rate limit are site-wide); else this process's memory.
# The site works without it (isha.cacheguard): nothing is kept only in the cache.
REDIS_URL = env.str("REDIS_URL", default="")
# redis-py connection options (https://redis.readthedocs.io/en/stable/connections.html):
# an unreachable or hung Redis costs a request at most about a second, never the worker.
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="isha"),
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "isha",
        }
    }

# Staff sessions live in the database, never only in the cache: staff can sign in and
# work while Redis is down (Django's default, stated because it matters).
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# The article form sends about four fields per attached source: Django's default (1000)
# refused the save of an article with some 240 sources with a bare 400, losing the edit.
# The body's size stays limited by DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Whole public pages for anonymous readers (isha.pagecache); 0 turns it off. Always off in
# development without Redis: a command (load_demo, import_webflow) cannot reach the
# server's own memory to retire its pages, so readers would see old pages for minutes.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600) if PRODUCTION or REDIS_URL else 0
# How long browsers may reuse a page without asking (0: always revalidate).
PAGE_CACHE_BROWSER_SECONDS = env.int("PAGE_CACHE_BROWSER_SECONDS", default=0)
# Shared caches in front (Varnish, a CDN; isha.pagecache): Cache-Control's s-maxage, capped
# by the next scheduled change, then how long a stale copy may be served while one
# request revalidates (RFC 5861 stale-while-revalidate) or while the site errs or is down
# (stale-if-error). Publishing purges the edge by surrogate key (content_changed).
EDGE_CACHE_SECONDS = env.int("EDGE_CACHE_SECONDS", default=3600)
EDGE_STALE_WHILE_REVALIDATE_SECONDS = env.int("EDGE_STALE_WHILE_REVALIDATE_SECONDS", default=30)
EDGE_STALE_IF_ERROR_SECONDS = env.int("EDGE_STALE_IF_ERROR_SECONDS", default=86400)
# Query parameters that only track a visit (campaigns, ad clicks): no page reads them, so
# no cache keys on them. Exact names, or prefixes ending in "*". The edge's list (VCL) is
# checked against this one.
TRACKING_QUERY_PARAMETERS = env.list(
    "TRACKING_QUERY_PARAMETERS",
    default=[
        "utm_*",
        "gclid",
        "gclsrc",
        "gbraid",
        "wbraid",
        "dclid",
        "fbclid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ref_src",
        "_ga",
        "_gl",
    ],
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Signing in: throttling (django-axes) ----------------------------------------------------
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
# Axes' backend comes first: it refuses a locked-out attempt before ModelBackend hashes
# the password, so a flood of guesses costs a database query each, not a hash each.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed sign-ins before a (username, client address) pair is locked out, and before a
# client address is locked out whatever the usernames; for LOGIN_LOCKOUT_MINUTES after the
# failure that reached the limit. `manage.py axes_reset` lifts every lockout at once.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
# Attempts are counted in the database (no cache involved): throttling works with Redis down.
AXES_HANDLER = "isha.login_throttle.TwoLimitDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
# Refused attempts during a lockout do not restart it: it ends LOGIN_LOCKOUT_MINUTES after
# the limit was reached, so guesses cannot keep a real user out indefinitely.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The same client address as the sign-up rate limit (SIGNUP_TRUSTED_PROXY_HOPS).
AXES_CLIENT_IP_CALLABLE = "isha.proxies.client_ip"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# No start-up banner in every command's output.
AXES_VERBOSE = False

# --- Signing in: a second factor (django-otp, isha.two_factor) ---------------------------------
# Staff turn it on themselves at /admin/two-factor/. When this is on, everyone who can see
# subscribers' addresses (the "view subscriber" permission; superusers) must: they are sent
# there until they have signed in with a code. On by default in production.
ADMIN_REQUIRE_2FA_FOR_SUBSCRIBER_DATA = env.bool("ADMIN_REQUIRE_2FA_FOR_SUBSCRIBER_DATA", default=PRODUCTION)
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "Isha Health admin"

LANGUAGE_CODE = "en-us"
# The site's zone for dates shown to readers and times in exports.
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
# Relative paths are taken from the project folder; absolute ones as they are.
MEDIA_ROOT = BASE_DIR / env.str("MEDIA_ROOT", default="media")
# Image uploads: the largest file accepted (bytes) and the most pixels (width x height),
# which bounds the memory a decoded image takes.
IMAGE_MAX_UPLOAD_BYTES = env.int("IMAGE_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)
# Extreme shapes are refused too: the longest side (pixels), and how many times one side
# may be the other (10 means 10:1).
IMAGE_MAX_SIDE = env.int("IMAGE_MAX_SIDE", default=10_000)
IMAGE_MAX_ASPECT_RATIO = env.int("IMAGE_MAX_ASPECT_RATIO", default=10)

# Uploaded images go to S3-compatible object storage when a bucket is configured (several
# web hosts then share them); otherwise to MEDIA_ROOT on this machine, served by the site
# itself under MEDIA_URL (isha.media) unless a proxy in front serves that path.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
            "file_overwrite": False,
            "querystring_auth": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

# Sign-up exports made in the background (signups.export.background): personal data, so
# never under MEDIA_ROOT or STATIC_ROOT (checked at start-up) and served only by an admin
# view to the person who asked. The worker (db_worker) and the web servers must share this
# folder: run them on one host, or mount it on each.
SIGNUP_EXPORT_DIR = BASE_DIR / env.str("SIGNUP_EXPORT_DIR", default="private/exports")

STORAGES = {
    "signup_exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": SIGNUP_EXPORT_DIR,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The public site's canonical origin, used in absolute links (feeds, emails).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

ARTICLES_PER_PAGE = env.int("ARTICLES_PER_PAGE", default=9)

# Source checks (manage.py check_sources, daily through run_periodic): README "How our
# evidence stays current". The base URLs are settings so tests point them at a local server.
SOURCE_CHECK_CROSSREF_URL = env.str("SOURCE_CHECK_CROSSREF_URL", default="https://api.crossref.org")
SOURCE_CHECK_EUTILS_URL = env.str(
    "SOURCE_CHECK_EUTILS_URL", default="https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
)
SOURCE_CHECK_EMAIL = env.str("SOURCE_CHECK_EMAIL", default="")
SOURCE_CHECK_NCBI_API_KEY = env.str("SOURCE_CHECK_NCBI_API_KEY", default="")
SOURCE_CHECK_TIMEOUT = env.float("SOURCE_CHECK_TIMEOUT", default=10.0)
SOURCE_CHECK_DELAY = env.float("SOURCE_CHECK_DELAY", default=1.0)
SOURCE_CHECK_RETRIES = env.int("SOURCE_CHECK_RETRIES", default=2)
SOURCE_CHECK_RETRY_SECONDS = env.float("SOURCE_CHECK_RETRY_SECONDS", default=5.0)
SOURCE_CHECK_EVERY_DAYS = env.int("SOURCE_CHECK_EVERY_DAYS", default=7)
SOURCE_CHECK_BATCH = env.int("SOURCE_CHECK_BATCH", default=500)

# One JSON object per line in production (LOG_FORMAT=json), for the log collector;
# plain text in development. Checked here: logging is set up before system checks run.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'json' or 'text', not {LOG_FORMAT!r}.")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
if not isinstance(logging.getLevelNamesMapping().get(LOG_LEVEL), int):
    raise ImproperlyConfigured(
        f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {LOG_LEVEL!r}."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# --- Security headers ------------------------------------------------------------------------
# Public pages carry no inline script or style, so the policy needs no nonce there and a
# cached page is the same for everyone; the admin's templates read a nonce, which Django
# then adds to that response's header only.
# Extra image sources (hosts or schemes) allowed on top of the site itself, e.g. a bucket's domain.
CSP_IMG_SRC = env.list("CSP_IMG_SRC", default=[])
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", *CSP_IMG_SRC],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# The admin's body editor injects Tiptap's base style; these extensions give it the page's
# nonce (so the policy above needs no 'unsafe-inline') and name the editable area after
# its label. They add no HTML, so their sanitiser processors allow nothing.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("articles/admin/editor-csp-label.js")],
        "extensions": {"StyleNonce": lambda config, shared: None, "FieldLabel": lambda config, shared: None},
    }
]
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Features this site never uses; browsers then refuse them to any embedded content too.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
X_FRAME_OPTIONS = "DENY"

if PRODUCTION:
    # TLS ends at the load balancer, which sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # /healthz and /healthz/live are polled over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz(/live)?$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading commits the whole domain to HTTPS in browsers for good; the clinic
        # decides that itself (and then sets SECURE_HSTS_PRELOAD=true).
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- Sign-ups: mail, background tasks and abuse limits (issue 5) ---------------------------
# Every variable is described in .env.example and the README's "Sign-ups" section.

# Django 6.1 mailers (https://docs.djangoproject.com/en/6.1/topics/email/). SMTP in
# production and whenever SMTP_HOST is set; otherwise, in development, one file per
# connection in EMAIL_OUTBOX_DIR, listed with clickable links at /admin/outbox/ (isha.outbox).
# Error reports get their own mailer that fails silently, so a mail server that is down
# cannot turn a logged error into a second one.
SMTP_SECURITY = env.str("SMTP_SECURITY", default="starttls")
EMAIL_OUTBOX_DIR = BASE_DIR / env.str("EMAIL_OUTBOX_DIR", default="outbox")
if PRODUCTION or env.str("SMTP_HOST", default=""):
    _mailer = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env.str("SMTP_HOST", default="localhost"),
            "port": env.int("SMTP_PORT", default=587),
            "username": env.str("SMTP_USER", default=""),
            "password": env.str("SMTP_PASSWORD", default=""),
            "use_tls": SMTP_SECURITY == "starttls",
            "use_ssl": SMTP_SECURITY == "ssl",
            "timeout": env.int("SMTP_TIMEOUT", default=10),
        },
    }
else:
    _mailer = {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(EMAIL_OUTBOX_DIR)},
    }
MAILERS = {
    "default": _mailer,
    "admins": {**_mailer, "OPTIONS": {**_mailer["OPTIONS"], "fail_silently": True}},
}
# Who gets error reports (500s) by email: comma-separated addresses; empty sends none.
ADMINS = env.list("ADMINS", default=[])
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Isha Health <newsletter@ishahealth.com>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
LOGGING["filters"] = {
    "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    # With the database down every request fails alike: one report a minute, not one each
    # (one filter per handler: a shared one would let the first handler's pass silence the other).
    "database_outage_log": {"()": "isha.logfilters.OncePerDatabaseOutage"},
    "database_outage_mail": {"()": "isha.logfilters.OncePerDatabaseOutage"},
}
LOGGING["handlers"]["console"]["filters"] = ["database_outage_log"]
LOGGING["handlers"]["mail_admins"] = {
    "level": "ERROR",
    "filters": ["require_debug_false", "database_outage_mail"],
    "class": "django.utils.log.AdminEmailHandler",
    "using": "admins",
}
LOGGING["loggers"] = {"django": {"handlers": ["mail_admins"], "level": "INFO"}}

# Background tasks: run at once in development and tests; a database queue worked by
# `manage.py db_worker` in production (django.tasks alone has no queue).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if PRODUCTION
            else "django.tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# A confirmation link works once, for this many days.
SIGNUP_CONFIRM_MAX_AGE_DAYS = env.int("SIGNUP_CONFIRM_MAX_AGE_DAYS", default=7)
# A repeat sign-up while pending resends the confirmation at most once per this many seconds.
SIGNUP_RESEND_INTERVAL = env.int("SIGNUP_RESEND_INTERVAL", default=900)
# A failed confirmation email is retried this many times in all, waiting 1, 2, 4... times
# SIGNUP_EMAIL_RETRY_SECONDS between tries (needs a queue that can defer: production's).
SIGNUP_EMAIL_MAX_ATTEMPTS = env.int("SIGNUP_EMAIL_MAX_ATTEMPTS", default=8)
SIGNUP_EMAIL_RETRY_SECONDS = env.int("SIGNUP_EMAIL_RETRY_SECONDS", default=60)
# A confirmation task still running after this many seconds was left by a killed worker
# and is run again (`manage.py requeue_stale_tasks`); a send takes seconds (SMTP_TIMEOUT).
SIGNUP_TASK_STALE_SECONDS = env.int("SIGNUP_TASK_STALE_SECONDS", default=600)
# A form sent sooner than this after the page was made is held for review; 0 turns it off.
SIGNUP_MIN_FILL_SECONDS = env.float("SIGNUP_MIN_FILL_SECONDS", default=2)
# Sign-ups per client: "COUNT/UNIT" with UNIT s, m, h or d; empty turns it off.
SIGNUP_RATE_LIMIT = env.str("SIGNUP_RATE_LIMIT", default="20/m")
# Reader feedback (votes and problem reports) per client, as SIGNUP_RATE_LIMIT; the
# sign-up's other bot checks (fill time, trap field) apply to it as well.
FEEDBACK_RATE_LIMIT = env.str("FEEDBACK_RATE_LIMIT", default="10/10m")
# Proxies in front of the site that append to X-Forwarded-For (0: use REMOTE_ADDR).
SIGNUP_TRUSTED_PROXY_HOPS = env.int("SIGNUP_TRUSTED_PROXY_HOPS", default=0)
# Admin exports of more rows than this are made in the background by the task queue and
# downloaded from the admin when ready (0: always); smaller ones stream at once.
SIGNUP_EXPORT_BACKGROUND_ROWS = env.int("SIGNUP_EXPORT_BACKGROUND_ROWS", default=50_000)
# A background export's file is deleted this many hours after it was made.
SIGNUP_EXPORT_KEEP_HOURS = env.int("SIGNUP_EXPORT_KEEP_HOURS", default=24)
# A background export that has shown no progress for this many seconds was left by a
# stopped worker and is marked failed (it reports progress every few seconds).
SIGNUP_EXPORT_STALE_SECONDS = env.int("SIGNUP_EXPORT_STALE_SECONDS", default=300)
# Key for the one-way hash of erased addresses. Keep it stable: a new key forgets who was
# erased. Defaults to SECRET_KEY; set it separately so SECRET_KEY can be rotated.
SIGNUP_ERASURE_KEY = env.str("SIGNUP_ERASURE_KEY", default="") or SECRET_KEY

# --- The edge: the HTTP cache in front of the site, purged on publish (isha.edge) ------------
# Which cache to purge after a content change: "" (none), "varnish" or "cloudflare".
EDGE_PURGE_BACKEND = env.str("EDGE_PURGE_BACKEND", default="")
# Varnish: the address of each Varnish (comma-separated http:// URLs) that accepts BAN
# requests from this host (deploy/varnish/default.vcl's `purgers` ACL).
EDGE_VARNISH_URLS = env.list("EDGE_VARNISH_URLS", default=[])
# Cloudflare: the zone's id, an API token allowed to purge its cache (Zone > Cache Purge),
# and the API's base URL (a setting so tests can point it at a local server).
CLOUDFLARE_ZONE_ID = env.str("CLOUDFLARE_ZONE_ID", default="")
CLOUDFLARE_API_TOKEN = env.str("CLOUDFLARE_API_TOKEN", default="")
CLOUDFLARE_API_URL = env.str("CLOUDFLARE_API_URL", default="https://api.cloudflare.com/client/v4")
# Seconds the editor's request waits for the purge (all caches together); a purge that
# fails or takes longer is retried in the background.
EDGE_PURGE_TIMEOUT = env.float("EDGE_PURGE_TIMEOUT", default=2.0)
# A failed purge is tried again after this many seconds, doubled each time (at most 10
# minutes apart), EDGE_PURGE_MAX_ATTEMPTS tries in all.
EDGE_PURGE_RETRY_SECONDS = env.float("EDGE_PURGE_RETRY_SECONDS", default=5.0)
EDGE_PURGE_MAX_ATTEMPTS = env.int("EDGE_PURGE_MAX_ATTEMPTS", default=8)
# Every purge is sent again after this many seconds, longer than the slowest render the
# edge stores (Varnish's first_byte_timeout, 15 s in the shipped VCL), so a render that
# began before the change cannot leave the old page at the edge.
EDGE_REPURGE_SECONDS = env.float("EDGE_REPURGE_SECONDS", default=20.0)
