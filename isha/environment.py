"""Reading settings from the environment so that a malformed value stops the start, by name.

``settings.py`` reads every variable through :class:`Env`. Range and format rules that need
more than a type (a rate limit's syntax, a port's range...) are system checks instead
(``isha/checks.py``, ``signups/checks.py``), which ``manage.py check`` reports all at once.
"""

import environ
from django.core.exceptions import ImproperlyConfigured

TRUE_STRINGS = ("true", "on", "yes", "y", "1")
FALSE_STRINGS = ("false", "off", "no", "n", "0")


class Env(environ.Env):
    """``environ.Env`` (django-environ) that refuses values it would otherwise guess at.

    - A value that does not parse as the asked type (``SMTP_PORT=abc``) raises
      ``ImproperlyConfigured`` naming the variable; django-environ lets Python's bare
      ``ValueError`` through, which does not say which variable was wrong.
    - A boolean must be one of ``true/false, on/off, yes/no, y/n, 1/0`` (any case):
      django-environ reads anything else, such as a mistyped ``ture``, as False, which
      would silently switch a defence like ``SECURE_SSL_REDIRECT`` off.
    - An empty number or boolean (``SMTP_PORT=``) means "unset": the default applies.
      Empty strings and lists stay empty, since for some (``SIGNUP_RATE_LIMIT``) empty
      is a meaningful value.
    """

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        raw = self.ENVIRON.get(var)
        typed = cast in (bool, int, float)
        if typed and raw is not None and not raw.strip() and default is not self.NOTSET:
            return default
        if cast is bool and raw is not None and raw.strip().lower() not in TRUE_STRINGS + FALSE_STRINGS:
            raise ImproperlyConfigured(f"{var} must be true or false, not {raw!r}.")
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except (TypeError, ValueError) as error:
            kind = {int: "a whole number", float: "a number"}.get(cast, "valid")
            raise ImproperlyConfigured(f"{var} must be {kind}, not {raw!r}.") from error
