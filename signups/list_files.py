"""Other tools' list files: which columns hold what, the status names, and the times.

A Mailchimp audience export comes as one CSV per status (``subscribed_…``,
``unsubscribed_…``, ``cleaned_…``) with columns such as "Email Address", "First Name",
"Last Name", "MEMBER_RATING", "OPTIN_TIME", "CONFIRM_TIME", "UNSUB_TIME",
"CLEAN_TIME"; a plain CSV needs an email column (``email``, ``Email``, ``E-mail``…) and
may have ``first_name``/``last_name`` and ``status``. Our own export's full layout reads
back in too. What the importer does with a row is :mod:`signups.importers`.
"""

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path
from typing import Any

from django.utils import timezone

from .models import Subscriber

Status = Subscriber.Status

# Mailchimp's names (and ours) for a list's status, to the status a subscriber gets.
STATUS_MAP = {
    "subscribed": Status.CONFIRMED,
    "confirmed": Status.CONFIRMED,
    "unsubscribed": Status.UNSUBSCRIBED,
    "cleaned": Status.BOUNCED,
    "bounced": Status.BOUNCED,
}
EMAIL_COLUMNS = ("email address", "email", "e-mail", "e-mail address", "email_address", "mail")
FIRST_NAME_COLUMNS = ("first name", "first_name", "firstname", "fname")
LAST_NAME_COLUMNS = ("last name", "last_name", "lastname", "lname")
STATUS_COLUMNS = ("status", "member status", "subscription status")
# Mailchimp's opt-in, confirmation and unsubscription times, or our own export's names.
TIME_COLUMNS = {
    "created_at": ("optin_time", "created_at", "signed up"),
    "confirmed_at": ("confirm_time", "confirmed_at", "confirmed"),
    "unsubscribed_at": ("unsub_time", "unsubscribed_at", "unsubscribed"),
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (no email column, unknown status, not UTF-8...)."""


# Which header of the file holds each value (``None``: no such column).
Columns = dict[str, str | None]
Row = Mapping[Any, Any]


def status_from_name(value: str | None) -> Subscriber.Status | None:
    """Our status for a status name from a file or option; ``None`` if not one we know."""
    return STATUS_MAP.get((value or "").strip().lower())


def status_from_filename(path: str | PathLike[str]) -> str | None:
    """``subscribed_members_export_….csv`` and the like (Mailchimp's names) -> a status name."""
    name = Path(path).name.lower()
    for prefix in ("unsubscribed", "subscribed", "cleaned"):
        if name.startswith(prefix):
            return prefix
    return None


def parse_time(value: str | None) -> datetime | None:
    """A time from the file: ISO 8601, or Mailchimp's "YYYY-MM-DD HH:MM:SS" (taken as UTC).

    ``None`` for an empty cell; raises ``ValueError`` for anything else that is not a time.
    """
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date and time (YYYY-MM-DD HH:MM:SS).") from None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _find(headers: Sequence[str], candidates: Sequence[str]) -> str | None:
    lowered = {header.strip().lower(): header for header in headers if header}
    return next((lowered[name] for name in candidates if name in lowered), None)


def find_columns(headers: Sequence[str]) -> Columns:
    """Which header holds each value (see :data:`Columns`).

    Raises :class:`ImportFileError` if no header is one of :data:`EMAIL_COLUMNS`.
    """
    email_column = _find(headers, EMAIL_COLUMNS)
    if email_column is None:
        raise ImportFileError(
            'The file has no email column (looked for: "Email Address", "email", "E-mail").'
        )
    return {
        "email": email_column,
        "first_name": _find(headers, FIRST_NAME_COLUMNS),
        "last_name": _find(headers, LAST_NAME_COLUMNS),
        "status": _find(headers, STATUS_COLUMNS),
        **{name: _find(headers, candidates) for name, candidates in TIME_COLUMNS.items()},
    }


def cell(row: Row, column: str | None) -> str:
    """The text in ``row`` under ``column``, trimmed; "" for no such column or an empty cell."""
    value = row.get(column) if column else None
    return value.strip() if isinstance(value, str) else ""
