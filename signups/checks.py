"""System checks of the sign-up settings: ``manage.py check`` fails naming the variable.

A malformed ``SIGNUP_RATE_LIMIT`` (or ``FEEDBACK_RATE_LIMIT``) would otherwise switch
the rate limit off at run time (the limiter lets sign-ups through rather than lose
them when it cannot work), so it is refused at start-up instead. Registered by
``SignupsConfig.ready()`` with the project's settings tag, which servers run when they
start (``isha/wsgi.py``).
"""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register

from isha.checks import HINT, SETTINGS_TAG, at_least

from .abuse import parse_rate

# Setting -> smallest value that makes sense.
MINIMUMS = {
    "SIGNUP_CONFIRM_MAX_AGE_DAYS": 1,
    "SIGNUP_RESEND_INTERVAL": 0,
    "SIGNUP_EMAIL_MAX_ATTEMPTS": 1,
    "SIGNUP_EMAIL_RETRY_SECONDS": 0,
    "SIGNUP_TASK_STALE_SECONDS": 60,
    "SIGNUP_MIN_FILL_SECONDS": 0,
    "SIGNUP_TRUSTED_PROXY_HOPS": 0,
    "SIGNUP_EXPORT_BACKGROUND_ROWS": 0,
    "SIGNUP_EXPORT_KEEP_HOURS": 1,
    "SIGNUP_EXPORT_STALE_SECONDS": 60,
}


@register(SETTINGS_TAG)
def check_signup_settings(app_configs=None, **kwargs):
    """The rate limits (sign-ups, reader feedback) parse (``signups.abuse.parse_rate``)
    and the counts and times are in range. Returns a list of ``Error`` (ids
    ``signups.E001`` and ``signups.E002``)."""
    errors = at_least(MINIMUMS, check_id="signups.E001")
    # The reader feedback form's limit uses the same limiter (``articles.feedback_views``).
    for name in ("SIGNUP_RATE_LIMIT", "FEEDBACK_RATE_LIMIT"):
        value = getattr(settings, name)
        try:
            parse_rate(value)
        except ValueError:
            errors.append(
                Error(
                    f"{name} must be COUNT/UNIT with UNIT s, m, h or d (e.g. 20/m, 100/10m), "
                    f"or empty for no limit; not {value!r}.",
                    hint=HINT,
                    id="signups.E002",
                )
            )
    return errors


@register(SETTINGS_TAG)
def check_export_folder(app_configs=None, **kwargs):
    """``SIGNUP_EXPORT_DIR`` is not under ``MEDIA_ROOT`` or ``STATIC_ROOT`` (nor holds them),
    where a web server or a proxy could hand its files to anyone. Returns a list of
    ``Error`` (id ``signups.E003``)."""
    folder = Path(settings.SIGNUP_EXPORT_DIR).resolve()
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        public = Path(getattr(settings, name)).resolve()
        if folder == public or public in folder.parents or folder in public.parents:
            return [
                Error(
                    f"SIGNUP_EXPORT_DIR ({folder}) must not be inside {name} ({public}) or hold it: "
                    "exports hold personal data and are served only through the admin.",
                    hint=HINT,
                    id="signups.E003",
                )
            ]
    return []
