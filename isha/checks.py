"""System checks of the project-wide settings: ``manage.py check`` fails naming the variable.

``settings.py`` already refuses values that do not parse as their type
(:class:`isha.environment.Env`); these checks catch values of the right type that make
no sense (a negative cache time, a ``SITE_URL`` without a scheme...), all at once. They
carry the tag :data:`SETTINGS_TAG`; ``isha/wsgi.py`` runs them when a server starts, so
a malformed value stops gunicorn too, not only ``manage.py`` commands. Django's system
check framework: https://docs.djangoproject.com/en/6.1/topics/checks/
"""

import re
from email.utils import getaddresses
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register, run_checks
from django.core.exceptions import ImproperlyConfigured

SETTINGS_TAG = "settings"
HINT = "Set it in the environment or in .env; .env.example describes every variable."

# Setting -> smallest value that makes sense.
MINIMUMS = {
    "PAGE_CACHE_SECONDS": 0,
    "PAGE_CACHE_BROWSER_SECONDS": 0,
    "EDGE_CACHE_SECONDS": 0,
    "EDGE_STALE_WHILE_REVALIDATE_SECONDS": 0,
    "EDGE_STALE_IF_ERROR_SECONDS": 0,
    "ARTICLES_PER_PAGE": 1,
    "IMAGE_MAX_UPLOAD_BYTES": 1,
    "IMAGE_MAX_PIXELS": 1,
    "IMAGE_MAX_SIDE": 1,
    "IMAGE_MAX_ASPECT_RATIO": 1,
    "SECURE_HSTS_SECONDS": 0,
    "LOGIN_FAILURE_LIMIT": 1,
    "LOGIN_ADDRESS_FAILURE_LIMIT": 1,
    "LOGIN_LOCKOUT_MINUTES": 1,
}
SMTP_SECURITY_CHOICES = ("starttls", "ssl", "none")
REDIS_SCHEMES = ("redis", "rediss", "unix")
# Query parameters public pages read (isha.pagecache keys pages on them).
READ_PARAMETERS = ("page", "q", "signup", "preview")


def at_least(minimums, *, check_id):
    """One ``Error`` (id ``check_id``) per setting below its minimum.

    ``minimums`` maps a setting's name to the smallest value allowed (int or float);
    booleans and non-numbers are errors too. Returns a list, empty when all are fine.
    """
    errors = []
    for name, minimum in minimums.items():
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
            errors.append(Error(f"{name} must be at least {minimum}, not {value!r}.", hint=HINT, id=check_id))
    return errors


def _error(message, check_id):
    return Error(message, hint=HINT, id=check_id)


@register(SETTINGS_TAG)
def check_numbers(app_configs=None, **kwargs):
    """Times, sizes and counts are not negative (and counts of things shown not zero)."""
    errors = at_least(MINIMUMS, check_id="isha.E001")
    conn_max_age = settings.DATABASES["default"].get("CONN_MAX_AGE") or 0
    if conn_max_age < 0:
        errors.append(_error(f"CONN_MAX_AGE must be at least 0, not {conn_max_age!r}.", "isha.E001"))
    return errors


@register(SETTINGS_TAG)
def check_urls(app_configs=None, **kwargs):
    """``SITE_URL`` is an origin (``https://host[:port]``), the links in emails and feeds
    start with it; ``REDIS_URL``, when set, is a redis://, rediss:// or unix:// URL."""
    errors = []
    site = urlsplit(settings.SITE_URL)
    if site.scheme not in ("http", "https") or not site.hostname or site.path not in ("", "/") or site.query:
        errors.append(
            _error(
                f"SITE_URL must be an origin such as https://www.example.com, not {settings.SITE_URL!r}.",
                "isha.E002",
            )
        )
    if settings.REDIS_URL and urlsplit(settings.REDIS_URL).scheme not in REDIS_SCHEMES:
        # Not repeated in the message: the URL may hold a password.
        errors.append(_error("REDIS_URL must be a redis://, rediss:// or unix:// URL.", "isha.E002"))
    return errors


@register(SETTINGS_TAG)
def check_mail(app_configs=None, **kwargs):
    """SMTP security is one of the known modes, the port and timeout are in range, and
    the senders and ``ADMINS`` are email addresses."""
    errors = []
    if settings.SMTP_SECURITY not in SMTP_SECURITY_CHOICES:
        errors.append(
            _error(
                f"SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY_CHOICES)}, "
                f"not {settings.SMTP_SECURITY!r}.",
                "isha.E003",
            )
        )
    options = settings.MAILERS["default"].get("OPTIONS", {})
    if "port" in options and not 0 < options["port"] < 65536:
        errors.append(_error(f"SMTP_PORT must be between 1 and 65535, not {options['port']!r}.", "isha.E003"))
    if "timeout" in options and not options["timeout"] > 0:
        errors.append(_error(f"SMTP_TIMEOUT must be above 0, not {options['timeout']!r}.", "isha.E003"))
    for name in ("DEFAULT_FROM_EMAIL", "SERVER_EMAIL"):
        if not _addresses(getattr(settings, name), single=True):
            errors.append(
                _error(f"{name} must be one email address, not {getattr(settings, name)!r}.", "isha.E003")
            )
    if not all(_addresses(address, single=True) for address in settings.ADMINS):
        errors.append(
            _error(f"ADMINS must be comma-separated email addresses, not {settings.ADMINS!r}.", "isha.E003")
        )
    return errors


def _addresses(value, *, single=False):
    """The (name, address) pairs in ``value`` (RFC 5322 syntax, as ``email.utils`` reads
    it), or [] when any has no ``@`` or ``single`` is asked and there are several."""
    pairs = getaddresses([value])
    if not pairs or any("@" not in address for _name, address in pairs) or (single and len(pairs) != 1):
        return []
    return pairs


@register(SETTINGS_TAG)
def check_content_security_policy(app_configs=None, **kwargs):
    """Extra ``img-src`` hosts (``CSP_IMG_SRC``) are single source expressions: a ``;`` or
    a space would end the directive and let the value add directives of its own."""
    bad = [source for source in settings.CSP_IMG_SRC if any(c in source for c in "; \t'\"")]
    if bad:
        return [
            _error(f"CSP_IMG_SRC entries must be hosts or schemes such as https:, not {bad!r}.", "isha.E004")
        ]
    return []


# A tracking parameter's name (RFC 3986 unreserved characters), optionally a prefix ending in "*".
TRACKING_NAME_RE = re.compile(r"[A-Za-z0-9._~-]+\*?")


@register(SETTINGS_TAG)
def check_tracking_parameters(app_configs=None, **kwargs):
    """``TRACKING_QUERY_PARAMETERS`` holds parameter names or prefixes ending in ``*``
    (the edge's VCL is generated from or checked against it); ``page``, ``q``, ``signup``
    and ``preview`` are read by pages and cannot be dropped."""
    names = settings.TRACKING_QUERY_PARAMETERS
    bad = [name for name in names if not TRACKING_NAME_RE.fullmatch(name)]
    read = [name for name in names if name.rstrip("*") in READ_PARAMETERS or name == "*"]
    errors = []
    if bad:
        errors.append(
            _error(f"TRACKING_QUERY_PARAMETERS entries must be names or prefix*, not {bad!r}.", "isha.E005")
        )
    if read:
        errors.append(
            _error(f"TRACKING_QUERY_PARAMETERS must not list parameters pages read: {read!r}.", "isha.E005")
        )
    return errors


def refuse_bad_settings():
    """Run the settings checks and raise ``ImproperlyConfigured`` listing every error.

    For servers (``isha/wsgi.py``, ``isha/asgi.py``), which, unlike ``manage.py``, run no
    system checks by themselves. Call it after ``django.setup()``.
    """
    errors = [message for message in run_checks(tags=[SETTINGS_TAG]) if message.is_serious()]
    if errors:
        raise ImproperlyConfigured("Malformed settings:\n" + "\n".join(f"- {e.msg}" for e in errors))
