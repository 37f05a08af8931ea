"""System checks of the source-check settings: ``manage.py check`` fails naming the
variable, instead of ``check_sources`` failing every night. Registered by
``ArticlesConfig.ready()`` with the project's settings tag."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register

from isha.checks import HINT, SETTINGS_TAG, at_least

# Setting -> smallest value that makes sense.
MINIMUMS = {
    "SOURCE_CHECK_TIMEOUT": 0.1,
    "SOURCE_CHECK_DELAY": 0,
    "SOURCE_CHECK_RETRIES": 0,
    "SOURCE_CHECK_RETRY_SECONDS": 0,
    "SOURCE_CHECK_EVERY_DAYS": 1,
    "SOURCE_CHECK_BATCH": 1,
}


@register(SETTINGS_TAG)
def check_source_check_settings(app_configs=None, **kwargs):
    """Numbers in range (``articles.E001``), the registries' base URLs absolute http(s)
    URLs (``articles.E002``) and the contact address an address (``articles.E003``)."""
    errors = at_least(MINIMUMS, check_id="articles.E001")
    for name in ("SOURCE_CHECK_CROSSREF_URL", "SOURCE_CHECK_EUTILS_URL"):
        value = getattr(settings, name)
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            errors.append(
                Error(f"{name} must be an http(s) URL, not {value!r}.", hint=HINT, id="articles.E002")
            )
    email = settings.SOURCE_CHECK_EMAIL
    if email and "@" not in email:
        errors.append(
            Error(
                f"SOURCE_CHECK_EMAIL must be an email address, not {email!r}.", hint=HINT, id="articles.E003"
            )
        )
    return errors
