"""The export log: every export of subscribers is recorded, with addresses in its filters masked."""

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from ..models import ExportLog
from .layouts import Preset, get_preset


def mask_email(term: str) -> str:
    """``jane@example.com`` -> ``j***@example.com``: a search term kept in the export log."""
    local, sep, domain = term.strip().rpartition("@")
    if not sep:
        return term
    return f"{local[:1]}***@{domain}"


def recorded_filters(params: Mapping[str, Any]) -> dict[str, Any]:
    """The filters to keep in the export log: ``params`` with any address in them masked."""
    recorded = {}
    for key, value in params.items():
        if isinstance(value, str) and "@" in value:
            value = mask_email(value)
        elif isinstance(value, list):
            value = [mask_email(item) if isinstance(item, str) and "@" in item else item for item in value]
        recorded[key] = value
    return recorded


def log_export(
    *,
    via: str,
    format: str,
    preset: str | Preset,
    filters: Mapping[str, Any],
    row_count: int,
    include_source: bool,
    user: AbstractBaseUser | AnonymousUser | None = None,
) -> ExportLog:
    """Record an export in the :class:`~signups.models.ExportLog`; returns the row.

    ``via`` is one of :class:`ExportLog.Via`; ``include_source`` whether the file said where
    each person signed up; ``user`` the staff member (``None`` from the command line).
    Raises ``ValueError`` for an unknown preset name.
    """
    known = user if user is not None and user.pk is not None else None
    return ExportLog.objects.create(
        # By id: the log accepts any user model (AUTH_USER_MODEL).
        user_id=known.pk if known else None,
        user_name=known.get_username() if known else "",
        via=via,
        format=format,
        preset=get_preset(preset).name,
        filters=recorded_filters(filters),
        row_count=row_count,
        include_source=include_source,
    )
