"""System checks of the sign-up settings: ``manage.py check`` fails naming the variable.

A malformed ``SIGNUP_RATE_LIMIT`` would otherwise switch the rate limit off at run time
(the limiter lets sign-ups through rather than lose them when it cannot work), so it
is refused at start-up instead. Registered by ``SignupsConfig.ready()`` with the
project's settings tag, which servers run when they start (``isha/wsgi.py``).
"""

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
}


@register(SETTINGS_TAG)
def check_signup_settings(app_configs=None, **kwargs):
    """The rate limit parses (``signups.abuse.parse_rate``) and the counts and times are
    in range. Returns a list of ``Error`` (ids ``signups.E001`` and ``signups.E002``)."""
    errors = at_least(MINIMUMS, check_id="signups.E001")
    try:
        parse_rate(settings.SIGNUP_RATE_LIMIT)
    except ValueError:
        errors.append(
            Error(
                "SIGNUP_RATE_LIMIT must be COUNT/UNIT with UNIT s, m, h or d (e.g. 20/m, 100/10m), "
                f"or empty for no limit; not {settings.SIGNUP_RATE_LIMIT!r}.",
                hint=HINT,
                id="signups.E002",
            )
        )
    return errors
